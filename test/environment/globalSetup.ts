import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { projectRoot } from '../../src/paths';
import { freePort, OwnedRedisServer } from '../state/redisTestKit';
import { checkPrerequisites } from './prerequisites';

/** Handed to the global teardown, which runs in this same process. */
export const testRedisKey = Symbol.for('evbot.testRedis');

/**
 * Neither a developer's `.env` nor the service variables of their shell reach the tests: jest's
 * NODE_ENV=test makes the service skip `.env` (src/config.ts), and the variables `.env.example`
 * documents are cleared, LOG_LEVEL excepted (setupEnv.js, to see the logs when debugging).
 */
function isolateFromDeveloperSettings(): void {
  const documented = Object.keys(parseEnv(fs.readFileSync(path.join(projectRoot, '.env.example'), 'utf8')));
  for (const name of documented) if (name !== 'LOG_LEVEL') delete process.env[name];
  process.env.NODE_ENV = 'test';
}

/**
 * Before any test file: the machine has what the tests need, or the run stops with one line saying
 * what to install; then a private redis-server on a free port for every test on "the shared Redis"
 * (TEST_REDIS_URL), so a Redis of the developer's own on 6379 is neither needed nor touched.
 */
export default async function globalSetup(): Promise<void> {
  const found = checkPrerequisites(process.env);
  if (found.problem !== undefined) {
    // Jest prints a failed global setup's stack: this one is the line itself.
    const stop = new Error(found.problem);
    stop.stack = found.problem;
    throw stop;
  }
  isolateFromDeveloperSettings();
  process.env.CHROMIUM_PATH = found.chromium;
  const redis = new OwnedRedisServer(await freePort());
  await redis.start();
  process.env.TEST_REDIS_URL = redis.url;
  (globalThis as Record<symbol, unknown>)[testRedisKey] = redis;
}
