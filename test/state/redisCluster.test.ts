import { Cluster } from 'ioredis';
import { RedisLockBackend } from '../../src/state/conversationLock';
import type { RedisClient } from '../../src/state/redisClient';
import { redisKeyFor } from '../../src/state/redisKeys';
import { RedisStorage } from '../../src/state/redisStorage';
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
  lockContract(() => new RedisLockBackend(client, 'bot:'), () => `webchat/conversations/lock-${++conversationNumber}`);
});
