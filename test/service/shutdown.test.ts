import type { Request, Response, Server } from 'restify';
import { createLogger } from '../../src/logger';
import { createHttpService } from '../../src/server';
import { freePort, runNode, waitUntilUp } from '../support/process';

const logger = createLogger({ env: 'test', logLevel: 'silent' });

/**
 * `requestStarted` resolves once `/slow` is being handled: a fixed sleep instead let a loaded CI
 * machine shut down before the request had arrived, so it was reset as an idle connection.
 */
function serviceWithSlowRoute(graceMs: number, delayMs: number) {
  let started!: () => void;
  const requestStarted = new Promise<void>((resolve) => (started = resolve));
  const slowRoute = (server: Server) =>
    server.get('/slow', async (_req: Request, res: Response) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      res.send(200, { finished: true });
    });
  const http = createHttpService({
    logger,
    maxBodyBytes: 1024,
    shutdownGraceMs: graceMs,
    keepAliveTimeoutMs: 5_000,
    readinessChecks: [],
    routes: [slowRoute],
  });
  return { http, requestStarted };
}

describe('graceful shutdown', () => {
  it('lets a request in flight finish, then stops accepting connections', async () => {
    const { http, requestStarted } = serviceWithSlowRoute(5_000, 300);
    const port = await http.listen(0, '127.0.0.1');
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await requestStarted;

    await http.shutdown();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('does not wait past the grace period for a request that hangs', async () => {
    const { http, requestStarted } = serviceWithSlowRoute(100, 2_000);
    const port = await http.listen(0, '127.0.0.1');
    const hanging = fetch(`http://127.0.0.1:${port}/slow`).then(
      () => 'answered',
      () => 'connection closed',
    );
    await requestStarted;

    await http.shutdown();

    expect(await hanging).toBe('connection closed');
  });

  it('reports unready while draining', async () => {
    const { http, requestStarted } = serviceWithSlowRoute(2_000, 300);
    const port = await http.listen(0, '127.0.0.1');
    const agentRequest = fetch(`http://127.0.0.1:${port}/slow`);
    await requestStarted;
    const stopping = http.shutdown();
    // A request arriving on a new connection during the drain is refused or told to retry.
    const late = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.status)
      .catch(() => 'refused');
    expect([503, 'refused']).toContain(late);
    await agentRequest;
    await stopping;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('the service process exits 0 on %s', async (signal) => {
    const port = await freePort();
    const service = runNode('index.js', { env: { PORT: String(port) } });
    await waitUntilUp(`http://127.0.0.1:${port}/healthz`);
    service.kill(signal);
    const { code, stdout } = await service.finished;
    expect(code).toBe(0);
    expect(stdout).toContain('stopped');
  });

  describe('while Redis cannot be reached', () => {
    // BullMQ's close waits for Redis: the worker's wait is bounded by SHUTDOWN_GRACE_MS.
    const deadRedis = async () => ({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, SHUTDOWN_GRACE_MS: '500' });

    it.each(['embedded', 'standalone'])(
      'the service with a %s ticket worker exits 0 on SIGTERM, and the outage goes to the log only',
      async (worker) => {
        const port = await freePort();
        const service = runNode('index.js', { env: { PORT: String(port), TICKET_WORKER: worker, ...(await deadRedis()) } });
        await waitUntilUp(`http://127.0.0.1:${port}/healthz`);
        service.kill('SIGTERM');
        const { code, stdout, stderr } = await service.finished;
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
        expect(stdout).toContain('stopped');
      },
    );

    it('the standalone ticket worker exits 0 on SIGTERM', async () => {
      const worker = runNode('cli/worker.js', { env: await deadRedis() });
      await new Promise((resolve) => worker.stdout!.once('data', resolve));
      worker.kill('SIGTERM');
      const { code, stdout } = await worker.finished;
      expect(code).toBe(0);
      expect(stdout).toContain('ticket worker stopped');
    });
  });

  it('a bad configuration stops the process before it listens, naming the variable', async () => {
    const { code, stderr, stdout } = await runNode('index.js', { env: { PORT: 'abc', LOG_LEVEL: 'loud' } }).finished;
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('LOG_LEVEL');
    expect(stdout).not.toContain('listening');
  });
});
