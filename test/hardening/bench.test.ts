import { runBenchmark } from '../../src/bench/benchmark';

describe('the load benchmark, as a short smoke run', () => {
  it('drives the baseline and the service in memory and with Redis, every turn answered', async () => {
    const options = { conversations: 8, concurrency: 4, halfRateSeconds: 0.5, memoryConversations: 10, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
    const result = await runBenchmark(options);
    expect(result.targets.map((t) => t.target)).toEqual(['baseline echo bot', 'service, memory', 'service, Redis']);
    for (const target of result.targets) {
      expect(target.max).toMatchObject({ turns: 8 * 6, errors: 0 });
      expect(target.halfRate.errors).toBe(0);
    }
    expect(result.rssMb).toHaveLength(10);
  }, 60_000);
});
