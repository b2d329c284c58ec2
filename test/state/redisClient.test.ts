import { ReplyError, type Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { buildBotRuntime } from '../../src/index';
import {
  closeRedisClient,
  createRedisClient,
  isRedisReady,
  isRedisUnavailable,
  reconnectDelayMs,
  whenRedisReady,
} from '../../src/state/redisClient';
import { createBullmqConnection } from '../../src/tickets/deliveryQueue';
import { waitFor } from '../support/waitFor';
import { memoryTicketDelivery } from '../support/guidedChat';
import { connectTestClient, freePort, OwnedRedisServer, randomPrefix, sharedRedisUrl, silentLogger } from './redisTestKit';

describe('the Redis client', () => {
  test('fails fast while Redis is down and recovers by itself when it is back', async () => {
    const own = new OwnedRedisServer(await freePort());
    let client: Redis | undefined;
    try {
      await own.start();
      client = (await connectTestClient(own.url)) as Redis;
      expect(client.options).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
      await client.set('k', 'v');

      await own.stop();
      await expect(client.get('k')).rejects.toThrow();
      // The command can fail on the broken socket a moment before the client sees the close.
      const down = client;
      await waitFor(() => !isRedisReady(down), 'the client to report Redis unreachable', 5_000);

      await own.start();
      await whenRedisReady(client, 10_000);
      expect(await client.ping()).toBe('PONG');
    } finally {
      client?.disconnect();
      await own.remove();
    }
  });

  test.each([
    ['the fail-fast client', createRedisClient],
    ["BullMQ's client, with commands waiting in its offline queue", createBullmqConnection],
  ])('closing %s returns after Redis went away', async (_, create) => {
    const own = new OwnedRedisServer(await freePort());
    const client = create(loadConfig({ NODE_ENV: 'test', REDIS_URL: own.url }).redis, silentLogger);
    try {
      await own.start();
      await whenRedisReady(client, 10_000);
      await own.stop();
      await waitFor(() => !isRedisReady(client), 'the client to report Redis unreachable', 5_000);
      client.get('waiting').catch(() => undefined);

      // Returns (the test would time out otherwise): shutdown can go on.
      await closeRedisClient(client, 200);
    } finally {
      client.disconnect();
      await own.remove();
    }
  });

  test('tells an outage from a bug or bad data by the error code first, by words only for ioredis errors that have none', async () => {
    const own = new OwnedRedisServer(await freePort());
    const client = createRedisClient(
      { connection: { kind: 'single', url: own.url }, keyPrefix: '', connectTimeoutMs: 2_000, commandTimeoutMs: 300 },
      silentLogger,
    );
    try {
      await own.start();
      await whenRedisReady(client, 10_000);
      const failureOf = (command: Promise<unknown>) =>
        command.then(
          () => undefined,
          (error: unknown) => error,
        );
      await client.set('k', 'a string');
      const wrongType = await failureOf(client.hget('k', 'field'));
      expect(wrongType).toBeInstanceOf(ReplyError);
      expect(isRedisUnavailable(client, wrongType)).toBe(false);
      // Redis answers nothing for a while, as when it hangs: the command times out, the connection stays up.
      await client.call('CLIENT', 'PAUSE', '1000', 'ALL');
      const timedOut = await failureOf(client.get('k'));
      expect(isRedisReady(client)).toBe(true);
      expect(isRedisUnavailable(client, timedOut)).toBe(true);

      expect(isRedisUnavailable(client, new ReplyError('LOADING Redis is loading the dataset in memory'))).toBe(true);
      expect(isRedisUnavailable(client, new ReplyError("READONLY You can't write against a read only replica."))).toBe(true);
      expect(isRedisUnavailable(client, Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
      // The code decides, whatever the words.
      expect(isRedisUnavailable(client, Object.assign(new Error('Connection is closed.'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
      expect(isRedisUnavailable(client, new TypeError('Cannot read properties of undefined'))).toBe(false);

      await own.stop();
      await waitFor(() => !isRedisReady(client), 'the client to report Redis unreachable', 5_000);
      expect(isRedisUnavailable(client, new TypeError('anything, while Redis is unreachable'))).toBe(true);
    } finally {
      client.disconnect();
      await own.remove();
    }
  });

  test('keeps retrying forever, never waiting more than two seconds between attempts', () => {
    expect([1, 10, 10_000].map(reconnectDelayMs)).toEqual([100, 2_000, 2_000]);
  });

  test("the conversation state client sends the commands of one tick in one go (auto-pipelining); other clients, BullMQ's among them, do not", async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: randomPrefix() });
    const runtime = buildBotRuntime(config, silentLogger, { ticketDelivery: memoryTicketDelivery() });
    const plain = (await connectTestClient()) as Redis;
    try {
      const state = runtime.redis as Redis;
      await whenRedisReady(state, 5_000);
      const batched = [state.ping(), state.ping(), state.ping()];
      expect(state.autoPipelineQueueSize).toBe(3);
      const alone = [plain.ping(), plain.ping()];
      expect(plain.autoPipelineQueueSize).toBe(0);
      expect(await Promise.all([...batched, ...alone])).toEqual(Array(5).fill('PONG'));
    } finally {
      plain.disconnect();
      await runtime.close();
    }
  });
});
