import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { createMetrics } from '../../src/observability/metrics';
import { content } from '../support/guidedChat';
import { messageActivity, postActivity } from '../support/http';
import { projectRoot } from '../support/process';
import { type RunningService, startService } from '../support/service';

async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('GET /metrics', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  it('counts turns with their latency, and exports Node’s own metrics', async () => {
    await postActivity(running.baseUrl, messageActivity('metrics-1', 'hello'));
    await postActivity(running.baseUrl, messageActivity('metrics-1', 'my cable is stuck'));
    const text = await scrape(running.baseUrl);
    expect(text).toMatch(/^evc_turns_total\{channel="test",type="message"\} 2$/m);
    expect(text).toMatch(/^evc_turn_duration_seconds_count\{channel="test"\} 2$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('folds label values a client made up into "other", so hostile traffic cannot grow the series', async () => {
    await postActivity(running.baseUrl, messageActivity('metrics-2', 'hi', { channelId: 'made-up-channel-123' }));
    await postActivity(running.baseUrl, messageActivity('metrics-3', 'hi', { type: 'madeUpType' }));
    const text = await scrape(running.baseUrl);
    expect(text).not.toContain('made-up-channel-123');
    expect(text).not.toContain('madeUpType');
    expect(text).toMatch(/^evc_turns_total\{channel="other",type="message"\} 1$/m);
    expect(text).toMatch(/^evc_turns_total\{channel="test",type="other"\} 1$/m);
  });

  it('counts the messages refused before recognition, by reason', async () => {
    await postActivity(running.baseUrl, messageActivity('metrics-4', '🔌🔌'));
    expect(await scrape(running.baseUrl)).toMatch(/^evc_inputs_refused_total\{reason="noWords"\} 1$/m);
  });
});

describe('procedure outcomes on /metrics', () => {
  const { buttons } = content.messages;
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  const converse = async (conversationId: string, texts: string[]) => {
    for (const text of texts) await postActivity(running.baseUrl, messageActivity(conversationId, text));
  };

  it('counts a procedure that freed the cable as started and resolved, at the step that did it', async () => {
    await converse('metrics-resolved', ['my cable is stuck in the car', buttons.freed]);
    const text = await scrape(running.baseUrl);
    expect(text).toMatch(/^evc_procedures_started_total\{procedure="stuck_in_car"\} 1$/m);
    expect(text).toMatch(/^evc_procedures_resolved_total\{procedure="stuck_in_car",step="[a-z_]+"\} 1$/m);
    expect(text).not.toMatch(/^evc_procedures_handed_off_total\{/m);
  });

  it('counts a procedure handed to a person as started and handed off, by reason', async () => {
    await converse('metrics-handoff', ['my cable is stuck in the car', buttons.person]);
    const text = await scrape(running.baseUrl);
    expect(text).toMatch(/^evc_procedures_started_total\{procedure="stuck_in_car"\} 2$/m); // with the one above
    expect(text).toMatch(/^evc_procedures_handed_off_total\{procedure="stuck_in_car",reason="customer_request"\} 1$/m);
    expect(text).toMatch(/^evc_procedures_resolved_total\{procedure="stuck_in_car",step="[a-z_]+"\} 1$/m);
  });
});

describe('GET /metrics with a token', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ METRICS_TOKEN: 'scrape-me' });
  });
  afterAll(() => running.service.stop());

  it('refuses a scrape without the token', async () => {
    expect((await fetch(`${running.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${running.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('serves a scrape with it', async () => {
    expect(await scrape(running.baseUrl, { authorization: 'Bearer scrape-me' })).toContain('evc_turns_total');
  });
});

describe('the metrics other modules feed', () => {
  it('reads the ticket queue depth from the source the tickets module supplies, on every scrape', async () => {
    const metrics = createMetrics(new Registry());
    let waiting = 3;
    metrics.setQueueDepthSource(async () => ({ waiting, delayed: 1, failed: 0 }));
    expect(await metrics.registry.getSingleMetricAsString('evc_ticket_queue_depth')).toMatch(/state="waiting"\} 3/);
    waiting = 0;
    expect(await metrics.registry.getSingleMetricAsString('evc_ticket_queue_depth')).toMatch(/state="waiting"\} 0/);
  });

  it('still answers a scrape when the queue cannot be read', async () => {
    const metrics = createMetrics(new Registry());
    metrics.setQueueDepthSource(async () => {
      throw new Error('Redis is down');
    });
    await expect(metrics.registry.metrics()).resolves.toContain('evc_ticket_queue_depth');
  });

  it('counts Redis client errors', async () => {
    const metrics = createMetrics(new Registry());
    const client = new EventEmitter();
    metrics.watchRedisErrors(client, 'state');
    client.emit('error', new Error('ECONNREFUSED'));
    client.emit('error', new Error('ECONNREFUSED'));
    expect(await metrics.registry.getSingleMetricAsString('evc_redis_errors_total')).toMatch(/client="state"\} 2/);
  });

  it('has the counters that containment is computed from', async () => {
    const metrics = createMetrics(new Registry());
    metrics.proceduresStarted.inc({ procedure: 'car' }, 4);
    metrics.proceduresResolved.inc({ procedure: 'car', step: 'lock_unlock' }, 3);
    metrics.proceduresHandedOff.inc({ procedure: 'car', reason: 'pin_damaged' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^evc_procedures_started_total\{procedure="car"\} 4$/m);
    expect(text).toMatch(/^evc_procedures_resolved_total\{procedure="car",step="lock_unlock"\} 3$/m);
    expect(text).toMatch(/^evc_procedures_handed_off_total\{procedure="car",reason="pin_damaged"\} 1$/m);
  });
});

describe('the documented alert rules (docs/prometheus-alerts.yml)', () => {
  type Rule = { alert: string; expr: string; labels?: Record<string, string> };
  const file = fs.readFileSync(path.join(projectRoot, 'docs/prometheus-alerts.yml'), 'utf8');
  const rules = (parse(file) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);
  const registry = createMetrics(new Registry()).registry;

  it('alert on a ticket given up, from the counters and from the queue', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(['EscalationTicketNotDelivered', 'EscalationTicketFailedSetGrowing']);
    expect(rules.map((rule) => rule.expr).join(' ')).toMatch(/evc_tickets_dead_lettered_total.*evc_ticket_queue_depth\{state="failed"\}/);
  });

  it.each(rules.map((rule) => [rule.alert, rule.expr]))('%s names only metrics and labels the service exports', (_alert, expr) => {
    const labelsOf = (name: string) => (registry.getSingleMetric(name) as unknown as { labelNames: string[] } | undefined)?.labelNames;
    const names = [...expr.matchAll(/\bevc_\w+/g)].map(([name]) => name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(labelsOf(name)).toBeDefined();
    const grouped = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap(([, list]) => list!.split(',').map((label) => label.trim()));
    const selected = [...expr.matchAll(/(evc_\w+)\{([^}]*)\}/g)].map(([, name, selector]) => ({
      name: name!,
      labels: selector!.split(',').map((part) => part.split('=')[0]!.trim()),
    }));
    for (const label of grouped) expect(names.some((name) => labelsOf(name)!.includes(label))).toBe(true);
    for (const { name, labels } of selected) for (const label of labels) expect(labelsOf(name)).toContain(label);
  });
});
