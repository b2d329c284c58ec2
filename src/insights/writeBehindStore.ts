import type { Day } from './days';
import type { MisunderstoodEntry } from './events';
import type { Counters, DayFigures, InsightsStore } from './store';

interface Waiting {
  counters: Counters;
  misunderstood: MisunderstoodEntry[];
}

/**
 * An insights store written behind: what turns add is summed in memory and written to `inner`
 * once every `flushMs`, one write a day's counters (and one a misunderstood message), where each
 * turn was a Redis command of its own. A read, and the service's stop, write what is waiting
 * first. A crash loses at most the last `flushMs` of counts: aggregates, not records anyone relies on.
 */
export class WriteBehindInsightsStore implements InsightsStore {
  private waiting = new Map<Day, Waiting>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: InsightsStore,
    private readonly options: { flushMs: number; onFailure: (error: unknown) => void },
  ) {}

  async add(day: Day, counters: Counters, misunderstood?: MisunderstoodEntry): Promise<void> {
    let waiting = this.waiting.get(day);
    if (!waiting) this.waiting.set(day, (waiting = { counters: {}, misunderstood: [] }));
    for (const [name, by] of Object.entries(counters)) waiting.counters[name] = (waiting.counters[name] ?? 0) + by;
    if (misunderstood) waiting.misunderstood.push(misunderstood);
    this.timer ??= setTimeout(() => void this.flush().catch(this.options.onFailure), this.options.flushMs).unref();
  }

  async read(days: readonly Day[]): Promise<DayFigures[]> {
    await this.flush();
    return this.inner.read(days);
  }

  /** Writes what is waiting; what fails to be written is gone (the caller hears why). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = new Map();
    await Promise.all(
      [...waiting].flatMap(([day, { counters, misunderstood }]) => [
        Object.keys(counters).length > 0 ? this.inner.add(day, counters) : undefined,
        // In the order they came: the store keeps the newest first.
        ...misunderstood.map((entry) => this.inner.add(day, {}, entry)),
      ]),
    );
  }
}
