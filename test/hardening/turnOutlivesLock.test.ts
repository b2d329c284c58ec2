import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStorage } from '../../src/state/redisStorage';
import { sharedRedisUrl, useSharedRedis } from '../state/redisTestKit';
import { content } from '../support/guidedChat';
import { messageActivity, postActivity } from '../support/http';
import { freePort, runNode, waitUntilUp } from '../support/process';
import { type RunningService, startService } from '../support/service';

const { buttons } = content.messages;
const redis = useSharedRedis();

/** A channel connector that holds the replies it gets until `release`, then takes them at once. */
function holdingConnector() {
  const texts: string[] = [];
  const held: (() => void)[] = [];
  let holding = true;
  let replyArrived = () => {};
  const firstReply = new Promise<void>((resolve) => (replyArrived = resolve));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      texts.push((JSON.parse(body) as { text?: string }).text ?? '');
      replyArrived();
      const take = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"reply"}');
      };
      if (holding) held.push(take);
      else take();
    });
  });
  return {
    server,
    texts,
    firstReply,
    release() {
      holding = false;
      held.splice(0).forEach((take) => take());
    },
  };
}

describe('a turn that outlives its conversation lock', () => {
  let stalled: ReturnType<typeof runNode> | undefined;
  let other: RunningService | undefined;
  const connector = holdingConnector();
  afterAll(async () => {
    stalled?.kill('SIGKILL');
    await other?.service.stop();
    connector.server.close();
  });

  it('cannot overwrite the turn that took the lock after it: its save is refused and logged, and its driver asked to send the message again', async () => {
    // The lock is renewed while a turn runs; only a process that stalls beyond the TTL (a long GC
    // pause, a frozen VM: SIGSTOP here) outlives it.
    const env = {
      REDIS_URL: sharedRedisUrl,
      REDIS_KEY_PREFIX: redis.prefix,
      CONVERSATION_LOCK_TTL_MS: '1000',
      CONVERSATION_LOCK_WAIT_MS: '500',
      CONNECTOR_TIMEOUT_MS: '30000',
    };
    await new Promise<void>((resolve) => connector.server.listen(0, '127.0.0.1', resolve));
    const connectorUrl = `http://127.0.0.1:${(connector.server.address() as AddressInfo).port}`;
    const port = await freePort();
    stalled = runNode('index.js', { env: { ...env, PORT: String(port), LOG_LEVEL: 'info' } });
    const stalledUrl = `http://127.0.0.1:${port}`;
    other = await startService(env);
    await waitUntilUp(`${stalledUrl}/readyz`);
    const conversationId = `outlived-${randomUUID()}`;
    expect((await postActivity(other.baseUrl, messageActivity(conversationId, 'my cable is stuck in the car'))).status).toBe(200);

    // The stalled instance's turn sends its first reply, then its process stops for longer than the lock lives.
    const lateTurn = fetch(`${stalledUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageActivity(conversationId, buttons.stillStuck, { serviceUrl: connectorUrl, deliveryMode: 'normal' })),
    });
    await connector.firstReply;
    stalled.kill('SIGSTOP');
    await sleep(1_500);
    const laterTurn = await postActivity(other.baseUrl, messageActivity(conversationId, 'the cable is still stuck in the car'));
    expect(laterTurn.status).toBe(200);
    stalled.kill('SIGCONT');
    connector.release();
    expect((await lateTurn).status).toBe(200);

    const stored = new RedisStorage(redis.client, { keyPrefix: redis.prefix, ttlSeconds: 60, maxItemBytes: 1_000_000 });
    const key = `test/conversations/${conversationId}/`;
    const said = JSON.stringify((await stored.read([key]))[key]);
    expect(said).toContain('the cable is still stuck in the car');
    expect(said).not.toContain(buttons.stillStuck);
    expect(connector.texts.at(-1)).toBe(content.messages.turnBusy);

    stalled.kill('SIGTERM');
    const { stdout } = await stalled.finished;
    const refused = stdout.split('\n').filter((line) => line.includes('turn state save refused'));
    expect(refused).toHaveLength(1);
    expect(JSON.parse(refused[0]!)).toMatchObject({ level: 50, lockLost: true, err: { type: 'ETagConflictError' } });
  });
});
