import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { parseJsonObject } from './jsonObject';
import { type RedisClient, type ScriptCommand, scriptCommand } from './redisClient';
import { redisKeyFor } from './redisKeys';

/** A write whose eTag is no longer the stored one: someone else wrote first, nothing was written. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/** A state item bigger than the configured limit: refused before anything is written. */
export class StateItemTooLargeError extends Error {
  constructor(readonly key: string, readonly bytes: number, readonly maxBytes: number) {
    super(`Storage: item "${key}" is ${bytes} bytes, over the ${maxBytes}-byte limit (STATE_MAX_ITEM_BYTES); nothing was written.`);
    this.name = 'StateItemTooLargeError';
  }
}

export interface RedisStorageOptions {
  readonly keyPrefix: string;
  readonly ttlSeconds: number;
  readonly maxItemBytes: number;
  /** Told of each unreadable item set aside: its key, and the eTag that ends its new Redis key. */
  readonly onSetAside?: (key: string, eTag: string) => void;
}

/**
 * Compare-and-set for the keys of one slot. Every eTag is checked before anything is written, so a
 * conflict writes nothing; an empty expected eTag (botbuilder's `*` or none) writes unconditionally,
 * and so does an eTag for a key that does not exist (as botbuilder's MemoryStorage does).
 * KEYS: the items. ARGV[1]: TTL seconds; then, per key, expected eTag, new eTag, JSON.
 * Returns 0, or the 1-based index of the first conflicting key.
 */
const compareAndSetLua = `
for i, key in ipairs(KEYS) do
  local expected = ARGV[i * 3 - 1]
  if expected ~= '' then
    local current = redis.call('HGET', key, 'eTag')
    if current and current ~= expected then return i end
  end
end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'eTag', ARGV[i * 3], 'data', ARGV[i * 3 + 1])
  redis.call('EXPIRE', key, ARGV[1])
end
return 0
`;

/**
 * Renames an unreadable item aside, if it is still the version that was read (same eTag): a turn
 * that has since written the conversation afresh is not undone. RENAME keeps the TTL.
 * KEYS: the item, its new name (same hash tag, same slot). ARGV[1]: the eTag read.
 */
const setAsideLua = `
if redis.call('HGET', KEYS[1], 'eTag') ~= ARGV[1] then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
return 1
`;


interface PreparedWrite {
  readonly key: string;
  readonly redisKey: string;
  readonly expectedETag: string;
  readonly json: string;
}

/**
 * botbuilder `Storage` on Redis. Each item is a hash `{eTag, data}` under
 * `prefix + "state:" + {conversation or user} + rest`, expiring `ttlSeconds` after its last write.
 * A write is all-or-nothing for the keys of one conversation or user (one Cluster slot); botbuilder
 * writes one key per call.
 *
 * An item whose data is not a JSON object (edited by hand, written by something else) would fail
 * every turn of its conversation until it expired. It is set aside instead, under
 * `<key>:unreadable:<eTag>` for an operator to look at, and reads as absent: the conversation
 * starts afresh.
 */
export class RedisStorage implements Storage {
  private readonly setAsideIfUnchanged: ScriptCommand;

  constructor(private readonly redis: RedisClient, private readonly options: RedisStorageOptions) {
    this.setAsideIfUnchanged = scriptCommand(redis, 'evbotStateSetAside', 2, setAsideLua);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const found = await Promise.all(keys.map((key) => this.redis.hmget(this.redisKey(key), 'eTag', 'data')));
    const items: StoreItems = {};
    const unreadable: Promise<void>[] = [];
    keys.forEach((key, i) => {
      const [eTag, data] = found[i];
      if (eTag === null || data === null) return;
      const fields = parseJsonObject(data);
      if (fields) items[key] = { ...fields, eTag };
      else unreadable.push(this.setAside(key, eTag));
    });
    await Promise.all(unreadable);
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const writes = Object.entries(changes).map(([key, item]) => this.prepare(key, item));
    const bySlot = new Map<string, PreparedWrite[]>();
    for (const write of writes) {
      const hashTag = write.redisKey.slice(0, write.redisKey.indexOf('}') + 1);
      bySlot.set(hashTag, [...(bySlot.get(hashTag) ?? []), write]);
    }
    await Promise.all([...bySlot.values()].map((group) => this.compareAndSet(group)));
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.redis.del(this.redisKey(key))));
  }

  private redisKey(key: string): string {
    return redisKeyFor(this.options.keyPrefix, 'state', key);
  }

  private async setAside(key: string, eTag: string): Promise<void> {
    const redisKey = this.redisKey(key);
    if (await this.setAsideIfUnchanged(redisKey, `${redisKey}:unreadable:${eTag}`, eTag)) this.options.onSetAside?.(key, eTag);
  }

  private prepare(key: string, item: unknown): PreparedWrite {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw new TypeError(`Storage: item "${key}" must be an object; nothing was written.`);
    }
    const { eTag, ...data } = item as { eTag?: unknown };
    const json = JSON.stringify(data);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.options.maxItemBytes) throw new StateItemTooLargeError(key, bytes, this.options.maxItemBytes);
    const expectedETag = typeof eTag === 'string' && eTag !== '*' ? eTag : '';
    return { key, redisKey: this.redisKey(key), expectedETag, json };
  }

  private async compareAndSet(group: PreparedWrite[]): Promise<void> {
    const args = group.flatMap((write) => [write.expectedETag, randomUUID(), write.json]);
    const conflict = await this.compareAndSetOf(group.length)(...group.map((write) => write.redisKey), this.options.ttlSeconds, ...args);
    if (conflict > 0) throw new ETagConflictError(group[conflict - 1].key);
  }

  /**
   * The script as a command for `keyCount` keys (botbuilder writes one): one command per key count,
   * so that its keys come first. With the key count first, auto-pipelining on a Cluster batched saves
   * of different conversations for the wrong node, and they were refused.
   */
  private compareAndSetOf(keyCount: number): ScriptCommand {
    return scriptCommand(this.redis, `evbotStateCompareAndSet${keyCount}`, keyCount, compareAndSetLua);
  }
}
