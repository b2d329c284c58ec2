import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationLock, type LockBackend } from '../../src/state/conversationLock';

/** Blocks this process for `ms`, as a long GC pause or a frozen VM does: no timer (no renewal) runs meanwhile. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/** The lock's promises, for any backend: exclusion, expiry, renewal, owner-only release, bounded wait. */
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
    const again = await lock.acquire(key);
    expect(again).toBeDefined();
    await again!.release();
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
    await other!.release();
  });

  test('a lock whose holder died (it neither renews nor releases) expires', async () => {
    await backend.tryAcquire(key, 'a holder that crashed', 50);
    const next = await new ConversationLock(backend, { ...timings, waitMs: 2_000 }).acquire(key);
    expect(next).toBeDefined();
    await next!.release();
  });

  test('a held lock is renewed while its turn runs: it outlives its TTL, and is not lost', async () => {
    const lock = new ConversationLock(backend, { ...timings, ttlMs: 150 });
    const held = await lock.acquire(key);
    await sleep(500);
    expect(await lock.acquire(key)).toBeUndefined();
    expect(held!.lost).toBe(false);
    await held!.release();
    const next = await lock.acquire(key);
    expect(next).toBeDefined();
    await next!.release();
  });

  test('a holder that stalled beyond the TTL finds its lock taken by another turn and reports it lost', async () => {
    const lock = new ConversationLock(backend, { ...timings, ttlMs: 150 });
    const held = await lock.acquire(key);
    stall(300);
    // Sent before the stalled holder's renewal can run, as another instance would.
    expect(await backend.tryAcquire(key, 'the next turn', 5_000)).toBe(true);
    await sleep(200);
    expect(held!.lost).toBe(true);
    await held!.release();
    expect(await lock.acquire(key)).toBeUndefined();
  });

  test('only the owner releases: a late release after expiry leaves the new holder in place', async () => {
    await backend.tryAcquire(key, 'expired holder', 50);
    const current = await new ConversationLock(backend, { ...timings, waitMs: 2_000 }).acquire(key);
    expect(current).toBeDefined();
    await backend.release(key, 'expired holder');
    expect(await new ConversationLock(backend, { ...timings, waitMs: 20 }).acquire(key)).toBeUndefined();
    await current!.release();
  });

  test('a waiting turn gets the lock as soon as it is released within the wait', async () => {
    const lock = new ConversationLock(backend, { ...timings, waitMs: 2_000 });
    const first = await lock.acquire(key);
    const waiting = lock.acquire(key);
    await sleep(30);
    await first!.release();
    const next = await waiting;
    expect(next).toBeDefined();
    await next!.release();
  });
}
