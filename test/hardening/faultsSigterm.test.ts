import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connectTestClient, type OwnedRedisServer } from '../state/redisTestKit';
import {
  driver,
  faultEnv,
  type LocalTicketEndpoint,
  localTicketEndpoint,
  persistentRedis,
  slowChannel,
  whenReady,
} from '../support/faults';
import { content } from '../support/guidedChat';
import { messageActivity, postActivity } from '../support/http';
import { freePort, runNode, waitUntilUp } from '../support/process';
import { type RunningService, startService } from '../support/service';

const { buttons } = content.messages;
const opening = 'my cable is stuck in the car';

let redis: OwnedRedisServer | undefined;
let endpoint: LocalTicketEndpoint | undefined;
let channel: ReturnType<typeof slowChannel> | undefined;
let child: ReturnType<typeof runNode> | undefined;
let fresh: RunningService | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  channel?.server.close();
  await fresh?.service.stop().catch(() => undefined);
  await endpoint?.close();
  await redis?.remove();
});

/** Every stored state item under `prefix`, parsed (a half-written item would not parse). */
async function storedStateUnder(prefix: string): Promise<unknown[]> {
  const client = await connectTestClient(redis!.url);
  try {
    const keys = await client.keys(`${prefix}state:*`);
    const items = [];
    // Locks and redelivery marks live next to the state items; those are hashes {eTag, data}.
    for (const key of keys) if ((await client.type(key)) === 'hash') items.push(await client.hmget(key, 'eTag', 'data'));
    for (const [eTag] of items) expect(typeof eTag).toBe('string');
    return items.map(([, data]) => JSON.parse(data!));
  } finally {
    client.disconnect();
  }
}

describe('SIGTERM while turns are in flight, with Redis', () => {
  it('answers every turn, writes whole state, and a fresh instance continues each conversation where the user was', async () => {
    redis = await persistentRedis();
    endpoint = await localTicketEndpoint();
    await redis.start();
    const env = faultEnv(redis, endpoint);
    const conversations = Array.from({ length: 6 }, () => `sigterm-redis-${randomUUID()}`);
    channel = slowChannel(300, conversations.length);
    await new Promise<void>((resolve) => channel!.server.listen(0, '127.0.0.1', resolve));
    const channelUrl = `http://127.0.0.1:${(channel.server.address() as AddressInfo).port}`;

    const port = await freePort();
    const serviceUrl = `http://127.0.0.1:${port}`;
    child = runNode('index.js', { env: { ...env, PORT: String(port), SHUTDOWN_GRACE_MS: '20000', LOG_LEVEL: 'warn' } });
    await waitUntilUp(`${serviceUrl}/readyz`);
    for (const id of conversations) expect((await postActivity(serviceUrl, messageActivity(id, opening))).status).toBe(200);

    // The second turn of each conversation is answered through the slow channel, and is still going when SIGTERM comes.
    const turns = conversations.map((id) =>
      fetch(`${serviceUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(messageActivity(id, buttons.stillStuck, { serviceUrl: channelUrl, deliveryMode: 'normal' })),
      }).then((response) => response.status),
    );
    await channel.everyTurnReplying;
    child.kill('SIGTERM');
    expect(await Promise.all(turns)).toEqual(conversations.map(() => 200));
    expect((await child.finished).code).toBe(0);

    const stored = await storedStateUnder(env.REDIS_KEY_PREFIX);
    expect(stored.length).toBeGreaterThanOrEqual(conversations.length);

    // A fresh instance on the same Redis: each user saw the second step, and each conversation goes on from there.
    fresh = await startService(env);
    await whenReady(fresh.baseUrl);
    const undisturbed = driver(() => fresh!.baseUrl);
    await undisturbed.say(opening);
    const secondStep = await undisturbed.say(buttons.stillStuck);
    const thirdStep = await undisturbed.say(buttons.stillStuck);
    expect(thirdStep.texts).not.toEqual(secondStep.texts);
    for (const id of conversations) {
      expect(channel.texts.get(id)).toEqual(secondStep.texts);
      expect(await driver(() => fresh!.baseUrl, id).say(buttons.stillStuck)).toEqual(thirdStep);
    }
  });
});
