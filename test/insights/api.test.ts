import { randomBytes } from 'node:crypto';
import { dayOf } from '../../src/insights/days';
import { createInsightsRecorder } from '../../src/insights/recorder';
import { insightsRoutes } from '../../src/insights/routes';
import { MemoryInsightsStore } from '../../src/insights/store';
import type { InsightsSummary } from '../../src/insights/summary';
import { createLogger } from '../../src/logger';
import { createHttpService } from '../../src/server';
import { whenRedisReady } from '../../src/state/redisClient';
import { deleteKeysUnder } from '../../src/state/redisKeys';
import { connectTestClient, randomPrefix, sharedRedisUrl } from '../state/redisTestKit';
import { type RunningService, startService } from '../support/service';
import { waitFor } from '../support/waitFor';
import { recordSampleConversations, sampleFigures, sampleMisunderstood } from './sampleConversations';

const silent = createLogger({ logLevel: 'silent', env: 'test' });
const yesterday = new Date(Date.now() - 24 * 3600 * 1000);

async function insights(baseUrl: string, query = '', token?: string) {
  const response = await fetch(`${baseUrl}/api/insights${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as InsightsSummary & { code?: string; message?: string },
  };
}

describe('GET /api/insights over the real endpoint, insights in Redis', () => {
  const prefix = randomPrefix();
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: prefix });
    // Events while Redis is not reachable are lost (logged), as during an outage.
    await whenRedisReady(running.service.runtime.redis!, 5_000);
    recordSampleConversations(running.service.runtime.insights.recorder);
    // One more, yesterday: a power cut freed by its first step, rated 3.
    const recordedYesterday = createInsightsRecorder({
      store: running.service.runtime.insights.store,
      logger: silent,
      now: () => yesterday,
    });
    recordedYesterday.record('conversation-yesterday', { type: 'procedure_started', procedure: 'power_cut' });
    recordedYesterday.record('conversation-yesterday', { type: 'procedure_ended', procedure: 'power_cut', result: 'resolved' });
    recordedYesterday.record('conversation-yesterday', { type: 'rating', score: 3 });
    await waitFor(async () => (await insights(running.baseUrl, '?days=2')).body.ratings?.['3'] === 1, 'the events to be stored');
  });
  afterAll(async () => {
    await running.service.stop();
    const client = await connectTestClient();
    await deleteKeysUnder(client, prefix);
    client.disconnect();
  });

  it('counts each procedure run, its steps, the ratings, the handoffs and the containment of today', async () => {
    const { status, headers, body } = await insights(running.baseUrl, '?days=1');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      days: 1,
      from: dayOf(new Date()),
      to: dayOf(new Date()),
      ratings: sampleFigures.ratings,
      handoffs: sampleFigures.handoffs,
      containment: sampleFigures.containment,
      averageRating: 4.5,
    });
    const byName = Object.fromEntries(body.procedures.map((p) => [p.procedure, p]));
    expect(body.procedures.map((p) => p.procedure)).toEqual([
      'cable_stuck',
      'cold_weather',
      'power_cut',
      'stuck_in_car',
      'stuck_in_charger',
    ]);
    expect(byName.stuck_in_car).toMatchObject({ ...sampleFigures.stuckInCar, title: "the car's charge port" });
    expect(byName.stuck_in_car.steps[1]).toMatchObject({ step: 'unlock_car', title: 'Lock and unlock the car' });
    expect(byName.cable_stuck).toMatchObject(sampleFigures.cableStuck);
    expect(byName.stuck_in_charger).toMatchObject(sampleFigures.stuckInCharger);
    expect(byName.power_cut).toMatchObject({ started: 0, resolved: 0, abandoned: 0 });
    expect(body.misunderstoodCounts).toEqual({ not_recognised: 1 });
    expect(body.misunderstood).toEqual([
      {
        at: expect.stringMatching(new RegExp(`^${dayOf(new Date())}T`)),
        conversation: expect.stringMatching(/^[0-9a-f]{16}$/),
        ...sampleMisunderstood,
      },
    ]);
  });

  it('adds up the days asked, and gives each day its own figures', async () => {
    const { body } = await insights(running.baseUrl, '?days=7');
    expect(body.days).toBe(7);
    expect(body.ratings).toEqual({ ...sampleFigures.ratings, '3': 1 });
    expect(body.procedures.find((p) => p.procedure === 'power_cut')).toMatchObject({ started: 1, resolved: 1 });
    expect(body.containment).toBeCloseTo(2 / 5);
    expect(body.daily.map((d) => d.day)).toHaveLength(7);
    expect(body.daily.at(-2)).toEqual({
      day: dayOf(yesterday),
      started: 1,
      resolved: 1,
      handedOff: 0,
      containment: 1,
      ratings: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 0 },
      averageRating: 3,
      misunderstood: 0,
    });
    expect(body.daily.at(-1)).toMatchObject({
      started: 4,
      resolved: 1,
      handedOff: 2,
      containment: 0.25,
      averageRating: 4.5,
      misunderstood: 1,
    });
    expect(body.daily[0]).toMatchObject({ started: 0, containment: null, averageRating: null });
  });

  it('answers 7 days by default', async () => {
    expect((await insights(running.baseUrl)).body.days).toBe(7);
  });

  it.each(['0', '31', 'abc', '1.5', '-2', ''])('refuses days=%s with 400 and says what is allowed', async (days) => {
    const { status, body } = await insights(running.baseUrl, `?days=${days}`);
    expect(status).toBe(400);
    expect(body).toEqual({
      code: 'InvalidDays',
      message: `days must be a whole number from 1 to 30 (the days kept, INSIGHTS_RETENTION_DAYS); got "${days}".`,
    });
  });

  it('serves the labelling file of the misunderstood messages', async () => {
    const response = await fetch(`${running.baseUrl}/api/insights/review?days=7`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="misunderstood-${dayOf(new Date())}.txt"`);
    expect(await response.text()).toContain(`\n? | ${sampleMisunderstood.text}\n`);
  });
});

