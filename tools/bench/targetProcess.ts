/**
 * One benchmark target in a process of its own, as the service runs deployed: its heap, garbage
 * collector and event loop are its own, not shared with the load driver or the other targets.
 * `node targetProcess.js <target name>`, forked by the benchmark (`targetProtocol.ts`).
 */
import { loadConfig } from '#service/config';
import { buildService } from '#service/index';
import { createLogger } from '#service/logger';
import type { HttpService } from '#service/server';
import { echoBotService } from './echoBot';
import { type TargetName, type TargetReport, type TargetRequest, targetNames } from './targetProtocol';

function start(name: TargetName): { http: HttpService; stop(): Promise<void> } {
  const logger = createLogger({ env: 'test', logLevel: 'silent' });
  // The per-conversation limit would throttle the load itself; everything else is as deployed.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_CONVERSATION_TURNS: '1000000',
    ...(name === 'service, Redis' ? { REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX! } : {}),
  });
  if (name === 'baseline echo bot') {
    const http = echoBotService(logger, config);
    return { http, stop: () => http.shutdown() };
  }
  const service = buildService(config, logger);
  return { http: service.http, stop: () => service.stop() };
}

async function main(): Promise<void> {
  const name = process.argv[2] as TargetName;
  if (!targetNames.includes(name)) throw new Error(`unknown target "${name}"`);
  const target = start(name);
  const report = (message: TargetReport) => process.send!(message);
  process.on('message', (request: TargetRequest) => {
    if (request === 'rss') report({ rssMb: process.memoryUsage().rss / 1048576 });
    else void target.stop().then(() => process.exit(0));
  });
  // The benchmark gone, nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
  report({ port: await target.http.listen(0, '127.0.0.1') });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench target failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
