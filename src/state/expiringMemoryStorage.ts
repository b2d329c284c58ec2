import type { Storage, StoreItems } from 'botbuilder';
import { jsonToWriteOf, withReadJson } from './jsonObject';
import { ETagConflictError } from './stateErrors';

interface StoredItem {
  /** The item without its eTag: every read gets a copy of its own. */
  readonly json: string;
  readonly eTag: string;
  readonly expiresAt: number;
}

/**
 * botbuilder's Storage in this process, with RedisStorage's semantics: an item nobody has written
 * for `ttlSeconds` is forgotten (CONVERSATION_TTL_SECONDS; botbuilder's MemoryStorage keeps every
 * conversation it ever saw, so a long-running instance would grow without bound), a write checks
 * every eTag before writing anything (`*` or none writes unconditionally, and so does any eTag for
 * an item not stored), a stale one is refused with an `ETagConflictError`, and a written item gets
 * its new eTag, so its writer can write it again, fenced by it.
 */
export class ExpiringMemoryStorage implements Storage {
  /** A write moves its key to the end, so the Map runs from first to last to expire. */
  private readonly items = new Map<string, StoredItem>();
  private writes = 0;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    this.forgetExpired();
    const found: StoreItems = {};
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) found[key] = withReadJson({ ...JSON.parse(item.json), eTag: item.eTag }, item.json);
    }
    return found;
  }

  async write(changes: StoreItems): Promise<void> {
    this.forgetExpired();
    const entries = Object.entries(changes) as [string, { eTag?: unknown }][];
    for (const [key, item] of entries) {
      const expected = item.eTag;
      const stored = this.items.get(key);
      if (stored && typeof expected === 'string' && expected !== '*' && expected !== '' && expected !== stored.eTag)
        throw new ETagConflictError(key);
    }
    const expiresAt = this.now() + this.ttlSeconds * 1000;
    for (const [key, item] of entries) {
      const { eTag: _expected, ...data } = item;
      const eTag = String(++this.writes);
      this.items.delete(key);
      this.items.set(key, { json: jsonToWriteOf(item) ?? JSON.stringify(data), eTag, expiresAt });
      item.eTag = eTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }

  private forgetExpired(): void {
    for (const [key, item] of this.items) {
      if (item.expiresAt > this.now()) break;
      this.items.delete(key);
    }
  }
}