describe('who may read the insights', () => {
  const token = randomBytes(32).toString('base64');
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ INSIGHTS_TOKEN: token });
  });
  afterAll(() => running.service.stop());

  it('with INSIGHTS_TOKEN set, only a request bearing it', async () => {
    expect((await insights(running.baseUrl, '?days=1')).status).toBe(401);
    expect((await insights(running.baseUrl, '?days=1', 'wrong')).status).toBe(401);
    expect((await fetch(`${running.baseUrl}/api/insights/review`)).status).toBe(401);
    expect((await insights(running.baseUrl, '?days=1', token)).status).toBe(200);
  });

  it('serves the page itself to anyone (it holds no figures), with the chat page’s security headers', async () => {
    const response = await fetch(`${running.baseUrl}/insights`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1])).toEqual(['insights/insights.js']);
    expect(scripts.every(([, , body]) => body.trim() === '')).toBe(true);
    for (const file of ['insights.js', 'insights.css']) expect((await fetch(`${running.baseUrl}/insights/${file}`)).status).toBe(200);
  });

  it('in production without a token, nobody', async () => {
    const http = createHttpService({
      logger: silent,
      maxBodyBytes: 1024,
      shutdownGraceMs: 1000,
      keepAliveTimeoutMs: 5_000,
      readinessChecks: [],
      routes: [
        insightsRoutes({
          store: new MemoryInsightsStore({ retentionDays: 30 }),
          procedureSteps: new Map(),
          retentionDays: 30,
          access: { production: true },
          pageHeaders: (_req, _res, next) => next(),
        }),
      ],
    });
    const port = await http.listen(0, '127.0.0.1');
    try {
      const { status, body } = await insights(`http://127.0.0.1:${port}`);
      expect(status).toBe(401);
      expect(body.message).toBe('Set INSIGHTS_TOKEN to open the insights in production.');
    } finally {
      await http.shutdown();
    }
  });
});
