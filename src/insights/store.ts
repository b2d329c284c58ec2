import type { Day } from './days';
import { expiryOf } from './days';
import type { MisunderstoodEntry } from './events';

/** Counter name -> how much to add; see `countersOf`. */
export type Counters = Record<string, number>;

/** One day as stored: its counters and its misunderstood messages, newest first. */
export interface DayFigures {
  day: Day;
  counters: Counters;
  misunderstood: MisunderstoodEntry[];
}

/**
 * Per-day aggregates: a bounded set of counters and a capped list of misunderstood messages per
 * UTC day, each day forgotten `retentionDays` after it began. Reads cost the number of days asked,
 * never the number of conversations.
 */
export interface InsightsStore {
  add(day: Day, counters: Counters, misunderstood?: MisunderstoodEntry): Promise<void>;
  /** The figures of `days`, in the order given; a day with nothing recorded (or forgotten) is empty. */
  read(days: readonly Day[]): Promise<DayFigures[]>;
}

/** Misunderstood messages kept per day; older ones of that day make room. */
export const misunderstoodPerDay = 500;

/** The insights of one process, for running without Redis: same retention, lost on restart. */
export class MemoryInsightsStore implements InsightsStore {
  private readonly days = new Map<Day, DayFigures>();

  constructor(private readonly options: { retentionDays: number }) {}

  async add(day: Day, counters: Counters, misunderstood?: MisunderstoodEntry): Promise<void> {
    this.forgetExpired();
    if (this.isExpired(day)) return;
    let figures = this.days.get(day);
    if (!figures) this.days.set(day, (figures = { day, counters: {}, misunderstood: [] }));
    for (const [name, by] of Object.entries(counters)) figures.counters[name] = (figures.counters[name] ?? 0) + by;
    if (misunderstood) {
      figures.misunderstood.unshift(misunderstood);
      figures.misunderstood.length = Math.min(figures.misunderstood.length, misunderstoodPerDay);
    }
  }

  async read(days: readonly Day[]): Promise<DayFigures[]> {
    this.forgetExpired();
    return days.map((day) => structuredClone(this.days.get(day)) ?? { day, counters: {}, misunderstood: [] });
  }

  private isExpired(day: Day): boolean {
    return expiryOf(day, this.options.retentionDays) <= new Date();
  }

  private forgetExpired(): void {
    for (const day of this.days.keys()) if (this.isExpired(day)) this.days.delete(day);
  }
}
