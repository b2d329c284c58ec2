import { createHash } from 'node:crypto';
import { z } from 'zod';
import { capTranscript, ticketSchema, transcriptLimits, transcriptTurnSchema, type TranscriptEntry } from './ticket';

/**
 * Something added to a ticket after it was delivered: part of the contract with installers, like
 * the ticket itself (add optional fields, never repurpose one). The one kind so far is the
 * transcript of a live chat, when a person of the support team took the conversation over.
 */
export const ticketUpdateKinds = ['live_chat'] as const;

export const ticketUpdateSchema = z
  .object({
    /** Idempotency key: `upd_` + 32 hex of SHA-256(ticket id, kind, when what it adds began). */
    id: z.string().regex(/^upd_[0-9a-f]{32}$/),
    ticketId: ticketSchema.shape.id,
    reference: ticketSchema.shape.reference,
    kind: z.enum(ticketUpdateKinds),
    createdAt: z.iso.datetime(),
    /** The person of the support team who took the chat over. */
    staff: z
      .object({ name: z.string().trim().min(1).max(100) })
      .strict()
      .optional(),
    /** What was said while they had the chat: `user`, `bot` (a safety instruction) and `staff`. */
    transcript: z.array(transcriptTurnSchema).max(transcriptLimits.maxTurns),
  })
  .strict();

export type TicketUpdate = z.output<typeof ticketUpdateSchema>;

/** The live chat's transcript for its ticket; throws a `ZodError` naming the bad field. */
export function liveChatUpdate(
  input: { ticketId: string; reference: string; staffName?: string; transcript: TranscriptEntry[] },
  now: Date = new Date(),
): TicketUpdate {
  const began = input.transcript[0]?.at ?? now.toISOString();
  const digest = createHash('sha256').update(`${input.ticketId}\nlive_chat\n${began}`).digest('hex');
  return ticketUpdateSchema.parse({
    id: `upd_${digest.slice(0, 32)}`,
    ticketId: input.ticketId,
    reference: input.reference,
    kind: 'live_chat',
    createdAt: now.toISOString(),
    ...(input.staffName ? { staff: { name: input.staffName } } : {}),
    transcript: capTranscript(input.transcript),
  });
}
