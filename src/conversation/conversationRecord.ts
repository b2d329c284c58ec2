import type { BotState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { type HandoffReason, handoffReasons, type TranscriptEntry } from '../handoff/handoffRequest';
import { hashId, type Logger } from '../logger';

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
}

/** What is kept about a conversation besides its dialog stack (which a failed turn clears). */
export interface ConversationRecord {
  transcript: TranscriptEntry[];
  outcomes: Outcome[];
  /** Absent in records stored before tickets existed. */
  tickets?: CreatedTicket[];
}

/** What each entry of a stored record must look like before a turn relies on it. */
const entrySchemas = {
  transcript: z.object({ from: z.enum(['user', 'bot']), text: z.string(), at: z.string() }) satisfies z.ZodType<TranscriptEntry>,
  outcomes: z.object({
    result: z.enum(['freed', 'handoff', 'cancelled', 'closed']),
    scenario: z.string().optional(),
    step: z.string().optional(),
    reason: z.enum(handoffReasons).optional(),
    rating: z.number().optional(),
    at: z.string(),
  }) satisfies z.ZodType<Outcome>,
  // Any reason: a ticket created under a reason since renamed must still be found, or it would be created again.
  tickets: z.object({ id: z.string(), reference: z.string(), reason: z.string(), at: z.string() }),
};
const recordSchema = z.object({
  transcript: z.array(entrySchemas.transcript),
  outcomes: z.array(entrySchemas.outcomes),
  tickets: z.array(entrySchemas.tickets).optional(),
});

/** Of a record that fails the schema, the entries that pass; a list that is not a list starts empty. */
function repairedRecord(stored: unknown): ConversationRecord {
  const fields = (stored !== null && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const fitting = <T>(list: unknown, entry: z.ZodType<T>): T[] =>
    Array.isArray(list) ? list.filter((item): item is T => entry.safeParse(item).success) : [];
  return {
    transcript: fitting(fields.transcript, entrySchemas.transcript),
    outcomes: fitting(fields.outcomes, entrySchemas.outcomes),
    tickets: fitting(fields.tickets, entrySchemas.tickets) as CreatedTicket[],
  };
}

/** The conversation state property holding the record; the handoff reads the transcript from it. */
export const conversationRecordProperty = 'conversationRecord';

/**
 * How much of the conversation the state keeps: enough for an installer to follow, small enough to
 * keep the state item small. The ticket caps it again (`transcriptLimits` in tickets/ticket.ts).
 */
const keptTranscript = { entries: 60, charactersPerEntry: 500 } as const;

export class ConversationRecords {
  private readonly accessor: StatePropertyAccessor<ConversationRecord>;
  /** Records already checked: a turn's state hands out the same object on every read. */
  private readonly checked = new WeakSet<object>();

  constructor(
    conversationState: BotState,
    private readonly logger: Logger,
  ) {
    this.accessor = conversationState.createProperty<ConversationRecord>(conversationRecordProperty);
  }

  /**
   * The record, checked on a turn's first read. One edited by hand or left by an older release would
   * otherwise fail every turn until the conversation expired: entries that fit are kept, others dropped.
   */
  async get(context: TurnContext): Promise<ConversationRecord> {
    const stored = (await this.accessor.get(context, { transcript: [], outcomes: [], tickets: [] })) as unknown;
    if (this.checked.has(stored as object)) return stored as ConversationRecord;
    let record = stored as ConversationRecord;
    if (!recordSchema.safeParse(stored).success) {
      record = repairedRecord(stored);
      await this.accessor.set(context, record);
      this.logger.warn({ conversation: hashId(context.activity.conversation?.id) }, 'conversation record not as expected: entries that do not fit were dropped');
    }
    this.checked.add(record);
    return record;
  }

  /** Keeps what the user writes this turn and every text the bot sends back. */
  async recordTurn(context: TurnContext): Promise<void> {
    const record = await this.get(context);
    if (context.activity.text) appendCapped(record.transcript, 'user', context.activity.text);
    context.onSendActivities(async (_context, activities, next) => {
      for (const activity of activities) {
        if (activity.type === 'message' && activity.text) appendCapped(record.transcript, 'bot', activity.text);
      }
      return next();
    });
  }

  async addOutcome(context: TurnContext, outcome: Omit<Outcome, 'at'>): Promise<void> {
    (await this.get(context)).outcomes.push({ ...outcome, at: new Date().toISOString() });
  }

  async createdTicket(context: TurnContext, id: string): Promise<CreatedTicket | undefined> {
    return (await this.get(context)).tickets?.find((ticket) => ticket.id === id);
  }

  async addCreatedTicket(context: TurnContext, ticket: Omit<CreatedTicket, 'at'>): Promise<void> {
    const record = await this.get(context);
    record.tickets = [...(record.tickets ?? []), { ...ticket, at: new Date().toISOString() }];
  }

  async rateLastOutcome(context: TurnContext, rating: number): Promise<void> {
    const last = (await this.get(context)).outcomes.at(-1);
    if (last) last.rating = rating;
  }
}

function appendCapped(transcript: TranscriptEntry[], from: TranscriptEntry['from'], text: string): void {
  transcript.push({ from, text: text.slice(0, keptTranscript.charactersPerEntry), at: new Date().toISOString() });
  transcript.splice(0, Math.max(0, transcript.length - keptTranscript.entries));
}
