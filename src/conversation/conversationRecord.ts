import type { BotState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { HandoffReason, TranscriptEntry } from '../handoff/handoffRequest';

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

/** The conversation state property holding the record; the handoff reads the transcript from it. */
export const conversationRecordProperty = 'conversationRecord';

/**
 * How much of the conversation the state keeps: enough for an installer to follow, small enough to
 * keep the state item small. The ticket caps it again (`transcriptLimits` in tickets/ticket.ts).
 */
const keptTranscript = { entries: 60, charactersPerEntry: 500 } as const;

export class ConversationRecords {
  private readonly accessor: StatePropertyAccessor<ConversationRecord>;

  constructor(conversationState: BotState) {
    this.accessor = conversationState.createProperty<ConversationRecord>(conversationRecordProperty);
  }

  get(context: TurnContext): Promise<ConversationRecord> {
    return this.accessor.get(context, { transcript: [], outcomes: [], tickets: [] }) as Promise<ConversationRecord>;
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
