import type { Activity } from 'botbuilder';

/** A page of a conversation's activities, and the watermark to ask for the next page with. */
export interface ActivityPage {
  activities: Partial<Activity>[];
  watermark: string;
}

/**
 * The activity log of each Direct Line conversation: what the user posted and what the bot said,
 * in order. The watermark is the number of activities already read, so a client that polls with
 * it gets only what is new. Kept in the state store, so that any instance can answer a poll.
 */
export interface ConversationLog {
  /** Marks the conversation as started; true the first time only, so the bot greets once. */
  start(conversationId: string): Promise<boolean>;
  append(conversationId: string, activity: Partial<Activity>): Promise<void>;
  /** Everything after `watermark` (0, or absent, for the whole history). */
  read(conversationId: string, watermark: number): Promise<ActivityPage>;
}

/** One process only: for development and tests without Redis. Entries expire like Redis keys do. */
export class InMemoryConversationLog implements ConversationLog {
  private readonly conversations = new Map<string, { activities: Partial<Activity>[]; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async start(conversationId: string): Promise<boolean> {
    this.forgetExpired();
    if (this.conversations.has(conversationId)) return false;
    this.conversations.set(conversationId, { activities: [], expiresAt: this.expiry() });
    return true;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<void> {
    this.forgetExpired();
    const conversation = this.conversations.get(conversationId) ?? { activities: [], expiresAt: 0 };
    conversation.activities.push(activity);
    conversation.expiresAt = this.expiry();
    // Re-inserting moves it to the end, so the Map runs from first to last to expire.
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, conversation);
  }

  async read(conversationId: string, watermark: number): Promise<ActivityPage> {
    this.forgetExpired();
    const activities = this.conversations.get(conversationId)?.activities ?? [];
    return { activities: activities.slice(watermark), watermark: String(Math.max(watermark, activities.length)) };
  }

  /** Drops every expired conversation, not only those asked for again, so memory stays bounded. */
  private forgetExpired(): void {
    for (const [conversationId, conversation] of this.conversations) {
      if (conversation.expiresAt > this.now()) break;
      this.conversations.delete(conversationId);
    }
  }

  private expiry(): number {
    return this.now() + this.ttlSeconds * 1000;
  }
}
