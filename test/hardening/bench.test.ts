import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type * as Benchmark from '../../tools/bench/benchmark';
import { LoadDriver } from '../../tools/bench/loadDriver';
import { sharedRedisUrl } from '../state/redisTestKit';
import { projectRoot } from '../support/process';

describe('the load benchmark, as a short smoke run', () => {
  it('drives the baseline and the service in memory and with Redis, each in its own process, every turn answered', async () => {
    // The built benchmark: it forks each target from the built `targetProcess.js` (npm test builds first).
    const { runBenchmark } = require(path.join(projectRoot, 'dist/tools/bench/benchmark')) as typeof Benchmark;
    const options = {
      conversations: 8,
      concurrency: 4,
      rounds: 2,
      halfRateSeconds: 0.5,
      memoryConversations: 10,
      redisUrl: sharedRedisUrl,
    };
    const result = await runBenchmark(options);
    expect(result.targets.map((t) => t.target)).toEqual(['baseline echo bot', 'service, memory', 'service, Redis']);
    for (const target of result.targets) {
      expect(target.max).toMatchObject({ turns: 8 * 6, errors: 0 });
      expect(target.roundRatios).toHaveLength(2);
      expect(target.halfRate.errors).toBe(0);
    }
    expect(result.targets[0]!.ofBaseline).toBe(1);
    expect(result.rssMb).toHaveLength(10);
    expect(result.rssMb.every((mb) => mb > 0)).toBe(true);
  }, 60_000);
});

describe('the load driver', () => {
  it("closes an idle connection before the server's announced keep-alive timeout, so it never sends on one being closed", async () => {
    // The server announces 2 s but would really wait a minute: only the driver can close within the test,
    // however slow a loaded CI machine runs its timers.
    const server = http.createServer((_req, res) => {
      res.setHeader('Connection', 'keep-alive');
      res.setHeader('Keep-Alive', 'timeout=2');
      res.end('{"activities":[]}');
    });
    server.keepAliveTimeout = 60_000;
    // Who closes the connection: the driver (the server sees its FIN) or the server.
    const closedBy = new Promise<string>((resolve) => {
      server.on('connection', (socket) => {
        socket.on('end', () => resolve('driver'));
        socket.on('close', () => resolve('server'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const driver = new LoadDriver(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`), 1);
    try {
      await driver.turn('c-1', 'hello');
      // Told "timeout=2", the driver lets the idle connection go a second before the server would.
      expect(await closedBy).toBe('driver');
    } finally {
      driver.close();
      server.close();
    }
  });
});
