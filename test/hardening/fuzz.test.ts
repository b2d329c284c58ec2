import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { hostileRequest, seededRandom } from '../support/hostileActivities';
import { messageActivity, postActivity } from '../support/http';
import { type RunningService, startService } from '../support/service';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function heapUsedAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const seed = Number(process.env.FUZZ_SEED ?? 20241125);
const rounds = 3;
const requestsPerRound = 1000;

describe(`a few thousand hostile requests to /api/messages (seed ${seed})`, () => {
  let running: RunningService;
  // Stands in for the channel's connector: accepts every reply sent to the activity's serviceUrl.
  const channel = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  let serviceUrl: string;
  beforeAll(async () => {
    running = await startService({ RATE_LIMIT_CONVERSATION_TURNS: '1000000' });
    await new Promise<void>((resolve) => channel.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await running.service.stop();
    channel.close();
  });

  it('answers each with a 4xx or a normal reply, stays up, and its heap stays bounded', async () => {
    const random = seededRandom(seed);
    const unexpected: string[] = [];
    const heapAfterRound: number[] = [];

    for (let round = 0; round < rounds; round += 1) {
      for (let sent = 0; sent < requestsPerRound; sent += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const request = hostileRequest(random, serviceUrl);
            // fetch's errors come from another realm than jest's `Error`, so no `instanceof` here.
            const outcome = await fetch(`${running.baseUrl}/api/messages`, {
              method: 'POST',
              headers: { 'content-type': request.contentType },
              body: request.body as string,
              signal: AbortSignal.timeout(30_000),
            }).then(
              (answered) => ({ answered }),
              (error: { name?: string }) => ({ failed: error.name ?? 'error' }),
            );
            if ('failed' in outcome) {
              unexpected.push(`${request.kind}: no answer (${outcome.failed})`);
              return;
            }
            const response = outcome.answered;
            const body = await response.text();
            const normalReply =
              response.status === 200 && (body === '' || Array.isArray((JSON.parse(body) as { activities?: unknown }).activities));
            const refused = response.status >= 400 && response.status < 500;
            if (!(normalReply || refused)) unexpected.push(`${request.kind}: ${response.status} ${body.slice(0, 200)}`);
            if (/\bat .*\.(js|ts):\d+/.test(body)) unexpected.push(`${request.kind}: stack trace in the response`);
          }),
        );
      }
      heapAfterRound.push(heapUsedAfterGc());
    }

    expect(unexpected).toEqual([]);
    const { status, replies } = await postActivity(running.baseUrl, messageActivity('after-fuzz', 'hello'));
    expect(status).toBe(200);
    expect(replies.length).toBeGreaterThan(0);
    expect((await fetch(`${running.baseUrl}/healthz`)).status).toBe(200);
    // After a warm-up round, more of the same traffic must not keep growing the heap.
    const growth = heapAfterRound[rounds - 1]! - heapAfterRound[0]!;
    expect(growth).toBeLessThan(25 * 1024 * 1024);
  }, 180_000);
});
