import type { OwnedRedisServer } from '../state/redisTestKit';
import { testRedisKey } from './globalSetup';

/** Stops the private Redis of the run and deletes its files. */
export default async function globalTeardown(): Promise<void> {
  await ((globalThis as Record<symbol, unknown>)[testRedisKey] as OwnedRedisServer | undefined)?.remove();
}
