import { loadConfig } from '../../src/config';
import { buildBotRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import type { Recognizer } from '../../src/nlu/types';
import { conversationWith } from './conversation';

/** A conversation with the bot as the composition root builds it, turn by turn, in this process. */
export function guidedChat(recognizer: Recognizer) {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const runtime = buildBotRuntime(config, createLogger(config), { recognizer });
  const chat = conversationWith(runtime.bot, runtime.onTurnError);
  return {
    ...chat,
    /** Sends one message and returns the texts and the suggested actions the bot answered with. */
    async turn(text: string) {
      const replies = await chat.send({ type: 'message', text });
      return {
        texts: replies.map((reply) => reply.text ?? ''),
        buttons: replies.at(-1)?.suggestedActions?.actions.map((action) => action.title ?? String(action.value)) ?? [],
      };
    },
  };
}
