import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBenchmark } from '../../src/bench/benchmark';
import { LoadDriver } from '../../src/bench/loadDriver';

describe('the load benchmark, as a short smoke run', () => {
  it('drives the baseline and the service in memory and with Redis, every turn answered', async () => {
    const options = { conversations: 8, concurrency: 4, halfRateSeconds: 0.5, memoryConversations: 10, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
    const result = await runBenchmark(options);
    expect(result.targets.map((t) => t.target)).toEqual(['baseline echo bot', 'service, memory', 'service, Redis']);
    for (const target of result.targets) {
      expect(target.max).toMatchObject({ turns: 8 * 6, errors: 0 });
      expect(target.halfRate.errors).toBe(0);
    }
    expect(result.rssMb).toHaveLength(10);
  }, 60_000);
});

describe('the load driver', () => {
  it("drops an idle connection before the server's announced keep-alive timeout, so it never sends on one being closed", async () => {
    const server = http.createServer((_req, res) => res.end('{"activities":[]}'));
    server.keepAliveTimeout = 2_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const driver = new LoadDriver(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`), 1);
    const openConnections = () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    try {
      await driver.turn('c-1', 'hello');
      expect(await openConnections()).toBe(1);
      // The server would close it at 2 s; the driver, told "timeout=2", lets it go a second earlier.
      await sleep(1_500);
      expect(await openConnections()).toBe(0);
    } finally {
      driver.close();
      server.close();
    }
  });
});
