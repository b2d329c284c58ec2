/** The insights count by UTC day: `2026-11-25`. */
export type Day = string;

const dayMs = 24 * 3600 * 1000;

export function dayOf(at: Date): Day {
  return at.toISOString().slice(0, 10);
}

/** `count` days ending with the day of `now`, oldest first. */
export function lastDays(now: Date, count: number): Day[] {
  return Array.from({ length: count }, (_, i) => dayOf(new Date(now.getTime() - (count - 1 - i) * dayMs)));
}

/**
 * When a day's figures are forgotten: `retentionDays` days after it began, so that there are always
 * that many days, today included.
 */
export function expiryOf(day: Day, retentionDays: number): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + retentionDays * dayMs);
}
