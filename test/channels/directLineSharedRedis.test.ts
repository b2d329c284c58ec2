import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { whenRedisReady } from '../../src/state/redisClient';
import { sharedRedisUrl as redisUrl } from '../state/redisTestKit';
import { type ActivityPage, botTexts, directLineClient, userMessage } from '../support/directLine';
import { content, instruction } from '../support/guidedChat';
import { type RunningService, startService } from '../support/service';

const { messages } = content;
const [firstStep, secondStep] = content.dialogs.procedures.get('stuck_in_car')!.steps.map((step) => instruction(...step.say));

describe('two service instances sharing Redis', () => {
  const keyPrefix = `test-directline-${randomUUID()}:`;
  const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix, WEBCHAT_TOKEN_SECRET: 'shared-secret-of-both-instances-0123456789' };
  let first: RunningService;
  let second: RunningService;
  let redis: Redis;

  beforeAll(async () => {
    [first, second] = await Promise.all([startService(env), startService(env)]);
    // Redis commands fail fast until the connection is up, so wait for it as a real start-up does.
    await Promise.all([first, second].map((running) => whenRedisReady(running.service.runtime.redis!, 5000)));
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([first.service.stop(), second.service.stop(), redis.quit()]);
  });

  it('either instance answers the polls of a conversation, and continues it where the other left it', async () => {
    const onFirst = directLineClient(first.baseUrl);
    const onSecond = directLineClient(second.baseUrl);
    const session = await onFirst.session();

    await onFirst.start(session.token);
    await onFirst.post(session.token, session.conversationId, userMessage('my charging cable is stuck in the car'));
    const seenBySecond = (await onSecond.poll(session.token, session.conversationId)).body as ActivityPage;
    expect(botTexts(seenBySecond)[0]).toBe(messages.welcome);
    expect(botTexts(seenBySecond)).toContain(firstStep);

    await onSecond.post(session.token, session.conversationId, userMessage(messages.buttons.stillStuck));
    const seenByFirst = (await onFirst.poll(session.token, session.conversationId, seenBySecond.watermark)).body as ActivityPage;
    expect(seenByFirst.activities[0]).toMatchObject({ text: messages.buttons.stillStuck, from: { role: 'user' } });
    expect(botTexts(seenByFirst)).toContain(secondStep);
  });

  it('keeps the activity log in Redis with an expiry', async () => {
    const session = await directLineClient(first.baseUrl).session();
    await directLineClient(first.baseUrl).start(session.token);
    const keys = await redis.keys(`${keyPrefix}directline:{${session.conversationId}}:*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it('a log entry that is not JSON is left out of the polls, and the conversation goes on', async () => {
    const client = directLineClient(first.baseUrl);
    const session = await client.session();
    await client.start(session.token);
    await redis.rpush(`${keyPrefix}directline:{${session.conversationId}}:activities`, '{"type": "mess');
    await client.post(session.token, session.conversationId, userMessage('my charging cable is stuck in the car'));

    const page = await client.poll(session.token, session.conversationId);
    expect(page.status).toBe(200);
    expect(botTexts(page.body)).toContain(firstStep);
    expect(parseInt(page.body.watermark, 10)).toBe(page.body.activities.length + 1);
  });

  it('a log that cannot take the activity fails the post instead of losing it quietly', async () => {
    const client = directLineClient(first.baseUrl);
    const session = await client.session();
    await client.start(session.token);
    const log = `${keyPrefix}directline:{${session.conversationId}}:activities`;
    await redis.del(log);
    await redis.set(log, 'not a list');
    const posted = await client.post(session.token, session.conversationId, userMessage('hello'));
    expect(posted.status).toBe(500);
  });
});
