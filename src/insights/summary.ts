import type { Day } from './days';
import { type MisunderstoodEntry, procedureResults, ratingScores, stepOutcomes } from './events';
import type { Counters, DayFigures } from './store';

export interface StepFigures {
  step: string;
  /** What the support team calls it: the step's knowledge title (the id for a step no longer in content). */
  title: string;
  /** Asked at least once in a run. */
  reached: number;
  freed: number;
  stillStuck: number;
  skipped: number;
  triedBefore: number;
  handedOff: number;
  /** Reached but neither answered nor handed off there: the driver cancelled or stopped answering at this step. */
  left: number;
}

export interface ProcedureFigures {
  procedure: string;
  title: string;
  started: number;
  resolved: number;
  handedOff: number;
  cancelled: number;
  /** Led into another procedure ("which end?" answered), counted there from its start. */
  continued: number;
  /** Started and neither resolved, handed off nor continued: cancelled, or no answer any more (or still in progress). */
  abandoned: number;
  steps: StepFigures[];
}

export interface DailyFigures {
  day: Day;
  started: number;
  resolved: number;
  handedOff: number;
  containment: number | null;
  ratings: Record<string, number>;
  averageRating: number | null;
  misunderstood: number;
}

export interface InsightsSummary {
  days: number;
  from: Day;
  to: Day;
  procedures: ProcedureFigures[];
  ratings: Record<string, number>;
  averageRating: number | null;
  handoffs: Record<string, number>;
  /** Runs resolved without a person / runs started (continued ones counted once, where they ended); null with none. */
  containment: number | null;
  /** Counts by why, over the period. */
  misunderstoodCounts: Record<string, number>;
  /** The latest, newest first. */
  misunderstood: MisunderstoodEntry[];
  daily: DailyFigures[];
}

/** Each procedure's title and steps in content order, so the funnel lists every step, reached or not. */
export type ProcedureSteps = ReadonlyMap<string, { title: string; steps: readonly { id: string; title: string }[] }>;

/** Counters summed over days; `parts` of each name split on `|`. */
class Tally {
  private readonly totals = new Map<string, number>();

  constructor(counters: Counters[]) {
    for (const day of counters)
      for (const [name, value] of Object.entries(day)) this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }

  get(...parts: string[]): number {
    return this.totals.get(parts.join('|')) ?? 0;
  }

  /** The distinct values at position `index` of the names of `kind` whose leading parts are `prefix`. */
  ids(kind: string, index: number, ...prefix: string[]): string[] {
    const found = new Set<string>();
    for (const name of this.totals.keys()) {
      const parts = name.split('|');
      if (parts[0] === kind && prefix.every((p, i) => parts[i + 1] === p) && parts[index]) found.add(parts[index]);
    }
    return [...found];
  }

  /** `{ id: count }` for names `kind|id`. */
  byId(kind: string, ids: readonly string[] = this.ids(kind, 1)): Record<string, number> {
    return Object.fromEntries(ids.map((id) => [id, this.get(kind, id)]));
  }
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function averageOf(ratings: Record<string, number>): number | null {
  const count = Object.values(ratings).reduce((a, b) => a + b, 0);
  return ratio(
    Object.entries(ratings).reduce((sum, [score, n]) => sum + Number(score) * n, 0),
    count,
  );
}

/** Known ids first, in content order, then any others recorded (content since changed). */
const inOrder = (known: readonly string[], recorded: string[]) => [...known, ...recorded.filter((id) => !known.includes(id)).sort()];

function procedureFigures(tally: Tally, procedure: string, known: ProcedureSteps): ProcedureFigures {
  const knownSteps = known.get(procedure)?.steps ?? [];
  const titleOf = (step: string) => knownSteps.find((s) => s.id === step)?.title ?? step;
  const steps = inOrder(
    knownSteps.map((s) => s.id),
    [...tally.ids('reached', 2, procedure), ...tally.ids('outcome', 2, procedure), ...tally.ids('handedOffAt', 2, procedure)],
  );
  const ended = Object.fromEntries(procedureResults.map((result) => [result, tally.get('ended', procedure, result)])) as Record<
    (typeof procedureResults)[number],
    number
  >;
  const started = tally.get('started', procedure);
  const handedOff = tally.get('handedOff', procedure);
  return {
    procedure,
    title: known.get(procedure)?.title ?? procedure,
    started,
    resolved: ended.resolved,
    handedOff,
    cancelled: ended.cancelled,
    continued: ended.continued,
    abandoned: Math.max(0, started - ended.resolved - handedOff - ended.continued),
    steps: steps.map((step) => {
      const outcome = Object.fromEntries(stepOutcomes.map((o) => [o, tally.get('outcome', procedure, step, o)])) as Record<
        (typeof stepOutcomes)[number],
        number
      >;
      const reached = tally.get('reached', procedure, step);
      const handedOffHere = tally.get('handedOffAt', procedure, step);
      return {
        step,
        title: titleOf(step),
        reached,
        freed: outcome.freed,
        stillStuck: outcome.still_stuck,
        skipped: outcome.skipped,
        triedBefore: outcome.tried_before,
        handedOff: handedOffHere,
        left: Math.max(0, reached - outcome.freed - outcome.still_stuck - handedOffHere),
      };
    }),
  };
}

function containmentOf(procedures: ProcedureFigures[]): number | null {
  const sum = (pick: (p: ProcedureFigures) => number) => procedures.reduce((total, p) => total + pick(p), 0);
  return ratio(
    sum((p) => p.resolved),
    sum((p) => p.started - p.continued),
  );
}

/** The figures `GET /api/insights` answers, from the stored days (oldest first). */
export function summarise(figures: DayFigures[], procedureSteps: ProcedureSteps, misunderstoodLimit: number): InsightsSummary {
  const figuresOf = (tally: Tally) => {
    const procedures = inOrder([...procedureSteps.keys()], tally.ids('started', 1)).map((p) => procedureFigures(tally, p, procedureSteps));
    const ratings = tally.byId('rating', ratingScores);
    return { procedures, ratings, averageRating: averageOf(ratings), containment: containmentOf(procedures) };
  };
  const total = new Tally(figures.map((f) => f.counters));
  const overall = figuresOf(total);
  return {
    days: figures.length,
    from: figures[0]?.day ?? '',
    to: figures.at(-1)?.day ?? '',
    ...overall,
    handoffs: total.byId('handoff'),
    misunderstoodCounts: total.byId('misunderstood'),
    misunderstood: figures
      .flatMap((f) => f.misunderstood)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, misunderstoodLimit),
    daily: figures.map(({ day, counters }) => {
      const tally = new Tally([counters]);
      const { procedures, ratings, averageRating, containment } = figuresOf(tally);
      const sum = (pick: (p: ProcedureFigures) => number) => procedures.reduce((n, p) => n + pick(p), 0);
      return {
        day,
        started: sum((p) => p.started - p.continued),
        resolved: sum((p) => p.resolved),
        handedOff: Object.values(tally.byId('handoff')).reduce((a, b) => a + b, 0),
        containment,
        ratings,
        averageRating,
        misunderstood: Object.values(tally.byId('misunderstood')).reduce((a, b) => a + b, 0),
      };
    }),
  };
}
