import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { buildService, type Service } from '../../src/index';
import { createLogger } from '../../src/logger';
import { countRoundTrips } from '../../tools/roundTripCounter';
import { messageActivity, postActivity } from '../support/http';
import { waitUntilUp } from '../support/process';
import { sharedRedisUrl, useSharedRedis } from './redisTestKit';

const redis = useSharedRedis();

/**
 * Every round trip a turn waits for is a wait in the event loop's queue when the service is busy
 * (docs/benchmarks.md): a turn of the real service, through /api/messages, pins how many it takes.
 */
describe('Redis round trips of a turn', () => {
  let service: Service;
  let baseUrl: string;

  beforeEach(async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: redis.prefix });
    service = buildService(config, createLogger(config));
    baseUrl = `http://127.0.0.1:${await service.http.listen(0, '127.0.0.1')}`;
    await waitUntilUp(`${baseUrl}/readyz`);
  });

  afterEach(() => service.stop());

  test('with expectReplies: the rate limit, the lock with the redelivery check and the state read, the save, the mark with the release', async () => {
    const conversationId = `round-trips-${randomUUID()}`;
    // The first turn also loads the scripts on this connection.
    await postActivity(baseUrl, messageActivity(conversationId, 'hello'));
    const counts = countRoundTrips(service.runtime.redis!);
    const turns = ['my charging cable is stuck in the car', 'No, still stuck', 'No, still stuck'];
    const perTurn: { roundTrips: number; commands: number }[] = [];
    for (const text of turns) {
      const before = { ...counts };
      const { status, replies } = await postActivity(baseUrl, messageActivity(conversationId, text));
      expect(status).toBe(200);
      expect(replies.length).toBeGreaterThan(0);
      perTurn.push({ roundTrips: counts.roundTrips - before.roundTrips, commands: counts.commands - before.commands });
    }
    // Seven commands of the turn's own; the insights' events (one script each, never waited for) go
    // out in the same pipelines, so they add commands but no round trip.
    expect(perTurn.map((turn) => turn.roundTrips)).toEqual([2, 2, 2]);
    for (const turn of perTurn) expect(turn.commands).toBeGreaterThanOrEqual(7);
  });
});
