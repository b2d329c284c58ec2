import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeysUnder } from '#service/state/redisKeys';
import { type Conversation, LoadDriver, type LoadResult, percentile } from './loadDriver';
import { type TargetName, type TargetReport, type TargetRequest, targetNames } from './targetProtocol';

/** A driver's release conversation: greeting, the problem, two failed steps, success, a rating. */
export const releaseConversation = [
  'hello',
  'my charging cable is stuck in the car',
  'No, still stuck',
  'No, still stuck',
  "Yes, it's out",
  '5',
] as const;

export interface BenchmarkOptions {
  /** Conversations per target in each full-speed round. */
  conversations: number;
  /** Conversations in flight at once at full speed. */
  concurrency: number;
  /** Full-speed rounds, the targets taking turns in each. */
  rounds: number;
  /** How long to hold half of the target's maximum rate. */
  halfRateSeconds: number;
  /** Conversations of the memory run (service with Redis); 0 skips it. */
  memoryConversations: number;
  /** Unset: the Redis target is skipped. */
  redisUrl?: string;
}

export interface TargetResult {
  target: string;
  /** The median full-speed round. */
  max: Summary;
  /**
   * Each round's turns per second over the baseline's in the same round, in order: pairs measured
   * seconds apart, so that a slow spell of the machine (CPU steal) falls on both alike.
   */
  roundRatios: number[];
  /** The median of `roundRatios`. */
  ofBaseline: number;
  halfRate: Summary;
}

export interface Summary {
  turns: number;
  errors: number;
  firstError?: string;
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface BenchmarkResult {
  targets: TargetResult[];
  /** Resident memory (MB) after each tenth of the memory run. */
  rssMb: number[];
}

function summarise(result: LoadResult): Summary {
  return {
    turns: result.turns,
    errors: result.errors,
    firstError: result.firstError,
    turnsPerSecond: result.turns / result.seconds,
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
  };
}

function* conversations(prefix: string, count = Infinity): Iterator<Conversation> {
  for (let n = 0; n < count; n += 1) yield { id: `${prefix}-${n}`, messages: releaseConversation };
}

/** A target running in its own process (`targetProcess.ts`), and the driver that loads it. */
class RunningTarget {
  readonly rounds: Summary[] = [];
  /** Answers to `rss`, in the order they were asked. */
  private readonly awaitingRss: ((mb: number) => void)[] = [];

  private constructor(
    readonly name: TargetName,
    private readonly child: ChildProcess,
    readonly driver: LoadDriver,
  ) {
    child.on('message', (report: TargetReport) => {
      if ('rssMb' in report) this.awaitingRss.shift()?.(report.rssMb);
    });
  }

  static async start(name: TargetName, concurrency: number, env: Record<string, string>): Promise<RunningTarget> {
    const child = fork(path.join(__dirname, 'targetProcess.js'), [name], {
      env: { ...process.env, ...env },
      execArgv: ['--disable-warning=DEP0111'],
    });
    const [report] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [{ port: 0 }])])) as [TargetReport];
    if (!('port' in report) || report.port === 0) throw new Error(`bench target "${name}" did not start`);
    return new RunningTarget(name, child, new LoadDriver(new URL(`http://127.0.0.1:${report.port}/api/messages`), concurrency));
  }

  rssMb(): Promise<number> {
    return new Promise((resolve) => {
      this.awaitingRss.push(resolve);
      this.child.send('rss' satisfies TargetRequest);
    });
  }

  async stop(): Promise<void> {
    this.driver.close();
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send('stop' satisfies TargetRequest);
    await exited;
  }
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * Drives every target, each in its own process, with the same conversations through
 * `/api/messages`: as fast as each answers, in rounds where the targets take turns; then each at
 * half its median round's rate; then a long run of the Redis target watching its resident memory.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const redisKeyPrefix = `bench-${randomUUID().slice(0, 8)}:`;
  const run = randomUUID().slice(0, 8);
  const running: RunningTarget[] = [];
  const rssMb: number[] = [];
  const { concurrency } = options;
  try {
    for (const name of targetNames) {
      if (name === 'service, Redis' && !options.redisUrl) continue;
      const env: Record<string, string> = options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix } : {};
      const target = await RunningTarget.start(name, concurrency, env);
      running.push(target);
      await target.driver.closedLoop(conversations(`warmup-${run}`, Math.min(50, options.conversations)), concurrency);
    }
    for (let round = 0; round < options.rounds; round += 1) {
      for (const target of running)
        target.rounds.push(
          summarise(await target.driver.closedLoop(conversations(`max-${run}-${round}`, options.conversations), concurrency)),
        );
    }
    const results: TargetResult[] = [];
    const baselineRounds = running[0]!.rounds;
    for (const target of running) {
      const turnsPerSecond = target.rounds.map((r) => r.turnsPerSecond);
      const max = target.rounds.find((r) => r.turnsPerSecond === median(turnsPerSecond))!;
      const roundRatios = turnsPerSecond.map((tps, round) => tps / baselineRounds[round]!.turnsPerSecond);
      const perSecond = Math.max(0.5, max.turnsPerSecond / 2 / releaseConversation.length);
      const halfRate = summarise(await target.driver.openLoop(conversations(`half-${run}`), perSecond, options.halfRateSeconds));
      results.push({ target: target.name, max, roundRatios, ofBaseline: median(roundRatios), halfRate });

      if (target.name === 'service, Redis' && options.memoryConversations > 0) {
        const tenth = Math.max(1, Math.floor(options.memoryConversations / 10));
        const samples: Promise<number>[] = [];
        await target.driver.closedLoop(conversations(`memory-${run}`, options.memoryConversations), concurrency, (done) => {
          if (done % tenth === 0) samples.push(target.rssMb());
        });
        rssMb.push(...(await Promise.all(samples)));
      }
    }
    return { targets: results, rssMb };
  } finally {
    await Promise.all(running.map((target) => target.stop()));
    if (options.redisUrl) await deleteKeys(options.redisUrl, redisKeyPrefix);
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export function formatBenchmark(result: BenchmarkResult, options: BenchmarkOptions): string {
  const rows = result.targets.map((t) =>
    [
      t.target.padEnd(20),
      `${t.max.turnsPerSecond.toFixed(0).padStart(7)} turns/s`,
      `p50 ${ms(t.max.p50Ms).padStart(9)}`,
      `p99 ${ms(t.max.p99Ms).padStart(9)}`,
      `x${t.ofBaseline.toFixed(2)} of baseline (rounds ${Math.min(...t.roundRatios).toFixed(2)}-${Math.max(...t.roundRatios).toFixed(2)})`,
      `| at ${t.halfRate.turnsPerSecond.toFixed(0)} turns/s: p50 ${ms(t.halfRate.p50Ms)}, p99 ${ms(t.halfRate.p99Ms)}`,
      t.max.errors + t.halfRate.errors
        ? `| ${t.max.errors + t.halfRate.errors} errors, first: ${t.max.firstError ?? t.halfRate.firstError}`
        : '',
    ].join('  '),
  );
  const memory = result.rssMb.length
    ? [
        `resident memory over ${options.memoryConversations} conversations (service, Redis), MB: ${result.rssMb.map((mb) => mb.toFixed(0)).join(' ')}`,
      ]
    : [];
  return [
    `${options.rounds} rounds of ${options.conversations} conversations of ${releaseConversation.length} turns per target, ${options.concurrency} at once (the median round, and the median of the rounds' ratios); then half of each one's rate for ${options.halfRateSeconds} s`,
    ...rows,
    ...memory,
  ].join('\n');
}
