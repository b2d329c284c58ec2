/**
 * `npm run bench`: the baseline echo bot, this service in memory and this service with Redis, each
 * in its own process under the same load of release conversations; prints turns per second, p50/p99
 * and the ratio to the baseline, then resident memory over a long run. `--quick` for a short run.
 */
import { type BenchmarkOptions, formatBenchmark, runBenchmark } from './bench/benchmark';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const options: BenchmarkOptions = {
    conversations: quick ? 100 : 300,
    concurrency: 32,
    rounds: quick ? 1 : 9,
    halfRateSeconds: quick ? 2 : 10,
    memoryConversations: quick ? 500 : 10_000,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  process.stdout.write(`${formatBenchmark(await runBenchmark(options), options)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
