import { expiryOf } from '../../src/insights/days';
import { RedisInsightsStore } from '../../src/insights/redisInsightsStore';
import { type Counters, type InsightsStore, MemoryInsightsStore } from '../../src/insights/store';
import { WriteBehindInsightsStore } from '../../src/insights/writeBehindStore';
import type { MisunderstoodEntry } from '../../src/insights/events';
import { useSharedRedis } from '../state/redisTestKit';
import { daysAgo, insightsStoreContract, misunderstoodEntry } from './storeContract';

describe('MemoryInsightsStore', () => {
  insightsStoreContract((retentionDays) => new MemoryInsightsStore({ retentionDays }));
});

describe('WriteBehindInsightsStore', () => {
  const fail = (error: unknown) => {
    throw error;
  };
  insightsStoreContract(
    (retentionDays) => new WriteBehindInsightsStore(new MemoryInsightsStore({ retentionDays }), { flushMs: 60_000, onFailure: fail }),
  );

  /** The writes the written-behind store passes on. */
  function counted(): { inner: InsightsStore; writes: [string, Counters, string | undefined][] } {
    const memory = new MemoryInsightsStore({ retentionDays: 30 });
    const writes: [string, Counters, string | undefined][] = [];
    return {
      writes,
      inner: {
        add: (day: string, counters: Counters, entry?: MisunderstoodEntry) => (
          writes.push([day, counters, entry?.text]),
          memory.add(day, counters, entry)
        ),
        read: (days: readonly string[]) => memory.read(days),
      },
    };
  }

  test("many turns' counters go out as one write a day, summed, with each misunderstood message in order", async () => {
    const { inner, writes } = counted();
    const store = new WriteBehindInsightsStore(inner, { flushMs: 60_000, onFailure: fail });
    for (let turn = 0; turn < 50; turn += 1) await store.add(daysAgo(0), { 'started|cable_stuck': 1, 'rating|5': turn % 2 });
    await store.add(daysAgo(0), {}, misunderstoodEntry('first', new Date().toISOString()));
    await store.add(daysAgo(1), { 'started|power_cut': 2 }, misunderstoodEntry('second', new Date().toISOString()));
    expect(writes).toEqual([]);
    const [today, yesterday] = await store.read([daysAgo(0), daysAgo(1)]);
    expect(writes).toEqual([
      [daysAgo(0), { 'started|cable_stuck': 50, 'rating|5': 25 }, undefined],
      [daysAgo(0), {}, 'first'],
      [daysAgo(1), { 'started|power_cut': 2 }, undefined],
      [daysAgo(1), {}, 'second'],
    ]);
    expect(today.counters).toEqual({ 'started|cable_stuck': 50, 'rating|5': 25 });
    expect(yesterday.misunderstood.map((entry) => entry.text)).toEqual(['second']);
    await store.flush();
    expect(writes).toHaveLength(4);
  });

  test('writes by itself once its interval has passed', async () => {
    const { inner, writes } = counted();
    const store = new WriteBehindInsightsStore(inner, { flushMs: 20, onFailure: fail });
    await store.add(daysAgo(0), { 'started|cable_stuck': 1 });
    await store.add(daysAgo(0), { 'started|cable_stuck': 1 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(writes).toEqual([[daysAgo(0), { 'started|cable_stuck': 2 }, undefined]]);
  });

  test('a write that fails is reported, and later counts are written as usual', async () => {
    const failures: unknown[] = [];
    const { inner, writes } = counted();
    let down = true;
    const flaky: InsightsStore = {
      add: (...args) => (down ? Promise.reject(new Error('Redis down')) : inner.add(...args)),
      read: inner.read,
    };
    const store = new WriteBehindInsightsStore(flaky, { flushMs: 20, onFailure: (error) => failures.push(error) });
    await store.add(daysAgo(0), { 'started|cable_stuck': 1 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(failures).toEqual([new Error('Redis down')]);
    down = false;
    await store.add(daysAgo(0), { 'started|cable_stuck': 1 });
    await store.flush();
    expect(writes).toEqual([[daysAgo(0), { 'started|cable_stuck': 1 }, undefined]]);
  });
});

describe('RedisInsightsStore', () => {
  const redis = useSharedRedis();
  insightsStoreContract((retentionDays) => new RedisInsightsStore(redis.client, { keyPrefix: redis.prefix, retentionDays }));

  test('keeps two keys a day under the prefix, in one Cluster slot, expiring when the retention ends', async () => {
    const store = new RedisInsightsStore(redis.client, { keyPrefix: redis.prefix, retentionDays: 3 });
    await store.add(daysAgo(1), { 'started|cable_stuck': 1 }, misunderstoodEntry('hmm', new Date().toISOString()));
    const keys = (await redis.client.keys(`${redis.prefix}*`)).sort();
    expect(keys).toEqual([
      `${redis.prefix}insights:{insights}:${daysAgo(1)}:counters`,
      `${redis.prefix}insights:{insights}:${daysAgo(1)}:misunderstood`,
    ]);
    for (const key of keys) expect(await redis.client.pexpiretime(key)).toBe(expiryOf(daysAgo(1), 3).getTime());
  });

  test('leaves out a stored message that is not JSON', async () => {
    const store = new RedisInsightsStore(redis.client, { keyPrefix: redis.prefix, retentionDays: 3 });
    await store.add(daysAgo(0), {}, misunderstoodEntry('readable', new Date().toISOString()));
    await redis.client.lpush(`${redis.prefix}insights:{insights}:${daysAgo(0)}:misunderstood`, 'not json');
    const [today] = await store.read([daysAgo(0)]);
    expect(today.misunderstood.map((m) => m.text)).toEqual(['readable']);
  });
});
