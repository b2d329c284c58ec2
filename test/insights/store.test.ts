import { expiryOf } from '../../src/insights/days';
import { RedisInsightsStore } from '../../src/insights/redisInsightsStore';
import { MemoryInsightsStore } from '../../src/insights/store';
import { useSharedRedis } from '../state/redisTestKit';
import { daysAgo, insightsStoreContract, misunderstoodEntry } from './storeContract';

describe('MemoryInsightsStore', () => {
  insightsStoreContract((retentionDays) => new MemoryInsightsStore({ retentionDays }));
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
