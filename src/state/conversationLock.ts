import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisClient, type ScriptCommand, scriptCommand, stateCommand } from './redisClient';
import { redisKeyFor } from './redisKeys';

/** Where lock entries live: Redis for several instances, memory for one. */
export interface LockBackend {
  /** Takes the lock for `ttlMs` if nobody holds it; false when held by someone else. */
  tryAcquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Gives the lock `ttlMs` more if `token` still holds it; false when it expired or is someone else's now. */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Frees the lock only if `token` still holds it (an expired lock may belong to someone else now). */
  release(key: string, token: string): Promise<void>;
}

export interface LockTimings {
  /** How long a lock lives unless its holder renews it (every third of this) or releases it: a crashed holder's lock expires. */
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
  /**
   * True once a renewal found the lock expired or taken by another turn (this process stalled
   * longer than the TTL, or Redis could not be reached to renew it): the state this turn read may
   * be stale, and its save is refused if a later turn saved first.
   */
  readonly lost: boolean;
  /** Stops renewing and frees the lock. */
  release(): Promise<void>;
}

/**
 * One turn at a time per conversation: a lock per key with a random owner token and an expiry,
 * renewed while it is held, so a turn that takes longer than the TTL (a slow channel) keeps it.
 */
export class ConversationLock {
  constructor(
    private readonly backend: LockBackend,
    private readonly timings: LockTimings,
  ) {}

  /**
   * The held lock, or undefined when it could not be had within `waitMs`. The first attempt's command
   * is issued before this returns its promise, so whatever the caller issues next on the same
   * connection goes out behind it.
   */
  async acquire(key: string): Promise<HeldLock | undefined> {
    const token = randomUUID();
    const deadline = Date.now() + this.timings.waitMs;
    for (let waited = false; ; waited = true) {
      if (await this.backend.tryAcquire(key, token, this.timings.ttlMs)) return this.held(key, token, waited);
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(left, this.timings.retryMs * (0.5 + Math.random())));
    }
  }

  /** Renews every third of the TTL, so one late or failed renewal still leaves time for the next. */
  private held(key: string, token: string, waited: boolean): HeldLock {
    const { ttlMs } = this.timings;
    let lost = false;
    const renewal = setInterval(() => {
      this.backend.renew(key, token, ttlMs).then(
        (renewed) => {
          if (renewed) return;
          lost = true;
          clearInterval(renewal);
        },
        // Redis unreachable: the next renewal tries again; if the lock expires meanwhile, the save is fenced.
        () => undefined,
      );
    }, ttlMs / 3);
    renewal.unref();
    return {
      waited,
      get lost() {
        return lost;
      },
      release: () => {
        clearInterval(renewal);
        return this.backend.release(key, token);
      },
    };
  }
}

const releaseIfOwnerLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const renewIfOwnerLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** `SET key token NX PX ttl` to take, a Lua compare-and-expire to renew, a compare-and-delete to release. */
export class RedisLockBackend implements LockBackend {
  private readonly renewIfOwner: ScriptCommand;
  private readonly releaseIfOwner: ScriptCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {
    this.renewIfOwner = scriptCommand(redis, 'evbotLockRenew', 1, renewIfOwnerLua);
    this.releaseIfOwner = scriptCommand(redis, 'evbotLockRelease', 1, releaseIfOwnerLua);
  }

  async tryAcquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await stateCommand(this.redis, () => this.redis.set(this.redisKey(key), token, 'PX', ttlMs, 'NX'))) === 'OK';
  }

  async renew(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await stateCommand(this.redis, () => this.renewIfOwner(this.redisKey(key), token, ttlMs))) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await stateCommand(this.redis, () => this.releaseIfOwner(this.redisKey(key), token));
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

  async renew(key: string, token: string, ttlMs: number): Promise<boolean> {
    const current = this.held.get(key);
    if (current?.token !== token || current.expiresAt <= this.now()) return false;
    current.expiresAt = this.now() + ttlMs;
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.held.get(key)?.token === token) this.held.delete(key);
  }
}
