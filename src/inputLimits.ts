import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { fillTemplate, type Messages } from './content/messages';
import { hashId, type Logger } from './logger';
import { noEmoji, yesEmoji } from './nlu/textAnalysis';
import { photosIn } from './photos/photoReference';
import type { Metrics } from './observability/metrics';

/** Why a message is answered before the recognizer sees it. */
export type RefusalReason = 'tooLong' | 'empty' | 'attachmentsOnly' | 'noWords' | 'notEnglish';

export interface IncomingMessage {
  text?: unknown;
  attachments?: unknown;
  /** Card submissions (Teams `Action.Submit`) carry their answer here, often with no text. */
  value?: unknown;
  /** Photos the channel took in are named here (`photosIn`): a photo alone is a message. */
  channelData?: unknown;
}

/*
 * Function words that are frequent in the languages our drivers are most likely to write in and
 * are not English words too ("die", "in", "me", "no" are left out on purpose). Two of them, more
 * than English words, mark a message as not English; a single one ("merci") is not enough.
 */
const otherLanguageWords = new Set(
  [
    'ich mein meine meinem nicht ist das und der ein eine kabel steckt fest bitte hilfe ladekabel geht habe kann auto wie warum',
    'je mon ma est les une pas câble coincé voiture dans avec merci bonjour aide ne que qui sur borne prise',
    'el mi está atascado coche por favor ayuda hola gracias del los las una es puedo cargador',
    'il mio è bloccato cavo macchina non aiuto ciao grazie della sono presa',
    'ik mijn niet het een zit vast laadpaal hoe bedankt hallo kan',
    'meu não preso carro obrigado olá carregador',
  ]
    .join(' ')
    .split(' '),
);
const englishWords = new Set(
  "i my the is it and in to a of on at stuck cable lead plug car charger socket port not wont won’t won't cant can't help please out this that with hi hello yes no thanks charging unlock release stop person".split(
    ' ',
  ),
);

const letter = /\p{L}/gu;
const latinLetter = /\p{Script=Latin}/gu;
const letterOrDigit = /[\p{L}\p{N}]/u;
/** Emoji that are an answer: a yes or no (`yesEmoji`, `noEmoji`), or stars for the rating. */
const answerEmoji = new RegExp(`${yesEmoji.source}|${noEmoji.source}|[\u2B50\u2605\u{1F31F}]`, 'u');

export function isNotEnglish(text: string): boolean {
  const letters = text.match(letter)?.length ?? 0;
  const latin = text.match(latinLetter)?.length ?? 0;
  if (letters >= 3 && latin / letters < 0.5) return true;
  const words = text
    .toLowerCase()
    .split(/[^\p{L}'’]+/u)
    .filter(Boolean);
  const other = words.filter((word) => otherLanguageWords.has(word)).length;
  const english = words.filter((word) => englishWords.has(word)).length;
  return other >= 2 && other > english;
}

/** Decides whether a message goes on to the recognizer; never throws, whatever the activity holds. */
export function screenMessage(message: IncomingMessage, maxChars: number): RefusalReason | undefined {
  if (message.value !== undefined && message.value !== null) return undefined;
  const text = typeof message.text === 'string' ? message.text.trim() : '';
  if (text.length > maxChars) return 'tooLong';
  if (!text && photosIn(message.channelData).length > 0) return undefined;
  if (!text) return Array.isArray(message.attachments) && message.attachments.length > 0 ? 'attachmentsOnly' : 'empty';
  if (!letterOrDigit.test(text) && !answerEmoji.test(text)) return 'noWords';
  if (isNotEnglish(text)) return 'notEnglish';
  return undefined;
}

const replyFor: Record<RefusalReason, 'inputTooLong' | 'inputEmpty' | 'inputAttachmentsOnly' | 'inputNoWords' | 'inputNotEnglish'> = {
  tooLong: 'inputTooLong',
  empty: 'inputEmpty',
  attachmentsOnly: 'inputAttachmentsOnly',
  noWords: 'inputNoWords',
  notEnglish: 'inputNotEnglish',
};

/**
 * Answers messages the bot cannot use with a short explanation, before any state is read or the
 * recognizer runs. Other activity types pass through untouched (the bot ignores the ones it does
 * not know).
 */
export function inputLimitsMiddleware(deps: { maxMessageChars: number; messages: Messages; metrics: Metrics; logger: Logger }): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      const activity: Partial<Activity> = context.activity;
      if (activity.type !== 'message') return next();
      const reason = screenMessage(activity, deps.maxMessageChars);
      if (!reason) return next();
      deps.metrics.inputsRefused.inc({ reason });
      deps.logger.info(
        { conversation: hashId(activity.conversation?.id), channel: activity.channelId, reason },
        'message answered before recognition',
      );
      await context.sendActivity(fillTemplate(deps.messages[replyFor[reason]], { max: deps.maxMessageChars }));
    },
  };
}
