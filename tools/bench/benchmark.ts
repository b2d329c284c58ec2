import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '#service/config';
import { buildService } from '#service/index';
import { createLogger } from '#service/logger';
import type { HttpService } from '#service/server';
import { deleteKeysUnder } from '#service/state/redisKeys';
import { echoBotService } from './echoBot';
import { type Conversation, LoadDriver, type LoadResult, percentile } from './loadDriver';

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
  /** Conversations per target at full speed. */
  conversations: number;
  /** Conversations in flight at once at full speed. */
  concurrency: number;
  /** How long to hold half of the target's maximum rate. */
  halfRateSeconds: number;
  /** Conversations of the memory run (service with Redis); 0 skips it. */
  memoryConversations: number;
  /** Unset: the Redis target is skipped. */
  redisUrl?: string;
}

export interface TargetResult {
  target: string;
  max: Summary;
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

function* conversations(prefix: string): Iterator<Conversation> {
  for (let n = 0; ; n += 1) yield { id: `${prefix}-${n}`, messages: releaseConversation };
}

function* limited(source: Iterator<Conversation>, count: number): Iterator<Conversation> {
  for (let n = 0; n < count; n += 1) {
    const next = source.next();
    if (next.done) return;
    yield next.value;
  }
}

interface Target {
  name: string;
  start(): { http: HttpService; stop(): Promise<void> };
}

function targets(options: BenchmarkOptions, redisKeyPrefix: string): Target[] {
  const logger = createLogger({ env: 'test', logLevel: 'silent' });
  // The per-conversation limit would throttle the load itself; everything else is as deployed.
  const configWith = (env: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_CONVERSATION_TURNS: '1000000', ...env });
  const serviceWith = (env: Record<string, string>) => () => {
    const service = buildService(configWith(env), logger);
    return { http: service.http, stop: () => service.stop() };
  };
  const list: Target[] = [
    {
      name: 'baseline echo bot',
      start: () => {
        const http = echoBotService(logger, configWith({}));
        return { http, stop: () => http.shutdown() };
      },
    },
    { name: 'service, memory', start: serviceWith({}) },
  ];
  if (options.redisUrl)
    list.push({ name: 'service, Redis', start: serviceWith({ REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix }) });
  return list;
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/**
 * Drives each target in turn with the same conversations through `/api/messages`: first as fast as
 * it answers, then at half that rate; then a long run of the Redis target watching resident memory.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const redisKeyPrefix = `bench-${randomUUID().slice(0, 8)}:`;
  const results: TargetResult[] = [];
  const rssMb: number[] = [];
  try {
    for (const target of targets(options, redisKeyPrefix)) {
      const running = target.start();
      const port = await running.http.listen(0, '127.0.0.1');
      const driver = new LoadDriver(new URL(`http://127.0.0.1:${port}/api/messages`), options.concurrency);
      try {
        const run = randomUUID().slice(0, 8);
        await driver.closedLoop(limited(conversations(`warmup-${run}`), Math.min(50, options.conversations)), options.concurrency);
        const max = summarise(await driver.closedLoop(limited(conversations(`max-${run}`), options.conversations), options.concurrency));
        const perSecond = Math.max(0.5, max.turnsPerSecond / 2 / releaseConversation.length);
        const halfRate = summarise(await driver.openLoop(conversations(`half-${run}`), perSecond, options.halfRateSeconds));
        results.push({ target: target.name, max, halfRate });

        if (target.name === 'service, Redis' && options.memoryConversations > 0) {
          const tenth = Math.max(1, Math.floor(options.memoryConversations / 10));
          await driver.closedLoop(limited(conversations(`memory-${run}`), options.memoryConversations), options.concurrency, (done) => {
            if (done % tenth === 0) rssMb.push(process.memoryUsage().rss / 1048576);
          });
        }
      } finally {
        driver.close();
        await running.stop();
      }
    }
  } finally {
    if (options.redisUrl) await deleteKeys(options.redisUrl, redisKeyPrefix);
  }
  return { targets: results, rssMb };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export function formatBenchmark(result: BenchmarkResult, options: BenchmarkOptions): string {
  const baseline = result.targets[0]?.max.turnsPerSecond ?? Number.NaN;
  const rows = result.targets.map((t) =>
    [
      t.target.padEnd(20),
      `${t.max.turnsPerSecond.toFixed(0).padStart(7)} turns/s`,
      `p50 ${ms(t.max.p50Ms).padStart(9)}`,
      `p99 ${ms(t.max.p99Ms).padStart(9)}`,
      `x${(t.max.turnsPerSecond / baseline).toFixed(2)} of baseline`,
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
    `${options.conversations} conversations of ${releaseConversation.length} turns per target, ${options.concurrency} at once; then half of each one's rate for ${options.halfRateSeconds} s`,
    ...rows,
    ...memory,
  ].join('\n');
}
