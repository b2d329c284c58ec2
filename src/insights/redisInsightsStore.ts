import { parseJsonObject } from '../state/jsonObject';
import type { RedisClient } from '../state/redisClient';
import { type Day, expiryOf } from './days';
import type { MisunderstoodEntry } from './events';
import { type Counters, type DayFigures, type InsightsStore, misunderstoodPerDay } from './store';

/**
 * The insights in Redis: per UTC day one hash of counters (HINCRBY) and one list of misunderstood
 * messages (LPUSH, LTRIM to `misunderstoodPerDay`), both expiring `retentionDays` after the day
 * began (EXPIREAT). Aggregates rather than a stream of events, so that what is kept and what a read
 * costs depend on the days, not on the traffic. Every key carries the hash tag `{insights}`: one
 * Cluster slot, so a day's writes go in one MULTI and a read of many days in one pipeline.
 */
export class RedisInsightsStore implements InsightsStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { keyPrefix: string; retentionDays: number },
  ) {}

  async add(day: Day, counters: Counters, misunderstood?: MisunderstoodEntry): Promise<void> {
    const expireAt = Math.floor(expiryOf(day, this.options.retentionDays).getTime() / 1000);
    const write = this.redis.multi();
    for (const [name, by] of Object.entries(counters)) write.hincrby(this.countersKey(day), name, by);
    write.expireat(this.countersKey(day), expireAt);
    if (misunderstood) {
      write.lpush(this.misunderstoodKey(day), JSON.stringify(misunderstood));
      write.ltrim(this.misunderstoodKey(day), 0, misunderstoodPerDay - 1);
      write.expireat(this.misunderstoodKey(day), expireAt);
    }
    const results = await write.exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
  }

  async read(days: readonly Day[]): Promise<DayFigures[]> {
    const read = this.redis.pipeline();
    for (const day of days) read.hgetall(this.countersKey(day)).lrange(this.misunderstoodKey(day), 0, -1);
    const results = (await read.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    return days.map((day, i) => {
      const counters = results[2 * i][1] as Record<string, string>;
      const entries = results[2 * i + 1][1] as string[];
      return {
        day,
        counters: Object.fromEntries(Object.entries(counters).map(([name, value]) => [name, Number(value)])),
        // An entry that is not JSON (written by something else) is left out.
        misunderstood: entries.flatMap((json) => (parseJsonObject(json) as MisunderstoodEntry | undefined) ?? []),
      };
    });
  }

  private countersKey(day: Day): string {
    return `${this.options.keyPrefix}insights:{insights}:${day}:counters`;
  }

  private misunderstoodKey(day: Day): string {
    return `${this.options.keyPrefix}insights:{insights}:${day}:misunderstood`;
  }
}
