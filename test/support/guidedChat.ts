import { loadConfig } from '../../src/config';
import { loadContent } from '../../src/content/loadContent';
import { fillTemplate } from '../../src/content/messages';
import { buildBotRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import type { Recognizer } from '../../src/nlu/types';
import { conversationWith } from './conversation';

export const content = loadContent();
const { knowledge, messages } = content;

/** What the bot says for a knowledge item, with the plain words for an unnamed car and charger. */
export function item(id: string, names: { car?: string; charger?: string } = {}): string {
  return fillTemplate(knowledge.get(id).text, { ...messages.defaultNames, ...names });
}

/** A step's instruction: its knowledge items as one message. */
export function instruction(...ids: string[]): string {
  return ids.map((id) => item(id)).join(' ');
}

export function handoffFor(reason: keyof typeof messages.handoffReasons): string {
  return fillTemplate(messages.handoffStarting, { reason: messages.handoffReasons[reason] });
}

/**
 * A conversation with the bot as the composition root builds it, turn by turn, in this process,
 * opened the way channels open one (so the welcome is behind us).
 */
export async function guidedChat(recognizer: Recognizer) {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const runtime = buildBotRuntime(config, createLogger(config), { recognizer });
  const chat = conversationWith(runtime.bot, runtime.onTurnError);
  await chat.send({ type: 'conversationUpdate', membersAdded: [{ id: 'user-1', name: 'Driver' }, { id: 'bot', name: 'Bot' }] });
  return {
    /** Sends one message; the bot's texts, and the suggested actions of its last message. */
    async user(text: string) {
      const replies = await chat.send({ type: 'message', text });
      return {
        texts: replies.map((reply) => reply.text ?? ''),
        buttons: replies.at(-1)?.suggestedActions?.actions.map((action) => action.title ?? String(action.value)) ?? [],
      };
    },
  };
}
