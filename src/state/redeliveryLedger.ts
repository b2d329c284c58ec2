import { type RedisClient, stateCommand } from './redisClient';
import { redisKeyFor } from './redisKeys';

/**
 * Remembers which activities of a conversation were processed, so a channel's retry of the same
 * activity id is dropped. Callers check and mark while holding the conversation lock, which makes
 * check-then-mark race-free.
 */
export interface RedeliveryLedger {
  wasProcessed(conversationKey: string, activityId: string): Promise<boolean>;
  markProcessed(conversationKey: string, activityId: string): Promise<void>;
}

/** One small key per activity, in the conversation's slot, expiring after `ttlSeconds`. */
export class RedisRedeliveryLedger implements RedeliveryLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { keyPrefix: string; ttlSeconds: number },
  ) {}

  async wasProcessed(conversationKey: string, activityId: string): Promise<boolean> {
    return (await stateCommand(this.redis, () => this.redis.exists(this.redisKey(conversationKey, activityId)))) === 1;
  }

  async markProcessed(conversationKey: string, activityId: string): Promise<void> {
    await stateCommand(this.redis, () => this.redis.set(this.redisKey(conversationKey, activityId), '1', 'EX', this.options.ttlSeconds));
  }

  private redisKey(conversationKey: string, activityId: string): string {
    return `${redisKeyFor(this.options.keyPrefix, 'seen', conversationKey)}:${activityId}`;
  }
}

/** In-process ledger: entries expire after `ttlSeconds`, and the oldest go first beyond `maxEntries`. */
export class MemoryRedeliveryLedger implements RedeliveryLedger {
  private readonly processedAt = new Map<string, number>();

  constructor(
    private readonly options: { ttlSeconds: number; maxEntries: number },
    private readonly now: () => number = Date.now,
  ) {}

  async wasProcessed(conversationKey: string, activityId: string): Promise<boolean> {
    const at = this.processedAt.get(JSON.stringify([conversationKey, activityId]));
    return at !== undefined && this.now() - at < this.options.ttlSeconds * 1000;
  }

  async markProcessed(conversationKey: string, activityId: string): Promise<void> {
    const entry = JSON.stringify([conversationKey, activityId]);
    this.processedAt.delete(entry); // re-inserting moves it to the newest end of the Map's order
    this.processedAt.set(entry, this.now());
    for (const oldest of this.processedAt.keys()) {
      if (this.processedAt.size <= this.options.maxEntries) break;
      this.processedAt.delete(oldest);
    }
  }
}
