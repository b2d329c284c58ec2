import { dayOf, lastDays } from '../../src/insights/days';
import type { MisunderstoodEntry } from '../../src/insights/events';
import { type InsightsStore, misunderstoodPerDay } from '../../src/insights/store';

const dayMs = 24 * 3600 * 1000;
export const daysAgo = (n: number) => dayOf(new Date(Date.now() - n * dayMs));

export function misunderstoodEntry(text: string, at: string): MisunderstoodEntry {
  return { at, conversation: 'abc', text, stage: 'start', topLabels: [{ intent: 'out_of_scope', confidence: 0.4 }], why: 'not_recognised' };
}

/** What every InsightsStore does, in memory or in Redis (single server or Cluster). */
export function insightsStoreContract(make: (retentionDays: number) => InsightsStore): void {
  test('adds counters per day and reads each day asked, empty days empty', async () => {
    const store = make(30);
    await store.add(daysAgo(0), { 'started|stuck_in_car': 1, 'rating|5': 1 });
    await store.add(daysAgo(0), { 'started|stuck_in_car': 1 });
    await store.add(daysAgo(1), { 'handoff|pin_damaged': 2 });
    const [yesterday, today, tomorrowOfNothing] = await store.read([daysAgo(1), daysAgo(0), daysAgo(5)]);
    expect(today).toEqual({ day: daysAgo(0), counters: { 'started|stuck_in_car': 2, 'rating|5': 1 }, misunderstood: [] });
    expect(yesterday.counters).toEqual({ 'handoff|pin_damaged': 2 });
    expect(tomorrowOfNothing).toEqual({ day: daysAgo(5), counters: {}, misunderstood: [] });
  });

  test('keeps the misunderstood messages of a day newest first, at most misunderstoodPerDay', async () => {
    const store = make(30);
    const day = daysAgo(0);
    for (let i = 0; i < misunderstoodPerDay + 3; i++)
      await store.add(day, { 'misunderstood|not_recognised': 1 }, misunderstoodEntry(`message ${i}`, new Date().toISOString()));
    const [figures] = await store.read([day]);
    expect(figures.counters['misunderstood|not_recognised']).toBe(misunderstoodPerDay + 3);
    expect(figures.misunderstood).toHaveLength(misunderstoodPerDay);
    expect(figures.misunderstood[0].text).toBe(`message ${misunderstoodPerDay + 2}`);
    expect(figures.misunderstood.at(-1)!.text).toBe('message 3');
  });

  test('forgets a day once the retention has passed since it began: with 2 days, today and yesterday are kept', async () => {
    const store = make(2);
    for (const ago of [0, 1, 2, 3])
      await store.add(daysAgo(ago), { 'started|power_cut': ago + 1 }, misunderstoodEntry(`from ${ago} days ago`, new Date().toISOString()));
    const figures = await store.read(lastDays(new Date(), 4));
    expect(figures.map((f) => f.counters['started|power_cut'] ?? 0)).toEqual([0, 0, 2, 1]);
    expect(figures.map((f) => f.misunderstood.length)).toEqual([0, 0, 1, 1]);
  });
}
