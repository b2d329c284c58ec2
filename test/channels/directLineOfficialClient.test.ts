import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { whenRedisReady } from '../../src/state/redisClient';
import { deleteKeysUnder } from '../../src/state/redisKeys';
import { sharedRedisUrl as redisUrl } from '../state/redisTestKit';
import { directLineClient } from '../support/directLine';
import { content, instruction } from '../support/guidedChat';
import { ConnectionStatus, officialClient } from '../support/officialDirectLine';
import { type RunningService, startService } from '../support/service';
import { waitFor } from '../support/waitFor';

const { messages } = content;
const [firstStep, secondStep] = content.dialogs.procedures.get('stuck_in_car')!.steps.map((step) => instruction(...step.say));
const start = (text: string) => text.slice(0, 50);

describe('the official Direct Line client (botframework-directlinejs), two instances on one Redis', () => {
  const keyPrefix = `test-dl-official-${randomUUID()}:`;
  const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix, WEBCHAT_TOKEN_SECRET: 'shared-secret-of-both-instances-0123456789' };
  let first: RunningService;
  let second: RunningService;
  let redis: Redis;
  const clients: ReturnType<typeof officialClient>[] = [];
  const client = (options: Parameters<typeof officialClient>[0]) => {
    const made = officialClient(options);
    clients.push(made);
    return made;
  };
  const domainOf = (running: RunningService) => `${running.baseUrl}/v3/directline`;

  beforeAll(async () => {
    [first, second] = await Promise.all([startService(env), startService(env)]);
    await Promise.all([first, second].map((running) => whenRedisReady(running.service.runtime.redis!, 5000)));
    redis = new Redis(redisUrl);
  });
  afterEach(() => clients.splice(0).forEach((made) => made.end()));
  afterAll(async () => {
    await deleteKeysUnder(redis, keyPrefix);
    await Promise.all([first.service.stop(), second.service.stop(), redis.quit()]);
  });

  it('over WebSocket: gets a streamUrl, the greeting and each reply pushed, also what another instance logged', async () => {
    const session = await directLineClient(first.baseUrl).session();
    const onFirst = client({ domain: domainOf(first), token: session.token });
    await onFirst.until(start(messages.welcome), 'the greeting');
    expect(onFirst.streamUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/[^/]+\/stream\?/);

    const id = await onFirst.post('my charging cable is stuck in the car');
    await onFirst.until(start(firstStep), 'the first step');
    // The user's own message comes back on the stream too: Web Chat marks it as sent by it.
    expect(onFirst.received.find((activity) => activity.id === id)).toMatchObject({
      text: 'my charging cable is stuck in the car',
      from: { role: 'user' },
    });

    // The same conversation posted to through the other instance (a polling client there): pushed to this stream.
    const onSecond = client({ domain: domainOf(second), token: session.token, conversationId: session.conversationId, webSocket: false });
    await onSecond.until(start(firstStep), 'the history on the second instance');
    await onSecond.post(messages.buttons.stillStuck);
    await onFirst.until(start(secondStep), 'the second step, pushed from the other instance');
    expect(onFirst.statuses).not.toContain(ConnectionStatus.FailedToConnect);
    const greetings = onFirst.texts().filter((text) => text === messages.welcome);
    expect(greetings).toHaveLength(1);
  });

  it('over WebSocket: a client reconnecting with its watermark gets only what came after it', async () => {
    const session = await directLineClient(first.baseUrl).session();
    const before = client({ domain: domainOf(first), token: session.token });
    await before.until(start(messages.welcome), 'the greeting');
    await before.post('my charging cable is stuck in the car');
    await before.until(start(firstStep), 'the first step');
    const watermark = before.watermark();
    const seen = before.received.length;
    before.end();

    const after = client({ domain: domainOf(second), token: session.token, conversationId: session.conversationId, watermark });
    await waitFor(() => after.statuses.includes(ConnectionStatus.Online), 'the reconnection');
    await after.post(messages.buttons.stillStuck);
    await after.until(start(secondStep), 'the second step');
    expect(after.texts()).not.toContain(messages.welcome);
    expect(after.received.length).toBeLessThan(seen + 4);
  });

  it('by polling: the same conversation, over either instance', async () => {
    const session = await directLineClient(second.baseUrl).session();
    const polling = client({ domain: domainOf(second), token: session.token, webSocket: false });
    await polling.until(start(messages.welcome), 'the greeting');
    await polling.post('my charging cable is stuck in the car');
    await polling.until(start(firstStep), 'the first step');
    expect(polling.statuses).not.toContain(ConnectionStatus.FailedToConnect);
  });

  it('shows the bot typing while a turn waits, over the stream', async () => {
    const session = await directLineClient(first.baseUrl).session();
    const onFirst = client({ domain: domainOf(first), token: session.token });
    await onFirst.until(start(messages.welcome), 'the greeting');
    // The previous turn still holds the conversation: this one waits for it, and the driver sees the bot typing.
    await redis.set(`${keyPrefix}lock:{webchat/conversations/${session.conversationId}}`, 'an earlier turn', 'PX', 1500);
    await onFirst.post('my charging cable is stuck in the car');
    await onFirst.until(start(firstStep), 'the first step');
    const typing = onFirst.received.findIndex((activity) => activity.type === 'typing' && activity.from?.role === 'bot');
    const reply = onFirst.received.findIndex((activity) => activity.text?.startsWith(start(firstStep)));
    expect(typing).toBeGreaterThan(-1);
    expect(typing).toBeLessThan(reply);
    // Typing is shown, never kept: a poll of the log has none.
    const page = await directLineClient(first.baseUrl).poll(session.token, session.conversationId);
    expect(page.body.activities.filter((activity: { type: string }) => activity.type === 'typing')).toEqual([]);
  });
});
