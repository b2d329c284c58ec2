import { MemoryLockBackend, RedisLockBackend } from '../../src/state/conversationLock';
import { lockContract } from './lockContract';
import { useSharedRedis } from './redisTestKit';

const redis = useSharedRedis();

describe('ConversationLock on Redis', () => {
  lockContract(
    () => new RedisLockBackend(redis.client, redis.prefix),
    () => 'webchat/conversations/c-1',
  );

  test('the lock key shares the conversation hash tag and expires by itself', async () => {
    await new RedisLockBackend(redis.client, redis.prefix).tryAcquire('webchat/conversations/c-1', 'token', 60_000);
    const lockKey = `${redis.prefix}lock:{webchat/conversations/c-1}`;
    expect(await redis.client.get(lockKey)).toBe('token');
    expect(await redis.client.pttl(lockKey)).toBeGreaterThan(0);
  });
});

describe('ConversationLock in memory', () => {
  lockContract(
    () => new MemoryLockBackend(),
    () => 'webchat/conversations/c-1',
  );
});
