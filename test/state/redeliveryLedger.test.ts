import { MemoryRedeliveryLedger, RedisRedeliveryLedger, type RedeliveryLedger } from '../../src/state/redeliveryLedger';
import { useSharedRedis } from './redisTestKit';

const conversation = 'webchat/conversations/c-1';

function ledgerContract(ledgerUnderTest: () => RedeliveryLedger): void {
  test('an activity is unprocessed until marked, then processed; other activities are not', async () => {
    const ledger = ledgerUnderTest();
    expect(await ledger.wasProcessed(conversation, 'a-1')).toBe(false);
    await ledger.markProcessed(conversation, 'a-1');
    expect(await ledger.wasProcessed(conversation, 'a-1')).toBe(true);
    expect(await ledger.wasProcessed(conversation, 'a-2')).toBe(false);
    expect(await ledger.wasProcessed('webchat/conversations/c-2', 'a-1')).toBe(false);
  });
}

describe('RedeliveryLedger on Redis', () => {
  const redis = useSharedRedis();

  ledgerContract(() => new RedisRedeliveryLedger(redis.client, { keyPrefix: redis.prefix, ttlSeconds: 60 }));

  test('a mark lives in the conversation slot and expires', async () => {
    await new RedisRedeliveryLedger(redis.client, { keyPrefix: redis.prefix, ttlSeconds: 60 }).markProcessed(conversation, 'a-1');
    expect(await redis.client.ttl(`${redis.prefix}seen:{${conversation}}:a-1`)).toBeGreaterThan(0);
  });
});

describe('RedeliveryLedger in memory', () => {
  ledgerContract(() => new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 100 }));

  test('marks expire after the TTL', async () => {
    let now = 0;
    const ledger = new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 100 }, () => now);
    await ledger.markProcessed(conversation, 'a-1');
    now = 61_000;
    expect(await ledger.wasProcessed(conversation, 'a-1')).toBe(false);
  });

  test('beyond maxEntries the oldest marks are forgotten first', async () => {
    const ledger = new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 2 });
    for (const id of ['a-1', 'a-2', 'a-3']) await ledger.markProcessed(conversation, id);
    expect(await ledger.wasProcessed(conversation, 'a-1')).toBe(false);
    expect(await ledger.wasProcessed(conversation, 'a-3')).toBe(true);
  });
});
