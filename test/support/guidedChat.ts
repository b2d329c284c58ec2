import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config';
import { loadContent } from '../../src/content/loadContent';
import { fillTemplate } from '../../src/content/messages';
import { buildBotRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import type { Recognizer } from '../../src/nlu/types';
import type { TicketDelivery } from '../../src/tickets/delivery';
import type { Ticket } from '../../src/tickets/ticket';
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

/** What the handoff says first: why, what happens next, and its first question. */
export function handoffOpening(reason: keyof typeof messages.handoffReasons): string[] {
  return [handoffFor(reason), messages.handoffNext, messages.handoff.questions.name.ask];
}

/**
 * A conversation with the bot as the composition root builds it, turn by turn, in this process,
 * opened the way channels open one (so the welcome is behind us). Tickets go to `ticketDelivery`
 * (by default one that accepts and keeps them, so no test writes the real outbox file).
 */
export async function guidedChat(recognizer: Recognizer, options: { ticketDelivery?: TicketDelivery } = {}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const ticketDelivery = options.ticketDelivery ?? memoryTicketDelivery();
  const runtime = buildBotRuntime(config, createLogger(config), { recognizer, ticketDelivery });
  const chat = conversationWith(runtime.bot, runtime.onTurnError);
  await chat.send({ type: 'conversationUpdate', membersAdded: [{ id: 'user-1', name: 'Driver' }, { id: 'bot', name: 'Bot' }] });
  return {
    conversationId: chat.conversationId,
    /** Every activity the bot sent, messages and events, in order. */
    activities: chat.activities,
    /** Sends one message; the bot's texts, and the suggested actions of its last message. */
    async user(text: string, extra: Partial<Activity> = {}) {
      const replies = await chat.send({ type: 'message', text, ...extra });
      return {
        texts: replies.map((reply) => reply.text ?? ''),
        buttons: replies.at(-1)?.suggestedActions?.actions.map((action) => action.title ?? String(action.value)) ?? [],
      };
    },
  };
}

/**
 * A ticket delivery in memory: keeps the first ticket of each id and returns it, like the real ones;
 * `refuse(id)` makes it report that ticket refused by the receiver.
 */
export function memoryTicketDelivery() {
  const accepted = new Map<string, Ticket>();
  const refusedIds = new Set<string>();
  let submissions = 0;
  return {
    tickets: () => [...accepted.values()],
    submissions: () => submissions,
    refuse: (ticketId: string) => void refusedIds.add(ticketId),
    async submit(ticket: Ticket): Promise<Ticket> {
      submissions += 1;
      if (!accepted.has(ticket.id)) accepted.set(ticket.id, ticket);
      return accepted.get(ticket.id)!;
    },
    async refused(ticketIds: readonly string[]) {
      return ticketIds.filter((id) => refusedIds.has(id));
    },
    async close() {},
  } satisfies TicketDelivery & Record<string, unknown>;
}
