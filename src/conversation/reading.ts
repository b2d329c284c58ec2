import type { KnowledgeItem } from '../content/knowledge';
import type { ButtonKey, Messages, ProcedureScenario } from '../content/messages';
import type { AlreadyTriedPhrases, AnswerKey, AskKind } from '../content/procedures';
import { isQuestion, mentionTest, sameWords } from '../nlu/textMatching';
import type { DamageDetail, Recognition } from '../nlu/types';
import type { KnowledgeSearch } from './knowledgeSearch';

/** What the bot asked last, so that a reply is read as an answer to it. */
export type Expectation =
  | { kind: 'opening' }
  | { kind: 'step'; ask: AskKind }
  | { kind: 'handoff' }
  | { kind: 'rating' };

/**
 * What must win over the answer to whatever was asked, in this order: a hazard, damage, a person,
 * cancelling, a question about the topic (or help), the cable having come free.
 */
export type Interruption =
  | { kind: 'hazard'; details: DamageDetail[] }
  | { kind: 'damage'; details: DamageDetail[] }
  | { kind: 'person' }
  | { kind: 'cancel' }
  | { kind: 'question'; item: KnowledgeItem }
  | { kind: 'help' }
  | { kind: 'freed' };

/** A message as the stage it arrives at reads it; computed once a turn. */
export interface Reading {
  text: string;
  recognition: Recognition;
  /** The interruption the message is, if any; `undefined` leaves it to the stage. */
  interruption?: Interruption;
  /** The answer to a step's question (yes/no, did it come free, which end). */
  answer?: AnswerKey;
  /** A situation the message names: a new procedure, or a correction of the current one. */
  scenario?: ProcedureScenario;
  smallTalk?: 'greeting' | 'thanks';
  outOfScope: boolean;
  /** Steps the message says were done already ("I already stopped it"). */
  stepsDone: string[];
}

export interface ReadingDeps {
  messages: Messages;
  search: KnowledgeSearch;
  alreadyTried: AlreadyTriedPhrases;
  /** Damage details that are a hazard to the person, not just to the plug. */
  hazardDetails: readonly DamageDetail[];
  /** Words a stage answers with that the recognizer would read otherwise ("Skip" is not cancel). */
  ownWords: (text: string) => boolean;
}

const stepButtons: Partial<Record<ButtonKey, Pick<Reading, 'answer' | 'interruption'>>> = {
  freed: { answer: 'affirm' },
  yes: { answer: 'affirm' },
  stillStuck: { answer: 'deny' },
  no: { answer: 'deny' },
  car: { answer: 'car' },
  charger: { answer: 'charger' },
  both: { answer: 'both' },
  damaged: { interruption: { kind: 'damage', details: [] } },
  person: { interruption: { kind: 'person' } },
};

const scenarioIntents = new Set<string>(['stuck_in_car', 'stuck_in_charger', 'cable_stuck', 'power_cut', 'cold_weather']);

/**
 * Reads one message against what was asked: a button typed or clicked first, then what must win at
 * any stage (`Interruption`), then the answer to the question asked and the situation it names.
 */
export function readMessage(text: string, recognition: Recognition, expecting: Expectation, deps: ReadingDeps): Reading {
  const reading: Reading = { text, recognition, outOfScope: recognition.intent === 'out_of_scope', stepsDone: stepsDone(text, deps.alreadyTried) };
  const button = (Object.keys(stepButtons) as ButtonKey[]).find((key) => sameWords(text, deps.messages.buttons[key]));
  if (button && expecting.kind !== 'handoff') return { ...reading, ...stepButtons[button], stepsDone: [] };
  if (deps.ownWords(text)) return reading;

  reading.interruption = interruptionOf(text, recognition, deps);
  reading.answer = stepAnswer(expecting, recognition);
  if (scenarioIntents.has(recognition.intent)) reading.scenario = recognition.intent as ProcedureScenario;
  if (recognition.intent === 'greeting' || recognition.intent === 'thanks') reading.smallTalk = recognition.intent;
  return reading;
}

function interruptionOf(text: string, recognition: Recognition, deps: ReadingDeps): Interruption | undefined {
  const details = recognition.entities.damage ?? [];
  const hazards = details.filter((detail) => deps.hazardDetails.includes(detail));
  if (hazards.length > 0) return { kind: 'hazard', details: hazards };
  switch (recognition.intent) {
    case 'damage':
      return { kind: 'damage', details };
    case 'human':
      return { kind: 'person' };
    case 'cancel':
      return { kind: 'cancel' };
  }
  // A question the knowledge answers wins over `help`: "can I use a screwdriver?" wants the answer.
  if (isQuestion(text)) {
    const hit = deps.search.find(text);
    if (hit) return { kind: 'question', item: hit.item };
  }
  if (recognition.intent === 'help') return { kind: 'help' };
  if (recognition.entities.cableFreed && !isQuestion(text)) return { kind: 'freed' };
  return undefined;
}

/** The step's answer that an intent or an entity gives, if any. */
function stepAnswer(expecting: Expectation, recognition: Recognition): AnswerKey | undefined {
  if (expecting.kind !== 'step' && expecting.kind !== 'opening') return undefined;
  if (expecting.kind === 'opening' || expecting.ask === 'side') {
    if (recognition.intent === 'stuck_in_car') return 'car';
    if (recognition.intent === 'stuck_in_charger') return 'charger';
    if (recognition.entities.side) return recognition.entities.side;
  }
  if (recognition.intent === 'affirm' || recognition.intent === 'deny') return recognition.intent;
  return undefined;
}

/** The steps a message says were already done, from dialogs/already-tried.yaml; a question says none. */
function stepsDone(text: string, phrases: AlreadyTriedPhrases): string[] {
  if (isQuestion(text)) return [];
  const mentioned = mentionTest(text, phrases.negations);
  return Object.entries(phrases.steps)
    .filter(([, stepPhrases]) => stepPhrases.some(mentioned))
    .map(([step]) => step);
}
