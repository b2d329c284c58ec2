/**
 * Values made once per key and kept, at most `limit` of them (the oldest let go beyond it). A make
 * that fails is not kept, so the next call tries again. For clients that are costly to build and
 * safe to share between turns.
 */
export class KeptByKey<T> {
  private readonly kept = new Map<string, Promise<T>>();

  constructor(private readonly limit: number) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const found = this.kept.get(key);
    if (found) return found;
    const made = make();
    this.kept.set(key, made);
    if (this.kept.size > this.limit) this.kept.delete(this.kept.keys().next().value as string);
    made.catch(() => {
      if (this.kept.get(key) === made) this.kept.delete(key);
    });
    return made;
  }

  get size(): number {
    return this.kept.size;
  }
}
