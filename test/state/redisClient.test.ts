import type { Redis } from 'ioredis';
import { isRedisReady, reconnectDelayMs, whenRedisReady } from '../../src/state/redisClient';
import { connectTestClient, freePort, OwnedRedisServer } from './redisTestKit';

describe('the Redis client', () => {
  test('fails fast while Redis is down and recovers by itself when it is back', async () => {
    const own = new OwnedRedisServer(await freePort());
    try {
      await own.start();
      const client = (await connectTestClient(own.url)) as Redis;
      expect(client.options).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
      await client.set('k', 'v');

      await own.stop();
      await expect(client.get('k')).rejects.toThrow();
      expect(isRedisReady(client)).toBe(false);

      await own.start();
      await whenRedisReady(client, 10_000);
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    } finally {
      await own.remove();
    }
  });

  test('keeps retrying forever, never waiting more than two seconds between attempts', () => {
    expect([1, 10, 10_000].map(reconnectDelayMs)).toEqual([100, 2_000, 2_000]);
  });
});
