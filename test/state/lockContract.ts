import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationLock, type LockBackend } from '../../src/state/conversationLock';

/** The lock's promises, for any backend: exclusion, expiry, owner-only release, bounded wait. */
export function lockContract(backendUnderTest: () => LockBackend, conversation: () => string): void {
  const timings = { ttlMs: 5_000, waitMs: 200, retryMs: 5 };
  let backend: LockBackend;
  let key: string;
  beforeEach(() => {
    backend = backendUnderTest();
    key = conversation();
  });

  test('a held lock cannot be taken by another turn', async () => {
    const lock = new ConversationLock(backend, timings);
    const first = await lock.acquire(key);
    expect(first).toBeDefined();
    expect(await lock.acquire(key)).toBeUndefined();
    await first!.release();
    expect(await lock.acquire(key)).toBeDefined();
  });

  test('turns of one conversation never overlap; turns of another conversation are not held up', async () => {
    const lock = new ConversationLock(backend, { ...timings, waitMs: 4_000 });
    let inside = 0;
    let mostInside = 0;
    const turn = async () => {
      const held = await lock.acquire(key);
      if (!held) throw new Error('lock not had within the wait');
      inside++;
      mostInside = Math.max(mostInside, inside);
      await sleep(2);
      inside--;
      await held.release();
    };
    const other = await lock.acquire(`${key}-other`);
    await Promise.all(Array.from({ length: 10 }, turn));
    expect(mostInside).toBe(1);
    expect(other).toBeDefined();
  });

  test('a lock whose holder never releases it expires', async () => {
    const lock = new ConversationLock(backend, { ...timings, ttlMs: 50, waitMs: 2_000 });
    await lock.acquire(key);
    expect(await lock.acquire(key)).toBeDefined();
  });

  test('only the owner releases: a late release after expiry leaves the new holder in place', async () => {
    const shortLived = new ConversationLock(backend, { ...timings, ttlMs: 50, waitMs: 2_000 });
    const expired = await shortLived.acquire(key);
    const current = await new ConversationLock(backend, { ...timings, waitMs: 2_000 }).acquire(key);
    expect(current).toBeDefined();
    await expired!.release();
    expect(await new ConversationLock(backend, { ...timings, waitMs: 20 }).acquire(key)).toBeUndefined();
  });

  test('a waiting turn gets the lock as soon as it is released within the wait', async () => {
    const lock = new ConversationLock(backend, { ...timings, waitMs: 2_000 });
    const first = await lock.acquire(key);
    const waiting = lock.acquire(key);
    await sleep(30);
    await first!.release();
    expect(await waiting).toBeDefined();
  });
}
