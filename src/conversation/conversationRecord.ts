import { z } from 'zod';
import { type HandoffReason, handoffReasons, type TranscriptEntry } from '../tickets/ticket';

/** How one guided procedure ended, kept with the conversation for reports and tickets. */
export interface Outcome {
  result: 'freed' | 'handoff' | 'cancelled' | 'closed';
  scenario?: string;
  step?: string;
  reason?: HandoffReason;
  /** 1-5, when the driver rated the help after the cable came free. */
  rating?: number;
  at: string;
}

/** A ticket this conversation created: a repeated "yes, create it" is answered with the same reference. */
export interface CreatedTicket {
  id: string;
  reference: string;
  reason: HandoffReason;
  at: string;
  /** The driver was told it will not reach the installers (refused for good, or out of attempts). */
  notDelivered?: true;
}

/** What is kept about a conversation besides where it stands. */
export interface ConversationRecord {
  transcript: TranscriptEntry[];
  outcomes: Outcome[];
  tickets: CreatedTicket[];
}

/** What each entry of a stored record must look like before a turn relies on it. */
const entrySchemas = {
  transcript: z.object({ from: z.enum(['user', 'bot', 'staff']), text: z.string(), at: z.string() }) satisfies z.ZodType<TranscriptEntry>,
  outcomes: z.object({
    result: z.enum(['freed', 'handoff', 'cancelled', 'closed']),
    scenario: z.string().optional(),
    step: z.string().optional(),
    reason: z.enum(handoffReasons).optional(),
    rating: z.number().optional(),
    at: z.string(),
  }) satisfies z.ZodType<Outcome>,
  // Any reason: a ticket created under a reason since renamed must still be found, or it would be created again.
  tickets: z.object({
    id: z.string(),
    reference: z.string(),
    reason: z.string(),
    at: z.string(),
    notDelivered: z.literal(true).optional(),
  }),
};

export const recordSchema = z.object({
  transcript: z.array(entrySchemas.transcript),
  outcomes: z.array(entrySchemas.outcomes),
  // Absent in records stored before tickets existed.
  tickets: z.array(entrySchemas.tickets).default([]),
});

export const emptyRecord = (): ConversationRecord => ({ transcript: [], outcomes: [], tickets: [] });

/**
 * A stored record, checked: one edited by hand or left by an older release would otherwise fail
 * every turn until the conversation expired. Entries that fit are kept, others dropped; a list that
 * is not a list starts empty. `repaired` says whether anything was dropped.
 */
export function checkedRecord(stored: unknown): { record: ConversationRecord; repaired: boolean } {
  const parsed = recordSchema.safeParse(stored ?? emptyRecord());
  if (parsed.success) return { record: parsed.data as ConversationRecord, repaired: false };
  const fields = (stored !== null && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const fitting = <T>(list: unknown, entry: z.ZodType<T>): T[] =>
    Array.isArray(list) ? list.filter((item): item is T => entry.safeParse(item).success) : [];
  return {
    record: {
      transcript: fitting(fields.transcript, entrySchemas.transcript),
      outcomes: fitting(fields.outcomes, entrySchemas.outcomes),
      tickets: fitting(fields.tickets, entrySchemas.tickets) as CreatedTicket[],
    },
    repaired: true,
  };
}

/**
 * How much of the conversation the state keeps: enough for an installer to follow, small enough to
 * keep the state item small. The ticket caps it again (`transcriptLimits` in tickets/ticket.ts).
 */
const keptTranscript = { entries: 60, charactersPerEntry: 500 } as const;

/** The transcript with these entries added at the end, the oldest let go beyond the limit. */
export function withTranscript(transcript: readonly TranscriptEntry[], added: readonly TranscriptEntry[]): TranscriptEntry[] {
  const capped = added.map((entry) => ({ ...entry, text: entry.text.slice(0, keptTranscript.charactersPerEntry) }));
  return [...transcript, ...capped].slice(-keptTranscript.entries);
}
