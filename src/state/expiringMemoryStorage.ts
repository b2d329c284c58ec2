import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';

/**
 * botbuilder's MemoryStorage, except that an item nobody has written for `ttlSeconds` is forgotten,
 * as RedisStorage forgets it (CONVERSATION_TTL_SECONDS). MemoryStorage alone keeps every
 * conversation it ever saw, so a long-running instance without Redis would grow without bound.
 */
export class ExpiringMemoryStorage implements Storage {
  private readonly items = new MemoryStorage();
  /** When each key expires. A write moves its key to the end, so the Map runs from first to last to expire. */
  private readonly expiresAt = new Map<string, number>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    await this.forgetExpired();
    return this.items.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    await this.forgetExpired();
    try {
      await this.items.write(changes);
    } finally {
      // Also after an eTag conflict: keys written before the conflicting one must expire too.
      const expiry = this.now() + this.ttlSeconds * 1000;
      for (const key of Object.keys(changes)) {
        this.expiresAt.delete(key);
        this.expiresAt.set(key, expiry);
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.items.delete(keys);
    for (const key of keys) this.expiresAt.delete(key);
  }

  private async forgetExpired(): Promise<void> {
    const expired: string[] = [];
    for (const [key, expiry] of this.expiresAt) {
      if (expiry > this.now()) break;
      expired.push(key);
    }
    if (expired.length > 0) await this.delete(expired);
  }
}
