import { whenRedisReady } from '../../src/state/redisClient';
import { freePort, OwnedRedisServer } from '../state/redisTestKit';
import { type ActivityPage, botTexts, directLineClient, userMessage } from '../support/directLine';
import { content, instruction } from '../support/guidedChat';
import { officialClient } from '../support/officialDirectLine';
import { type RunningService, startService } from '../support/service';
import { waitFor } from '../support/waitFor';

const { messages } = content;
const [firstStep] = content.dialogs.procedures.get('stuck_in_car')!.steps.map((step) => instruction(...step.say));

describe('Direct Line while Redis is down', () => {
  let redis: OwnedRedisServer;
  let running: RunningService;
  beforeAll(async () => {
    // Redis is not there yet: the service starts before it first connects.
    redis = new OwnedRedisServer(await freePort());
    running = await startService({ REDIS_URL: redis.url, WEBCHAT_TOKEN_SECRET: 'outage-secret-of-at-least-thirty-two-bytes' });
  });
  afterAll(async () => {
    await running.service.stop();
    await redis.remove();
  });

  it('before Redis first connects, and again in an outage: the driver gets the stateUnavailable reply, then the conversation goes on', async () => {
    const client = directLineClient(running.baseUrl);
    const session = await client.session();
    expect((await client.start(session.token)).status).toBe(201);

    const posted = await client.post(session.token, session.conversationId, userMessage('my charging cable is stuck in the car'));
    expect(posted.status).toBe(200);
    const during = (await client.poll(session.token, session.conversationId)).body as ActivityPage;
    expect(JSON.stringify(during)).not.toMatch(/Stream isn't writeable|enableOfflineQueue/);
    expect(botTexts(during)).toContain(messages.stateUnavailable);
    expect(during.activities.some((activity) => activity.id === posted.body.id)).toBe(true);

    await redis.start();
    await whenRedisReady(running.service.runtime.redis!, 10_000);
    await client.post(session.token, session.conversationId, userMessage('my charging cable is stuck in the car'));
    const after = (await client.poll(session.token, session.conversationId, during.watermark)).body as ActivityPage;
    expect(botTexts(after)).toContain(firstStep);

    await redis.stop();
    await waitFor(() => running.service.runtime.redis!.status !== 'ready', 'the service to notice the outage');
    expect((await client.post(session.token, session.conversationId, userMessage('still stuck'))).status).toBe(200);
    const again = await client.poll(session.token, session.conversationId, after.watermark);
    expect(again.status).toBe(200);
    expect(botTexts(again.body)).toEqual([messages.stateUnavailable]);
  });

  it('over the WebSocket stream too, and the stream carries on when Redis is back', async () => {
    await redis.stop();
    const session = await directLineClient(running.baseUrl).session();
    const stream = officialClient({ domain: `${running.baseUrl}/v3/directline`, token: session.token });
    try {
      await stream.until(messages.stateUnavailable.slice(0, 40), 'the outage reply to the opening');
      await redis.start();
      await whenRedisReady(running.service.runtime.redis!, 10_000);
      await stream.post('my charging cable is stuck in the car');
      await stream.until(firstStep.slice(0, 40), 'the first step once Redis is back');
    } finally {
      stream.end();
    }
  });
});
