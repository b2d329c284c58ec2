import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { buildService, type Service } from '../../src/index';
import { createLogger } from '../../src/logger';
import { randomPrefix, sharedRedisUrl } from '../state/redisTestKit';
import { messageActivity, postActivity } from '../support/http';
import { freePort, waitUntilUp } from '../support/process';
import type { LogLine } from '../tickets/fixtures';

/** A channel connector that never answers, or answers every reply with `status`. */
async function connector(answer: 'never' | number) {
  const server = http.createServer((req, res) => {
    req.resume();
    if (answer === 'never') return;
    req.on('end', () => {
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end('connector failing');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe("the channel's connector failing while the bot replies (state in Redis)", () => {
  const lines: LogLine[] = [];
  let service: Service;
  let baseUrl: string;
  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      REDIS_URL: sharedRedisUrl,
      REDIS_KEY_PREFIX: randomPrefix(),
      CONNECTOR_TIMEOUT_MS: '300',
    });
    service = buildService(config, createLogger(config, { write: (line: string) => void lines.push(JSON.parse(line)) }));
    baseUrl = `http://127.0.0.1:${await service.http.listen(0, '127.0.0.1')}`;
    await waitUntilUp(`${baseUrl}/readyz`);
  });
  afterAll(() => service.stop());

  it.each([
    ['does not answer at all', async () => connector('never'), /at 127\.0\.0\.1:\d+ did not take the reply within 300 ms/],
    ['refuses the bot (403)', async () => connector(403), /at 127\.0\.0\.1:\d+ answered HTTP 403/],
    ['answers 503', async () => connector(503), /at 127\.0\.0\.1:\d+ (answered HTTP 503|did not take the reply within 300 ms)/],
    [
      'cannot be reached',
      async () => ({ url: `http://127.0.0.1:${await freePort()}`, close: () => {} }),
      /(could not be reached \(ECONNREFUSED\)|did not take the reply within 300 ms)/,
    ],
  ])('that %s: the turn ends, the cause is named (not a state outage), and the conversation goes on', async (_kind, start, cause) => {
    const channel = await start();
    const conversationId = `connector-${randomUUID()}`;
    try {
      lines.length = 0;
      const turn = await fetch(`${baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          messageActivity(conversationId, 'my cable is stuck in the car', { serviceUrl: channel.url, deliveryMode: 'normal' }),
        ),
      });
      expect(turn.status).toBe(200);
      const failed = lines.find((line) => line.msg === 'turn failed');
      expect(failed).toMatchObject({ err: { type: 'ReplyNotDeliveredError' } });
      expect((failed!.err as { message: string }).message).toMatch(cause);
      expect(lines.filter((line) => /state unavailable/.test(line.msg))).toEqual([]);

      // The lock went with the turn: the next message of the conversation is answered at once.
      const next = await postActivity(baseUrl, messageActivity(conversationId, 'hello'));
      expect(next.status).toBe(200);
      expect(next.replies.length).toBeGreaterThan(0);
    } finally {
      channel.close();
    }
  });
});
