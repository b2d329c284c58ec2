import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Ticket, TranscriptEntry } from '../../tickets/ticket';

/**
 * A live handoff's events come into the driver's conversation as an event activity of this name,
 * whose value is a `LiveEvent`: so they take the conversation's lock and state like any turn.
 */
export const liveEventName = 'evc.liveHandoff';

export const liveEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('liveJoined'),
    staffName: z.string().min(1).max(100),
    reference: z.string().min(1).max(40),
    ticketId: z.string().min(1).max(64),
  }),
  z.object({ kind: z.literal('liveMessage'), staffName: z.string().min(1).max(100), text: z.string().min(1).max(4000) }),
  z.object({ kind: z.literal('liveEnded'), staffName: z.string().min(1).max(100) }),
]);
export type LiveEvent = z.output<typeof liveEventSchema>;

/** Where a live handoff's driver side meets the staff side (the Teams channel): see src/channels/liveAgents. */
export interface LiveAgentHub {
  /** Offer the ticket to staff (a new thread); `driver` is where to deliver their answers. */
  offer(ticket: Ticket, driver: Partial<ConversationReference>): Promise<void>;
  /** The driver's message, to the person who took the ticket over. */
  relay(reference: string, text: string, hazard: boolean): Promise<void>;
  /** The person left: the live part of the conversation, for the ticket. */
  ended(reference: string, ticketId: string, transcript: TranscriptEntry[]): Promise<void>;
}
