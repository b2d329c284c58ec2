import type { Activity } from 'botbuilder';
import { ExpiringMemoryStorage } from '../../src/state/expiringMemoryStorage';
import { conversationProperty } from '../../src/botframework/conversationHost';
import type { StoredConversation } from '../../src/conversation/conversationState';
import { loadConfig } from '../../src/config';
import { loadContent } from '../../src/content/loadContent';
import { fillTemplate } from '../../src/content/messages';
import { buildBotRuntime } from '../../src/index';
import { createLogger } from '../../src/logger';
import type { Recognizer } from '../../src/nlu/types';
import type { TicketDelivery } from '../../src/tickets/delivery';
import type { Ticket } from '../../src/tickets/ticket';
import type { TicketUpdate } from '../../src/tickets/ticketUpdate';
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
export async function guidedChat(
  recognizer: Recognizer,
  options: { ticketDelivery?: TicketDelivery; channelId?: string; from?: Activity['from'] } = {},
) {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const ticketDelivery = options.ticketDelivery ?? memoryTicketDelivery();
  const storage = new ExpiringMemoryStorage(config.conversationState.ttlSeconds);
  const runtime = buildBotRuntime(config, createLogger(config), { recognizer, ticketDelivery, memoryStorage: storage });
  const chat = conversationWith(runtime.bot, runtime.onTurnError, options.channelId, options.from);
  const key = () => `${options.channelId ?? 'test'}/conversations/${chat.conversationId}/`;
  const opening = await chat.send({
    type: 'conversationUpdate',
    membersAdded: [
      { id: chat.user.id, name: 'Driver' },
      { id: 'bot', name: 'Bot' },
    ],
  });
  return {
    conversationId: chat.conversationId,
    /** What the bot said when the conversation opened: the welcome and its first question. */
    opening: opening.map((reply) => reply.text ?? ''),
    storage,
    /** The conversation as stored after the last turn. */
    stored: async () => (await storage.read([key()]))[key()]?.[conversationProperty] as StoredConversation | undefined,
    /** Every activity the bot sent, messages and events, in order. */
    activities: chat.activities,
    /** Sends one message; the bot's texts, and the suggested actions of its last message. */
    async user(text: string, extra: Partial<Activity> = {}) {
      const replies = await chat.send({ type: 'message', text, ...extra });
      return {
        // As written, without the markdown hard breaks the channel rendering adds (tested on their own).
        texts: replies.map((reply) => (reply.text ?? '').replaceAll('  \n', '\n')),
        buttons: replies.at(-1)?.suggestedActions?.actions.map((action) => action.title ?? String(action.value)) ?? [],
      };
    },
  };
}

/**
 * A ticket delivery in memory: keeps the first ticket of each id and returns it, like the real ones,
 * and the updates; `refuse(id)` makes it report that ticket refused by the receiver.
 */
export function memoryTicketDelivery() {
  const accepted = new Map<string, Ticket>();
  const updates: TicketUpdate[] = [];
  const refusedIds = new Set<string>();
  let submissions = 0;
  return {
    tickets: () => [...accepted.values()],
    updates: () => [...updates],
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
    async update(update: TicketUpdate) {
      updates.push(update);
    },
    async close() {},
  } satisfies TicketDelivery & Record<string, unknown>;
}
