import type { Activity } from 'botbuilder';
import { parseJsonObject } from '../../state/jsonObject';
import type { RedisClient } from '../../state/redisClient';
import type { ActivityPage, ConversationLog } from './conversationLog';

/**
 * The activity log in Redis: one list per conversation (RPUSH keeps the order, LRANGE from the
 * watermark reads what is new) and a marker key for "started". Both expire together, a TTL after
 * the last activity, like the conversation state does. The conversation id is the Cluster hash
 * tag, so both keys of a conversation live in one slot and the MULTI works on a Cluster too.
 */
export class RedisConversationLog implements ConversationLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { keyPrefix: string; ttlSeconds: number },
  ) {}

  async start(conversationId: string): Promise<boolean> {
    const created = await this.redis.set(this.startedKey(conversationId), '1', 'EX', this.options.ttlSeconds, 'NX');
    return created === 'OK';
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<void> {
    const ttl = this.options.ttlSeconds;
    const results = await this.redis
      .multi()
      .rpush(this.activitiesKey(conversationId), JSON.stringify(activity))
      .expire(this.activitiesKey(conversationId), ttl)
      .expire(this.startedKey(conversationId), ttl)
      .exec();
    // EXEC answers even when a command in it failed (a key of another type): an unlogged reply must not pass as logged.
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
  }

  /** An entry that is not a JSON object (written by something else) is left out; the watermark still counts it. */
  async read(conversationId: string, watermark: number): Promise<ActivityPage> {
    const stored = await this.redis.lrange(this.activitiesKey(conversationId), watermark, -1);
    return {
      activities: stored.flatMap((json) => (parseJsonObject(json) as Partial<Activity> | undefined) ?? []),
      watermark: String(watermark + stored.length),
    };
  }

  private activitiesKey(conversationId: string): string {
    return `${this.options.keyPrefix}directline:{${conversationId}}:activities`;
  }

  private startedKey(conversationId: string): string {
    return `${this.options.keyPrefix}directline:{${conversationId}}:started`;
  }
}
