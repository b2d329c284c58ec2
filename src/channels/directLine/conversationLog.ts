import type { Activity } from 'botbuilder';
import { fitPage, formatWatermark, type LogPosition, newEpoch, startIndex } from './watermark';

/** A page of a conversation's activities, and the watermark to ask for the next page with. */
export interface ActivityPage {
  activities: Partial<Activity>[];
  watermark: string;
}

/** How much a conversation's log keeps, and how much one read returns. */
export interface LogLimits {
  /** Activities kept per conversation; the oldest are dropped first. */
  maxActivities: number;
  /** Bytes (the activities as JSON) kept per conversation; the oldest are dropped first. */
  maxBytes: number;
  /** Bytes one read returns at most; always at least one activity, whatever its size. */
  maxPageBytes: number;
}

/** Activities one read returns at most, however small. */
export const maxPageActivities = 100;

/** What a conversation's open streams hear: something was appended, or an activity nobody keeps (typing). */
export type LogEvent = { kind: 'appended' } | { kind: 'ephemeral'; activity: Partial<Activity> };
export type LogListener = (event: LogEvent) => void;

/**
 * The activity log of each Direct Line conversation: what the user posted and what the bot said,
 * in order, capped (`LogLimits`). Kept in the state store, so that any instance can answer a poll,
 * and announced to every instance, so that a stream open on any of them gets what is new at once.
 */
export interface ConversationLog {
  /** Marks the conversation as started; true the first time only, so the bot greets once. */
  start(conversationId: string): Promise<boolean>;
  append(conversationId: string, activity: Partial<Activity>): Promise<void>;
  /** What came after `from` (see `watermark.ts`), one page at most. */
  read(conversationId: string, from: LogPosition): Promise<ActivityPage>;
  /** Shows `activity` to the conversation's open streams without keeping it (typing). */
  broadcast(conversationId: string, activity: Partial<Activity>): Promise<void>;
  /** `listener` hears of the conversation's appends and broadcasts, from every instance, until the returned function is called. */
  watch(conversationId: string, listener: LogListener): () => void;
  /** Stops announcing (closes what `watch` opened). */
  close(): Promise<void>;
}

/** The listeners of each conversation; `onFirst`/`onLast` open and close what feeds them. */
export class LogWatchers {
  private readonly listeners = new Map<string, Set<LogListener>>();

  constructor(private readonly hooks: { onFirst?: (conversationId: string) => void; onLast?: (conversationId: string) => void } = {}) {}

  add(conversationId: string, listener: LogListener): () => void {
    let set = this.listeners.get(conversationId);
    if (!set) {
      set = new Set();
      this.listeners.set(conversationId, set);
      this.hooks.onFirst?.(conversationId);
    }
    set.add(listener);
    return () => {
      if (!set.delete(listener) || set.size > 0) return;
      this.listeners.delete(conversationId);
      this.hooks.onLast?.(conversationId);
    };
  }

  emit(conversationId: string, event: LogEvent): void {
    for (const listener of this.listeners.get(conversationId) ?? []) listener(event);
  }

  /** Tells every watched conversation to read again (after missed announcements). */
  emitToAll(event: LogEvent): void {
    for (const conversationId of this.listeners.keys()) this.emit(conversationId, event);
  }

  get conversations(): string[] {
    return [...this.listeners.keys()];
  }
}

interface MemoryLog {
  epoch: string;
  dropped: number;
  bytes: number;
  entries: { activity: Partial<Activity>; bytes: number }[];
  expiresAt: number;
}

/** One process only: for development and tests without Redis. Entries expire like Redis keys do. */
export class InMemoryConversationLog implements ConversationLog {
  private readonly conversations = new Map<string, MemoryLog>();
  private readonly watchers = new LogWatchers();

  constructor(
    private readonly options: { ttlSeconds: number; limits: LogLimits },
    private readonly now: () => number = Date.now,
  ) {}

  async start(conversationId: string): Promise<boolean> {
    this.forgetExpired();
    if (this.conversations.has(conversationId)) return false;
    this.conversations.set(conversationId, { epoch: newEpoch(), dropped: 0, bytes: 0, entries: [], expiresAt: this.expiry() });
    return true;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<void> {
    this.forgetExpired();
    const log = this.conversations.get(conversationId) ?? { epoch: newEpoch(), dropped: 0, bytes: 0, entries: [], expiresAt: 0 };
    // Kept as it would come back from JSON, like Redis keeps it: later changes to the object do not show.
    const json = JSON.stringify(activity);
    const bytes = Buffer.byteLength(json);
    log.entries.push({ activity: JSON.parse(json) as Partial<Activity>, bytes });
    log.bytes += bytes;
    const { maxActivities, maxBytes } = this.options.limits;
    while (log.entries.length > 1 && (log.entries.length > maxActivities || log.bytes > maxBytes)) {
      log.bytes -= log.entries.shift()!.bytes;
      log.dropped += 1;
    }
    log.expiresAt = this.expiry();
    // Re-inserting moves it to the end, so the Map runs from first to last to expire.
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, log);
    this.watchers.emit(conversationId, { kind: 'appended' });
  }

  async read(conversationId: string, from: LogPosition): Promise<ActivityPage> {
    this.forgetExpired();
    const log = this.conversations.get(conversationId);
    if (!log) return { activities: [], watermark: from.epoch ? formatWatermark(from.position, from.epoch) : '' };
    const index = startIndex({ epoch: log.epoch, dropped: log.dropped, length: log.entries.length }, from);
    const page = fitPage(log.entries.slice(index, index + maxPageActivities), this.options.limits.maxPageBytes, (entry) => entry.bytes);
    return { activities: page.map((entry) => entry.activity), watermark: formatWatermark(log.dropped + index + page.length, log.epoch) };
  }

  async broadcast(conversationId: string, activity: Partial<Activity>): Promise<void> {
    this.watchers.emit(conversationId, { kind: 'ephemeral', activity });
  }

  watch(conversationId: string, listener: LogListener): () => void {
    return this.watchers.add(conversationId, listener);
  }

  async close(): Promise<void> {}

  /** Drops every expired conversation, not only those asked for again, so memory stays bounded. */
  private forgetExpired(): void {
    for (const [conversationId, conversation] of this.conversations) {
      if (conversation.expiresAt > this.now()) break;
      this.conversations.delete(conversationId);
    }
  }

  private expiry(): number {
    return this.now() + this.options.ttlSeconds * 1000;
  }
}
