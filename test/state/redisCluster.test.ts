import { type Cluster } from 'ioredis';
import { RedisLockBackend } from '../../src/state/conversationLock';
import { RedisRedeliveryLedger } from '../../src/state/redeliveryLedger';
import type { RedisClient } from '../../src/state/redisClient';
import { redisKeyFor } from '../../src/state/redisKeys';
import { RedisStorage } from '../../src/state/redisStorage';
import { RedisInsightsStore } from '../../src/insights/redisInsightsStore';
import { insightsStoreContract } from '../insights/storeContract';
import { lockContract } from './lockContract';
import { OwnedRedisCluster } from './redisTestKit';
import { storageContract } from './storageContract';

// A local three-master cluster, started here and stopped in afterAll whatever happens in between.
const cluster = new OwnedRedisCluster();
let client: RedisClient;
let conversationNumber = 0;

beforeAll(async () => {
  try {
    await cluster.start();
    client = await cluster.connect();
  } catch (error) {
    await cluster.remove();
    throw error;
  }
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await cluster.remove();
});

describe('on a Redis Cluster, RedisStorage keeps botbuilder Storage semantics', () => {
  storageContract(() => new RedisStorage(client, { keyPrefix: `bot${++conversationNumber}:`, ttlSeconds: 3600, maxItemBytes: 100_000 }));

  test('items of different conversations spread over the nodes, and a multi-key write spans slots', async () => {
    const storage = new RedisStorage(client, { keyPrefix: 'spread:', ttlSeconds: 3600, maxItemBytes: 100_000 });
    const keys = Array.from({ length: 30 }, (_, i) => `webchat/conversations/c-${i}/`);
    await storage.write(Object.fromEntries(keys.map((key, i) => [key, { i }])));
    expect(Object.keys(await storage.read(keys))).toHaveLength(30);
    const nodesHoldingKeys = await Promise.all(
      (client as Cluster).nodes('master').map(async (node) => (await node.keys('spread:*')).length > 0),
    );
    expect(nodesHoldingKeys.filter(Boolean).length).toBeGreaterThan(1);
  });

  test('unreadable items of conversations on different nodes are each set aside beside themselves', async () => {
    const storage = new RedisStorage(client, { keyPrefix: 'unreadable:', ttlSeconds: 3600, maxItemBytes: 100_000 });
    const keys = Array.from({ length: 10 }, (_, i) => `webchat/conversations/c-${i}/`);
    await storage.write(Object.fromEntries(keys.map((key, i) => [key, { i }])));
    const eTags = await Promise.all(
      keys.map(async (key) => {
        await client.hset(redisKeyFor('unreadable:', 'state', key), 'data', 'garbage');
        return client.hget(redisKeyFor('unreadable:', 'state', key), 'eTag');
      }),
    );

    expect(await storage.read(keys)).toEqual({});
    const setAside = await Promise.all(
      keys.map((key, i) => client.hget(`${redisKeyFor('unreadable:', 'state', key)}:unreadable:${eTags[i]}`, 'data')),
    );
    expect(setAside).toEqual(keys.map(() => 'garbage'));
  });

  test("a conversation's state, lock and redelivery marks share one slot", async () => {
    const conversation = 'msteams/conversations/19:abc@thread.skype';
    const slots = await Promise.all(
      [
        redisKeyFor('bot:', 'state', `${conversation}/`),
        redisKeyFor('bot:', 'state', `${conversation}/dialogState`),
        redisKeyFor('bot:', 'lock', conversation),
        `${redisKeyFor('bot:', 'seen', conversation)}:activity-1`,
      ].map((key) => client.call('CLUSTER', 'KEYSLOT', key)),
    );
    expect(new Set(slots).size).toBe(1);
  });
});

describe('on a Redis Cluster, ConversationLock', () => {
  lockContract(
    () => new RedisLockBackend(client, 'bot:'),
    () => `webchat/conversations/lock-${++conversationNumber}`,
  );
});

describe('on a Redis Cluster, turns of many conversations at once', () => {
  test('lock, check and read go out together, then the saves, then mark and release together, all on the right nodes', async () => {
    const prefix = `burst${++conversationNumber}:`;
    const storage = new RedisStorage(client, { keyPrefix: prefix, ttlSeconds: 3600, maxItemBytes: 100_000 });
    const lock = new RedisLockBackend(client, prefix);
    const ledger = new RedisRedeliveryLedger(client, { keyPrefix: prefix, ttlSeconds: 3600 });
    const conversations = Array.from({ length: 20 }, (_, i) => `webchat/conversations/burst-${i}`);
    // As the turn guard does for each turn; the turns of one tick share the auto-pipelined writes.
    const turn = async (conversation: string) => {
      const [took, processed, items] = await Promise.all([
        lock.tryAcquire(conversation, 'token', 5_000),
        ledger.wasProcessed(conversation, 'activity-1'),
        storage.read([`${conversation}/`]),
      ]);
      expect({ took, processed, items }).toEqual({ took: true, processed: false, items: {} });
      await storage.write({ [`${conversation}/`]: { step: 1 } });
      await Promise.all([ledger.markProcessed(conversation, 'activity-1'), lock.release(conversation, 'token')]);
    };
    await Promise.all(conversations.map(turn));
    const saved = await storage.read(conversations.map((conversation) => `${conversation}/`));
    expect(Object.values(saved).map((item) => item.step)).toEqual(conversations.map(() => 1));
    expect(await Promise.all(conversations.map((conversation) => ledger.wasProcessed(conversation, 'activity-1')))).toEqual(
      conversations.map(() => true),
    );
  });
});

describe('on a Redis Cluster, the insights store keeps its figures (all its keys in one slot)', () => {
  insightsStoreContract(
    (retentionDays) => new RedisInsightsStore(client, { keyPrefix: `insights${++conversationNumber}:`, retentionDays }),
  );
});
