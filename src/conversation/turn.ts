import type { RankedIntent } from '../nlu/types';
import type { HandoffReason, Ticket, TranscriptEntry, TriedStep } from '../tickets/ticket';
import type { Outcome } from './conversationRecord';
import type { Stage, StoredConversation } from './conversationState';
import type { Reply } from './replies';

/**
 * What a turn asks the host to do besides sending its replies: count, log, notify. Plain data, so
 * the engine never touches an adapter, a metric or a channel.
 */
export type Effect =
  | { kind: 'procedureStarted'; procedure: string }
  | { kind: 'procedureResolved'; procedure: string; step: string }
  | { kind: 'procedureHandedOff'; procedure: string; reason: HandoffReason }
  | { kind: 'ticketCreated'; ticket: Ticket }
  | { kind: 'rated'; score: number }
  /** Support staff are on duty: offer the ticket to them to take over the chat live. */
  | { kind: 'liveHandoffRequested'; ticket: Ticket }
  /** A live handoff: the driver's message goes to the person who took over (`hazard`: shown as one). */
  | { kind: 'relayToStaff'; reference: string; text: string; hazard: boolean }
  /** The person left the chat: the live part of the conversation, for the ticket. */
  | { kind: 'liveEnded'; reference: string; ticketId: string; transcript: TranscriptEntry[] };

/** Why a message could not be used: for the insights' review of what the bot did not understand. */
export const misunderstandings = ['not_recognised', 'clarifying_question', 'unreadable_reply'] as const;
export type Misunderstanding = (typeof misunderstandings)[number];

/** What the turn's log line, the metrics and the insights say about it. */
export interface TurnSummary {
  intent?: string;
  confidence?: number;
  /** The recognizer's best labels for the message. */
  ranking?: RankedIntent[];
  step?: string;
  /** The guide's steps tried by the end of the turn, also when its procedure ended this turn. */
  tried?: TriedStep[];
  misunderstood?: Misunderstanding;
  /** Steps passed over because they were tried already. */
  skipped?: { procedure: string; step: string }[];
}

/**
 * One turn being worked out: the conversation as it will be stored, the replies and the effects,
 * gathered as the engine decides. The stored conversation it started from is never changed.
 */
export class Turn {
  readonly replies: Reply[] = [];
  readonly effects: Effect[] = [];
  readonly summary: TurnSummary = {};
  /** How many of the first replies are left out of the transcript (the greeting). */
  untranscribed = 0;
  private conversation: StoredConversation;

  constructor(
    from: StoredConversation,
    readonly now: Date,
  ) {
    this.conversation = { ...from };
  }

  get state(): StoredConversation {
    return this.conversation;
  }

  get stage(): Stage {
    return this.conversation.stage;
  }

  moveTo(stage: Stage): void {
    this.conversation = { ...this.conversation, stage };
  }

  update(changes: Partial<StoredConversation>): void {
    this.conversation = { ...this.conversation, ...changes };
  }

  say(...texts: string[]): void {
    for (const text of texts) this.replies.push({ text });
  }

  ask(reply: Reply): void {
    this.replies.push(reply);
  }

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  addOutcome(outcome: Omit<Outcome, 'at'>): void {
    const { record } = this.conversation;
    this.update({ record: { ...record, outcomes: [...record.outcomes, { ...outcome, at: this.now.toISOString() }] } });
  }

  /** Rates the procedure that ended last. */
  rateLastOutcome(rating: number): void {
    const { record } = this.conversation;
    const last = record.outcomes.at(-1);
    if (!last) return;
    this.update({ record: { ...record, outcomes: [...record.outcomes.slice(0, -1), { ...last, rating }] } });
  }
}
