import { parseJsonObject } from '../state/jsonObject';
import { type RedisClient, scriptCommand, type ScriptCommand } from '../state/redisClient';
import { type Day, expiryOf } from './days';
import type { MisunderstoodEntry } from './events';
import { type Counters, type DayFigures, type InsightsStore, misunderstoodPerDay } from './store';

/** KEYS: counters hash, misunderstood list; ARGV: expire-at (s), list cap, entry ('' for none), then counter name, amount... */
const addLua = `
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIREAT', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('LPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
  redis.call('EXPIREAT', KEYS[2], ARGV[1])
end
return 1
`;

/**
 * The insights in Redis: per UTC day one hash of counters (HINCRBY) and one list of misunderstood
 * messages (LPUSH, LTRIM to `misunderstoodPerDay`), both expiring `retentionDays` after the day
 * began (EXPIREAT). Aggregates rather than a stream of events, so that what is kept and what a read
 * costs depend on the days, not on the traffic. Every key carries the hash tag `{insights}`: one
 * Cluster slot, so an event's writes go in one script and a read of many days in one pipeline.
 */
export class RedisInsightsStore implements InsightsStore {
  private readonly addScript: ScriptCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { keyPrefix: string; retentionDays: number },
  ) {
    // One command an event, atomic (a counter never outlives its expiry), and cheaper to build than a MULTI.
    this.addScript = scriptCommand(redis, 'evcInsightsAdd', 2, addLua);
  }

  async add(day: Day, counters: Counters, misunderstood?: MisunderstoodEntry): Promise<void> {
    const expireAt = Math.floor(expiryOf(day, this.options.retentionDays).getTime() / 1000);
    const entry = misunderstood ? JSON.stringify(misunderstood) : '';
    await this.addScript(
      this.countersKey(day),
      this.misunderstoodKey(day),
      expireAt,
      misunderstoodPerDay,
      entry,
      ...Object.entries(counters).flat(),
    );
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
