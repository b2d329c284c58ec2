import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { jsonToWriteOf, parseJsonObject, withReadJson } from './jsonObject';
import { type RedisClient, type ScriptCommand, scriptCommand, stateCommand } from './redisClient';
import { redisKeyFor } from './redisKeys';
import { ETagConflictError } from './stateErrors';

/** A state item bigger than the configured limit: refused before anything is written. */
export class StateItemTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
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
  /** The caller's item: it gets the new eTag once written. */
  readonly item: { eTag?: unknown };
  readonly redisKey: string;
  readonly expectedETag: string;
  readonly newETag: string;
  readonly json: string;
}

/**
 * botbuilder `Storage` on Redis. Each item is a hash `{eTag, data}` under
 * `prefix + "state:" + {conversation or user} + rest`, expiring `ttlSeconds` after its last write.
 * A write is all-or-nothing for the keys of one conversation or user (one Cluster slot); botbuilder
 * writes one key per call.
 *
 * A written item gets its new eTag (`item.eTag`), so its writer can write it again, fenced by it.
 * Redis being unreachable comes out as a `StateUnavailableError`. No keys read nothing and no
 * changes write nothing, as botbuilder's storage tests expect of `read(null)` and `write(null)`.
 *
 * An item whose data is not a JSON object (edited by hand, written by something else) would fail
 * every turn of its conversation until it expired. It is set aside instead, under
 * `<key>:unreadable:<eTag>` for an operator to look at, and reads as absent: the conversation
 * starts afresh.
 */
export class RedisStorage implements Storage {
  private readonly setAsideIfUnchanged: ScriptCommand;
  /** The compare-and-set for 1 to `maxKeysPerSlot` keys, at index `keyCount - 1`. */
  private readonly compareAndSetFor: ScriptCommand[];

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisStorageOptions,
  ) {
    this.setAsideIfUnchanged = scriptCommand(redis, 'evbotStateSetAside', 2, setAsideLua);
    this.compareAndSetFor = Array.from({ length: maxKeysPerSlot }, (_, i) => compareAndSetOf(redis, i + 1));
  }

  async read(keys: string[] | null | undefined): Promise<StoreItems> {
    if (!keys?.length) return {};
    const found = await stateCommand(this.redis, () =>
      Promise.all(keys.map((key) => this.redis.hmget(this.redisKey(key), 'eTag', 'data'))),
    );
    const items: StoreItems = {};
    const unreadable: Promise<void>[] = [];
    keys.forEach((key, i) => {
      const [eTag, data] = found[i];
      if (eTag === null || data === null) return;
      const fields = parseJsonObject(data);
      if (fields) items[key] = withReadJson({ ...fields, eTag }, data);
      else unreadable.push(this.setAside(key, eTag));
    });
    await Promise.all(unreadable);
    return items;
  }

  async write(changes: StoreItems | null | undefined): Promise<void> {
    const writes = Object.entries(changes ?? {}).map(([key, item]) => this.prepare(key, item));
    const bySlot = new Map<string, PreparedWrite[]>();
    for (const write of writes) {
      const hashTag = write.redisKey.slice(0, write.redisKey.indexOf('}') + 1);
      bySlot.set(hashTag, [...(bySlot.get(hashTag) ?? []), write]);
    }
    for (const [hashTag, group] of bySlot) {
      if (group.length > maxKeysPerSlot)
        throw new TypeError(`Storage: at most ${maxKeysPerSlot} items of ${hashTag} in one write; nothing was written.`);
    }
    await Promise.all([...bySlot.values()].map((group) => this.compareAndSet(group)));
  }

  async delete(keys: string[] | null | undefined): Promise<void> {
    if (!keys?.length) return;
    await stateCommand(this.redis, () => Promise.all(keys.map((key) => this.redis.del(this.redisKey(key)))));
  }

  private redisKey(key: string): string {
    return redisKeyFor(this.options.keyPrefix, 'state', key);
  }

  private async setAside(key: string, eTag: string): Promise<void> {
    const redisKey = this.redisKey(key);
    const setAside = await stateCommand(this.redis, () => this.setAsideIfUnchanged(redisKey, `${redisKey}:unreadable:${eTag}`, eTag));
    if (setAside) this.options.onSetAside?.(key, eTag);
  }

  private prepare(key: string, item: unknown): PreparedWrite {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw new TypeError(`Storage: item "${key}" must be an object; nothing was written.`);
    }
    const { eTag, ...data } = item as { eTag?: unknown };
    const json = jsonToWriteOf(item) ?? JSON.stringify(data);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.options.maxItemBytes) throw new StateItemTooLargeError(key, bytes, this.options.maxItemBytes);
    const expectedETag = typeof eTag === 'string' && eTag !== '*' ? eTag : '';
    return { key, item: item as { eTag?: unknown }, redisKey: this.redisKey(key), expectedETag, newETag: randomUUID(), json };
  }

  private async compareAndSet(group: PreparedWrite[]): Promise<void> {
    const args = group.flatMap((write) => [write.expectedETag, write.newETag, write.json]);
    const setIfCurrent = this.compareAndSetFor[group.length - 1];
    const conflict = await stateCommand(this.redis, () =>
      setIfCurrent(...group.map((write) => write.redisKey), this.options.ttlSeconds, ...args),
    );
    if (conflict > 0) throw new ETagConflictError(group[conflict - 1].key);
    for (const write of group) write.item.eTag = write.newETag;
  }
}

/** botbuilder writes one item per call; a conversation's state and its dialogs' would be two. */
const maxKeysPerSlot = 4;

/**
 * The script as a command for `keyCount` keys: one command per key count, so that its keys come
 * first. With the key count first, auto-pipelining on a Cluster batched saves of different
 * conversations for the wrong node, and they were refused. All are defined when the storage is
 * made (see `scriptCommand`).
 */
function compareAndSetOf(redis: RedisClient, keyCount: number): ScriptCommand {
  return scriptCommand(redis, `evbotStateCompareAndSet${keyCount}`, keyCount, compareAndSetLua);
}
