import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { handoffTurns, referenceIn } from '../support/faults';
import { content } from '../support/guidedChat';
import { messageActivity, postActivity, textsOf } from '../support/http';
import { mockOutsideHttp } from '../support/outsideHttp';
import { waitUntilUp } from '../support/process';
import { startService } from '../support/service';
import { waitFor } from '../support/waitFor';
import { tempOutboxFile } from '../tickets/fixtures';
import { sharedRedisUrl, useSharedRedis } from '../state/redisTestKit';

const { handoff } = content.messages;
const webhook = 'https://installers.example.test';
const redis = useSharedRedis();
const outbox = tempOutboxFile();
mockOutsideHttp('127.0.0.1');

afterEach(() => nock.cleanAll());

/** The service on the shared Redis, its tickets to the (nocked) installers' webhook, ready. */
async function serviceWithWebhook() {
  const running = await startService({
    REDIS_URL: sharedRedisUrl,
    REDIS_KEY_PREFIX: redis.prefix,
    TICKET_WEBHOOK_URL: `${webhook}/tickets`,
    TICKET_WEBHOOK_SECRET: 'test-secret',
    TICKET_OUTBOX_FILE: outbox.path(),
  });
  await waitUntilUp(`${running.baseUrl}/readyz`);
  return running;
}

test('over HTTP with Redis: a redelivered and a repeated "yes, create it" give one ticket at the webhook, one reference', async () => {
  const received: { reference: string; id: string }[] = [];
  let reference = '';
  nock(webhook)
    .post('/tickets')
    .times(3)
    .reply(201, (_uri, body) => {
      received.push(body as { reference: string; id: string });
      return { id: 'installer-1' };
    });
  const running = await serviceWithWebhook();
  try {
    const conversationId = `handoff-${randomUUID()}`;
    const say = async (text: string, id?: string) =>
      textsOf((await postActivity(running.baseUrl, messageActivity(conversationId, text, id ? { id } : {}))).replies);

    for (const text of handoffTurns) {
      await say(text);
    }
    const yesId = `yes-${randomUUID()}`;
    const [confirmation] = await say(handoff.buttons.create, yesId);
    reference = referenceIn([confirmation]);
    expect(await say(handoff.buttons.create, yesId)).toEqual([]); // the channel's retry of the same activity
    expect((await say(handoff.buttons.create))[0]).toContain(reference); // the user pressing it again

    await waitFor(() => received.length > 0);
  } finally {
    await running.service.stop();
  }
  expect(received).toEqual([
    expect.objectContaining({ reference, reason: 'customer_request', contact: { name: 'Sam Taylor', phone: '+447700900123' } }),
  ]);
});

test('over HTTP with Redis: a ticket the receiver refuses for good is told to the driver once, on their next message', async () => {
  nock(webhook).post('/tickets').reply(422, { error: 'unknown site' });
  const running = await serviceWithWebhook();
  try {
    const conversationId = `refused-${randomUUID()}`;
    const say = async (text: string) => textsOf((await postActivity(running.baseUrl, messageActivity(conversationId, text))).replies);
    for (const text of handoffTurns) await say(text);
    const reference = referenceIn(await say(handoff.buttons.create));
    const notice = handoff.notDelivered.replace('{reference}', reference);
    // The queue's worker tries it, is refused with 422, and dead-letters it at once (no retry for a 4xx).
    let replies: string[] = [];
    await waitFor(async () => {
      replies = await say('thanks');
      return replies.includes(notice);
    }, 'the driver to be told');
    expect(replies[0]).toBe(notice);
    expect(await say('ok, thanks')).not.toContain(notice);
  } finally {
    await running.service.stop();
  }
});
