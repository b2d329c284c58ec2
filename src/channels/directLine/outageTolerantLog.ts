import type { Activity } from 'botbuilder';
import { hashId, type Logger } from '../../logger';
import { type ActivityPage, type ConversationLog, type LogListener, LogWatchers } from './conversationLog';
import { formatWatermark, type LogPosition } from './watermark';

export interface OutageTolerantLogDeps {
  /** Whether an error means the store is unreachable right now (an outage) rather than a bug or bad data. */
  isUnavailable: (error: unknown) => boolean;
  logger: Logger;
  now?: () => number;
}

/** Bounds on what is held in memory while the store is down. */
const holdLimits = { perConversation: 20, conversations: 1_000, ms: 10 * 60_000 } as const;

interface Held {
  activities: Partial<Activity>[];
  until: number;
}

/**
 * A log in Redis that keeps the chat answering through a Redis outage, also before Redis first
 * connects. What cannot be logged (the user's message, the turn guard's `stateUnavailable` reply)
 * is held in this process, for a while and within bounds, and handed to this instance's next read
 * of the conversation and to its open streams, after what the store returned. Held activities
 * never enter the log, so positions stay those of the store and the conversation goes on from its
 * watermark once Redis is back. With several instances the reply reaches the client through the
 * instance that took the post (its stream, or the poll it answers next).
 */
export class OutageTolerantLog implements ConversationLog {
  private readonly held = new Map<string, Held>();
  private readonly localWatchers = new LogWatchers();
  private readonly now: () => number;

  constructor(
    private readonly store: ConversationLog,
    private readonly deps: OutageTolerantLogDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** During an outage a conversation "starts" once per instance, so its opening turn answers with the outage message, once. */
  async start(conversationId: string): Promise<boolean> {
    try {
      return await this.store.start(conversationId);
    } catch (error) {
      this.rethrowUnlessOutage(error);
      if (this.entry(conversationId, false)) return false;
      this.entry(conversationId, true);
      return true;
    }
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<void> {
    try {
      await this.store.append(conversationId, activity);
    } catch (error) {
      this.rethrowUnlessOutage(error);
      const held = this.entry(conversationId, true)!;
      held.activities.push(activity);
      if (held.activities.length > holdLimits.perConversation) held.activities.shift();
      this.deps.logger.warn(
        { err: error, conversation: hashId(conversationId), activityType: activity.type },
        'direct line log unavailable: activity held in memory for this instance',
      );
      this.localWatchers.emit(conversationId, { kind: 'appended' });
    }
  }

  async read(conversationId: string, from: LogPosition): Promise<ActivityPage> {
    let page: ActivityPage;
    try {
      page = await this.store.read(conversationId, from);
    } catch (error) {
      this.rethrowUnlessOutage(error);
      page = { activities: [], watermark: from.epoch ? formatWatermark(from.position, from.epoch) : '' };
    }
    const held = this.entry(conversationId, false);
    if (!held || held.activities.length === 0) return page;
    return { activities: [...page.activities, ...held.activities.splice(0)], watermark: page.watermark };
  }

  async broadcast(conversationId: string, activity: Partial<Activity>): Promise<void> {
    try {
      await this.store.broadcast(conversationId, activity);
    } catch (error) {
      this.rethrowUnlessOutage(error);
      this.localWatchers.emit(conversationId, { kind: 'ephemeral', activity });
    }
  }

  watch(conversationId: string, listener: LogListener): () => void {
    const fromStore = this.store.watch(conversationId, listener);
    const fromHeld = this.localWatchers.add(conversationId, listener);
    return () => {
      fromStore();
      fromHeld();
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private rethrowUnlessOutage(error: unknown): void {
    if (!this.deps.isUnavailable(error)) throw error;
  }

  /** The conversation's held activities (made with `create`); expired ones, and the oldest beyond the bound, are forgotten. */
  private entry(conversationId: string, create: boolean): Held | undefined {
    const now = this.now();
    for (const [id, held] of this.held) {
      if (held.until > now && this.held.size <= holdLimits.conversations) break;
      this.held.delete(id);
    }
    let held = this.held.get(conversationId);
    if (!held && create) {
      held = { activities: [], until: now + holdLimits.ms };
      this.held.set(conversationId, held);
    }
    return held;
  }
}
