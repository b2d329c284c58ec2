import { MemoryLockBackend, RedisLockBackend } from '../../src/state/conversationLock';
import type { RedisClient } from '../../src/state/redisClient';
import { lockContract } from './lockContract';
import { connectTestClient, deleteKeysUnder, randomPrefix } from './redisTestKit';

let client: RedisClient;
let prefix: string;

beforeAll(async () => {
  client = await connectTestClient();
});
beforeEach(() => {
  prefix = randomPrefix();
});
afterEach(async () => {
  await deleteKeysUnder(client, prefix);
});
afterAll(() => client.disconnect());

describe('ConversationLock on Redis', () => {
  lockContract(() => new RedisLockBackend(client, prefix), () => 'webchat/conversations/c-1');

  test('the lock key shares the conversation hash tag and expires by itself', async () => {
    await new RedisLockBackend(client, prefix).tryAcquire('webchat/conversations/c-1', 'token', 60_000);
    const lockKey = `${prefix}lock:{webchat/conversations/c-1}`;
    expect(await client.get(lockKey)).toBe('token');
    expect(await client.pttl(lockKey)).toBeGreaterThan(0);
  });
});

describe('ConversationLock in memory', () => {
  lockContract(() => new MemoryLockBackend(), () => 'webchat/conversations/c-1');
});
