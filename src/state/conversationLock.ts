import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisClient, type ScriptCommand, scriptCommand } from './redisClient';
import { redisKeyFor } from './redisKeys';

/** Where lock entries live: Redis for several instances, memory for one. */
export interface LockBackend {
  /** Takes the lock for `ttlMs` if nobody holds it; false when held by someone else. */
  tryAcquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Frees the lock only if `token` still holds it (an expired lock may belong to someone else now). */
  release(key: string, token: string): Promise<void>;
}

export interface LockTimings {
  /** How long a lock lives if its holder never releases it (crash): longer than any turn. */
  readonly ttlMs: number;
  /** How long `acquire` keeps trying before giving up. */
  readonly waitMs: number;
  /** Pause between attempts (jittered, so waiters do not retry in lockstep). */
  readonly retryMs: number;
}

export interface HeldLock {
  /**
   * Whether the first attempt found the lock held by someone else. Commands sent on the lock's
   * connection right after `acquire` was called run after that first attempt: under the lock only
   * when it was not waited for.
   */
  readonly waited: boolean;
  release(): Promise<void>;
}

/** One turn at a time per conversation: a lock per key with a random owner token and an expiry. */
export class ConversationLock {
  constructor(private readonly backend: LockBackend, private readonly timings: LockTimings) {}

  /**
   * The held lock, or undefined when it could not be had within `waitMs`. The first attempt's command
   * is issued before this returns its promise, so whatever the caller issues next on the same
   * connection goes out behind it.
   */
  async acquire(key: string): Promise<HeldLock | undefined> {
    const token = randomUUID();
    const deadline = Date.now() + this.timings.waitMs;
    for (let waited = false; ; waited = true) {
      if (await this.backend.tryAcquire(key, token, this.timings.ttlMs)) {
        return { waited, release: () => this.backend.release(key, token) };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(left, this.timings.retryMs * (0.5 + Math.random())));
    }
  }
}

const releaseIfOwnerLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** `SET key token NX PX ttl` to take, a Lua compare-and-delete to release. */
export class RedisLockBackend implements LockBackend {
  private readonly releaseIfOwner: ScriptCommand;

  constructor(private readonly redis: RedisClient, private readonly keyPrefix: string) {
    this.releaseIfOwner = scriptCommand(redis, 'evbotLockRelease', 1, releaseIfOwnerLua);
  }

  async tryAcquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.redisKey(key), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(key: string, token: string): Promise<void> {
    await this.releaseIfOwner(this.redisKey(key), token);
  }

  private redisKey(key: string): string {
    return redisKeyFor(this.keyPrefix, 'lock', key);
  }
}

/** The same contract within one process, for running without Redis. */
export class MemoryLockBackend implements LockBackend {
  private readonly held = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async tryAcquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    const current = this.held.get(key);
    if (current && current.expiresAt > this.now()) return false;
    this.held.set(key, { token, expiresAt: this.now() + ttlMs });
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.held.get(key)?.token === token) this.held.delete(key);
  }
}
