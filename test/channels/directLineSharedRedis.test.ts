import { Redis } from 'ioredis';
import { loadMessages } from '../../src/content/messages';
import { type ActivityPage, botTexts, directLineClient, userMessage } from '../support/directLine';
import { type RunningService, startService } from '../support/service';

const messages = loadMessages();
const redisUrl = 'redis://127.0.0.1:6379';

describe('two service instances sharing Redis', () => {
  const env = { REDIS_URL: redisUrl, WEBCHAT_TOKEN_SECRET: 'shared-secret-of-both-instances-0123456789' };
  let first: RunningService;
  let second: RunningService;
  let redis: Redis;
  const conversations: string[] = [];

  beforeAll(async () => {
    [first, second] = await Promise.all([startService(env), startService(env)]);
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    for (const id of conversations) {
      const keys = await redis.keys(`*directline:{${id}}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await Promise.all([first.service.stop(), second.service.stop(), redis.quit()]);
  });

  it('either instance answers the polls of a conversation the other one runs', async () => {
    const onFirst = directLineClient(first.baseUrl);
    const onSecond = directLineClient(second.baseUrl);
    const session = await onFirst.session();
    conversations.push(session.conversationId);

    await onFirst.start(session.token);
    await onFirst.post(session.token, session.conversationId, userMessage('hello'));
    const seenBySecond = (await onSecond.poll(session.token, session.conversationId)).body as ActivityPage;
    expect(seenBySecond.activities.map((activity) => activity.text).slice(0, 2)).toEqual([messages.welcome, 'hello']);
    expect(botTexts(seenBySecond).length).toBeGreaterThan(1);

    await onSecond.post(session.token, session.conversationId, userMessage('it is stuck'));
    const seenByFirst = (await onFirst.poll(session.token, session.conversationId, seenBySecond.watermark)).body as ActivityPage;
    expect(seenByFirst.activities[0]).toMatchObject({ text: 'it is stuck', from: { role: 'user' } });
    expect(botTexts(seenByFirst).length).toBeGreaterThan(0);
  });

  it('keeps the activity log in Redis with an expiry', async () => {
    const session = await directLineClient(first.baseUrl).session();
    conversations.push(session.conversationId);
    await directLineClient(first.baseUrl).start(session.token);
    const keys = await redis.keys(`*directline:{${session.conversationId}}:*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });
});
