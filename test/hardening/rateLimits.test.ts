import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import restify from 'restify';
import { webChatTokenRoute } from '../../src/channels/webchat/tokenRoute';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { clientAddressOf, createRateLimits, type RateLimits } from '../../src/security/rateLimits';
import { setTimeout as sleep } from 'node:timers/promises';
import { sharedRedisUrl, useSharedRedis } from '../state/redisTestKit';
import { messageActivity, postActivity } from '../support/http';
import { waitUntilUp } from '../support/process';
import { type RunningService, startService } from '../support/service';

const logger = createLogger({ env: 'test', logLevel: 'silent' });
const limits = loadConfig({ RATE_LIMIT_CONVERSATION_TURNS: '3', WEBCHAT_TOKENS_PER_MINUTE: '2' }).limits;

function rateLimits(redis?: Redis, keyPrefix?: string): RateLimits {
  return createRateLimits({ limits, redis, keyPrefix, logger, onRefused: () => {} });
}

describe('turns per conversation on /api/messages', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ RATE_LIMIT_CONVERSATION_TURNS: '3' });
  });
  afterAll(() => running.service.stop());

  it('answers the turn past the limit with 429 and Retry-After, and other conversations go on', async () => {
    for (let turn = 0; turn < 3; turn += 1) {
      expect((await postActivity(running.baseUrl, messageActivity('chatty', `message ${turn}`))).status).toBe(200);
    }
    const refused = await fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageActivity('chatty', 'one more')),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 'TooManyRequests' });

    expect((await postActivity(running.baseUrl, messageActivity('quiet', 'hello'))).status).toBe(200);
  });
});

describe('turns per conversation, counted with the lock in Redis', () => {
  const redis = useSharedRedis();
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({
      REDIS_URL: sharedRedisUrl,
      REDIS_KEY_PREFIX: redis.prefix,
      RATE_LIMIT_CONVERSATION_TURNS: '2',
      RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: '2',
    });
    await waitUntilUp(`${running.baseUrl}/readyz`);
  });
  afterAll(() => running.service.stop());

  it('runs nothing for a refused turn and does not mark it, so the channel retrying it later gets it answered', async () => {
    const conversation = `limited-${randomUUID()}`;
    expect((await postActivity(running.baseUrl, messageActivity(conversation, 'hi'))).status).toBe(200);
    expect((await postActivity(running.baseUrl, messageActivity(conversation, 'my cable is stuck in the car'))).status).toBe(200);
    const third = messageActivity(conversation, 'No, still stuck');
    expect((await postActivity(running.baseUrl, third)).status).toBe(429);

    await sleep(2_100);
    const retried = await postActivity(running.baseUrl, third);
    expect(retried.status).toBe(200);
    // The retry is the turn's first run: it answers the step the conversation was at.
    expect(retried.replies.map((reply) => reply.text).join(' ')).toMatch(/next thing/i);
    // And a turn right after it is not kept waiting by a lock the refused turn held.
    expect((await postActivity(running.baseUrl, messageActivity(conversation, 'still stuck'))).status).toBe(200);
  });
});

describe('a limit checked by a route itself (Direct Line posts)', () => {
  it('allows so many takes per key, then tells how long to wait', async () => {
    const { conversationTurns } = rateLimits();
    const decisions = [];
    for (let take = 0; take < 4; take += 1) decisions.push(await conversationTurns.take('conversation-a'));
    expect(decisions.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect(await conversationTurns.take('conversation-b')).toEqual({ allowed: true });
  });
});

describe('token requests per client address', () => {
  async function tokenServer(trustedProxyHops: number) {
    const server = restify.createServer();
    const { tokenRequests } = rateLimits(undefined, `test-${randomUUID()}:`);
    const session = { conversationId: 'c', token: 't', expires_in: 60, userId: 'dl_u' };
    webChatTokenRoute({ sessions: async () => session, limit: tokenRequests, clientAddress: clientAddressOf(trustedProxyHops), logger })(
      server,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${server.address().port}/api/webchat/token` };
  }

  it('counts each address behind a proxy on its own, whatever the client writes in X-Forwarded-For', async () => {
    const { server, url } = await tokenServer(1);
    const from = (chain: string) => fetch(url, { method: 'POST', headers: { 'x-forwarded-for': chain } }).then((r) => r.status);
    try {
      expect(await from('203.0.113.1')).toBe(200);
      expect(await from('1.1.1.1, 203.0.113.1')).toBe(200);
      expect(await from('2.2.2.2, 203.0.113.1')).toBe(429);
      expect(await from('203.0.113.2')).toBe(200);
    } finally {
      server.close();
    }
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const { server, url } = await tokenServer(0);
    const from = (chain: string) => fetch(url, { method: 'POST', headers: { 'x-forwarded-for': chain } }).then((r) => r.status);
    try {
      expect([await from('1.1.1.1'), await from('2.2.2.2'), await from('3.3.3.3')]).toEqual([200, 200, 429]);
    } finally {
      server.close();
    }
  });
});

describe('limits shared through Redis', () => {
  const prefix = `test-ratelimit-${randomUUID()}:`;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(sharedRedisUrl);
    await redis.ping();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts the turns of one conversation across two instances', async () => {
    const first = rateLimits(redis, prefix).conversationTurns;
    const second = rateLimits(redis, prefix).conversationTurns;
    const decisions = [await first.take('c'), await second.take('c'), await first.take('c'), await second.take('c')];
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
  });

  it('keeps limiting in memory while Redis cannot be reached', async () => {
    const unreachable = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const { conversationTurns } = rateLimits(unreachable, prefix);
    const decisions = [];
    for (let take = 0; take < 4; take += 1) decisions.push((await conversationTurns.take('offline')).allowed);
    expect(decisions).toEqual([true, true, true, false]);
    unreachable.disconnect();
  });
});
