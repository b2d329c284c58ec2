import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import nock from 'nock';
import { loadConfig } from '../../src/config';
import type { RedisClient } from '../../src/state/redisClient';
import type { TicketAdapter } from '../../src/tickets/adapters/adapter';
import { createWebhookAdapter } from '../../src/tickets/adapters/webhook';
import { createZendeskAdapter } from '../../src/tickets/adapters/zendesk';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/tickets/deliveryErrors';
import { createBullmqConnection, createTicketQueue, startTicketWorker, type TicketWorker } from '../../src/tickets/deliveryQueue';
import { buildTicket, type Ticket } from '../../src/tickets/ticket';
import type { TicketUpdate } from '../../src/tickets/ticketUpdate';
import { sharedRedisUrl as redisUrl } from '../state/redisTestKit';
import { mockOutsideHttp } from '../support/outsideHttp';
import { waitFor } from '../support/waitFor';
import { capturedLogger, countedFor, distinctTickets, handoffInput, noUpdates, testMetrics, tinyRetry } from './fixtures';

const redisConfig = loadConfig({ REDIS_URL: redisUrl }).redis;
mockOutsideHttp();

/** One queue of its own per test, on the shared Redis; removed with all its keys afterwards. */
function testBed() {
  const location = { queueName: 'tickets', prefix: `{test-tickets-${randomUUID()}}` };
  const connections: RedisClient[] = [];
  const workers: TicketWorker[] = [];
  const { logger, lines } = capturedLogger();
  const metrics = testMetrics();
  const connect = () => {
    const connection = createBullmqConnection(redisConfig, logger);
    connections.push(connection);
    return connection;
  };
  const inspector = new Queue(location.queueName, { connection: connect(), prefix: location.prefix });
  return {
    lines,
    inspector,
    metrics,
    queue: () => createTicketQueue({ ...location, connection: connect(), retry: tinyRetry, keepDeliveredHours: 1, logger }),
    worker: (adapter: TicketAdapter, extra: { stalledIntervalMs?: number; lockDurationMs?: number } = {}) => {
      const worker = startTicketWorker({
        ...location,
        ...extra,
        connection: connect(),
        adapter,
        retry: tinyRetry,
        logger,
        metrics,
        closeWaitMs: 10_000,
      });
      workers.push(worker);
      return worker;
    },
    async cleanUp() {
      await Promise.all(workers.map((worker) => worker.close()));
      await inspector.obliterate({ force: true });
      await inspector.close();
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
}

/** A ticket system that records what it took and can be switched down and up. */
function ticketSystem() {
  const received: Ticket[] = [];
  const updates: TicketUpdate[] = [];
  const state = { down: false };
  const adapter: TicketAdapter = {
    name: 'recording',
    async deliver(ticket) {
      if (state.down) throw new RetryableDeliveryError('down');
      received.push(ticket);
      return { system: 'recording' };
    },
    async deliverUpdate(update) {
      if (state.down) throw new RetryableDeliveryError('down');
      updates.push(update);
      return { system: 'recording' };
    },
  };
  return { adapter, received, updates, state };
}

let bed: ReturnType<typeof testBed>;
beforeEach(() => (bed = testBed()));
afterEach(() => bed.cleanUp());

describe('the ticket queue on Redis', () => {
  it('keeps a ticket queued while no worker runs, and delivers it when one starts', async () => {
    const system = ticketSystem();
    const ticket = buildTicket(handoffInput());
    const service = bed.queue();
    await service.submit(ticket);
    await service.close();

    bed.worker(system.adapter);
    await waitFor(() => system.received.length === 1);
    expect(system.received[0]).toEqual(ticket);
  });

  it('delivers a ticket queued by an older release with a locale the ticket now writes differently', async () => {
    const system = ticketSystem();
    const ticket = buildTicket(handoffInput());
    // The release before took any short text as locale; channels send "en_US".
    await bed.inspector.add('deliver', { ...ticket, locale: 'en_US' }, { jobId: ticket.id });

    bed.worker(system.adapter);
    await waitFor(() => system.received.length === 1);
    expect(system.received[0]).toEqual({ ...ticket, locale: 'en-US' });
  });

  it('delivers a ticket that was waiting for a retry when its worker restarted', async () => {
    const system = ticketSystem();
    system.state.down = true;
    const ticket = buildTicket(handoffInput());
    await bed.queue().submit(ticket);
    const first = bed.worker(system.adapter);
    await waitFor(async () => (await bed.inspector.getJob(ticket.id))!.attemptsMade >= 1);
    await first.close();

    system.state.down = false;
    bed.worker(system.adapter);
    await waitFor(async () => (await bed.inspector.getJobState(ticket.id)) === 'completed');
    expect(system.received.map((t) => t.id)).toEqual([ticket.id]);
    expect(await countedFor(bed.metrics.ticketsRetried, 'recording')).toBeGreaterThanOrEqual(1);
    expect(await countedFor(bed.metrics.ticketsDelivered, 'recording')).toBe(1);
    expect(await countedFor(bed.metrics.ticketsDeadLettered, 'recording')).toBe(0);
  });

  it('delivers the same ticket enqueued twice once, and gives back the first reference', async () => {
    const system = ticketSystem();
    const service = bed.queue();
    const first = buildTicket(handoffInput());
    const redelivered = buildTicket(handoffInput());
    expect((await service.submit(first)).reference).toBe(first.reference);
    expect((await service.submit(redelivered)).reference).toBe(first.reference);

    bed.worker(system.adapter);
    await waitFor(async () => (await bed.inspector.getJobState(first.id)) === 'completed');
    expect((await service.submit(redelivered)).reference).toBe(first.reference);
    expect(await bed.inspector.getJobCounts('wait', 'delayed', 'active')).toEqual({ wait: 0, delayed: 0, active: 0 });
    expect(system.received).toHaveLength(1);
  });

  it('moves a refused ticket to the failed set at once, with an error log', async () => {
    const ticket = buildTicket(handoffInput());
    let calls = 0;
    const refusing: TicketAdapter = {
      name: 'refusing',
      deliver: async () => {
        calls++;
        throw new PermanentDeliveryError('HTTP 400: bad ticket');
      },
      deliverUpdate: noUpdates,
    };
    await bed.queue().submit(ticket);
    bed.worker(refusing);
    await waitFor(async () => (await bed.inspector.getJobState(ticket.id)) === 'failed');
    const failed = await bed.inspector.getJob(ticket.id);
    expect(calls).toBe(1);
    expect(failed!.failedReason).toBe('HTTP 400: bad ticket');
    expect(failed!.data).toEqual(ticket);
    expect(bed.lines.find((line) => line.level === 50)).toMatchObject({
      ticketId: ticket.id,
      msg: 'ticket refused by the receiver; moved to the dead letter',
      err: { type: 'PermanentDeliveryError', message: 'HTTP 400: bad ticket' },
    });
    expect(await countedFor(bed.metrics.ticketsDeadLettered, 'refusing')).toBe(1);
    expect(await countedFor(bed.metrics.ticketsRetried, 'refusing')).toBe(0);
  });

  it('moves a ticket to the failed set after its last attempt, with an error log', async () => {
    const system = ticketSystem();
    system.state.down = true;
    const ticket = buildTicket(handoffInput());
    await bed.queue().submit(ticket);
    bed.worker(system.adapter);
    await waitFor(async () => (await bed.inspector.getJobState(ticket.id)) === 'failed');
    expect((await bed.inspector.getJob(ticket.id))!.attemptsMade).toBe(tinyRetry.attempts);
    expect(bed.lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([
      'ticket delivery failed on every attempt; moved to the dead letter',
    ]);
    expect(await countedFor(bed.metrics.ticketsRetried, 'recording')).toBe(tinyRetry.attempts - 1);
    expect(await countedFor(bed.metrics.ticketsDeadLettered, 'recording')).toBe(1);
    expect(await countedFor(bed.metrics.ticketsDelivered, 'recording')).toBe(0);
  });

  it('retries a ticket whose worker died mid-delivery', async () => {
    const system = ticketSystem();
    let release = () => {};
    const hanging: TicketAdapter = {
      name: 'hanging',
      deliver: () => new Promise((resolve) => (release = () => resolve({ system: 'hanging' }))),
      deliverUpdate: noUpdates,
    };
    const ticket = buildTicket(handoffInput());
    await bed.queue().submit(ticket);
    const dying = bed.worker(hanging, { lockDurationMs: 500, stalledIntervalMs: 250 });
    await waitFor(async () => (await bed.inspector.getJobState(ticket.id)) === 'active');
    await dying.close(true);

    try {
      bed.worker(system.adapter, { lockDurationMs: 500, stalledIntervalMs: 250 });
      await waitFor(() => system.received.length === 1);
      expect(system.received[0].id).toBe(ticket.id);
    } finally {
      release(); // lets the dead worker's delivery end, so clean-up can close it
    }
  });
});

describe('which tickets the installers will not get', () => {
  /** Refuses one ticket for good, fails another on every attempt, asks a third to wait a minute, takes the rest. */
  function pickySystem(refused: Ticket, failing: Ticket, waiting: Ticket) {
    const adapter: TicketAdapter = {
      name: 'picky',
      async deliver(ticket) {
        if (ticket.id === refused.id) throw new PermanentDeliveryError('installers.example.com answered HTTP 422');
        if (ticket.id === failing.id) throw new RetryableDeliveryError('down');
        if (ticket.id === waiting.id) throw new RetryableDeliveryError('busy', 60_000);
        return { system: 'picky' };
      },
      deliverUpdate: noUpdates,
    };
    return adapter;
  }

  it('are told to any instance on the same Redis: the ones refused for good and the ones out of attempts', async () => {
    const [refused, failing, waiting, delivered] = distinctTickets(4);
    const submitting = bed.queue();
    for (const ticket of [refused, failing, waiting, delivered]) await submitting.submit(ticket);
    bed.worker(pickySystem(refused, failing, waiting));
    await waitFor(async () => {
      const states = await Promise.all([refused, failing, waiting, delivered].map((ticket) => bed.inspector.getJobState(ticket.id)));
      return states.join() === 'failed,failed,delayed,completed';
    }, 'each ticket in its final state');

    const anotherInstance = bed.queue();
    const asked = [refused, failing, waiting, delivered].map((ticket) => ticket.id);
    expect(await anotherInstance.refused([...asked, 'tkt_00000000000000000000000000000000'])).toEqual([refused.id, failing.id]);
    expect(await anotherInstance.refused([])).toEqual([]);
    expect(await countedFor(bed.metrics.ticketsDeadLettered, 'picky', { reason: 'refused' })).toBe(1);
    expect(await countedFor(bed.metrics.ticketsDeadLettered, 'picky', { reason: 'attempts_exhausted' })).toBe(1);
  });

  it("a refusal quoting the driver's contact details is logged and kept with its status and field names only", async () => {
    const contact = { name: 'Philippa Quenby', email: 'philippa.quenby@example.org', phone: '+447700900461' };
    const ticket = buildTicket(handoffInput({ contact }));
    nock('https://acme.zendesk.com')
      .post('/api/v2/tickets')
      .reply(422, {
        error: 'RecordInvalid',
        details: { requester: [{ description: `Requester: ${contact.name} <${contact.email}>, ${contact.phone} is invalid` }] },
      });
    await bed.queue().submit(ticket);
    bed.worker(createZendeskAdapter({ subdomain: 'acme', email: 'bot@acme.example', apiToken: 'zd-token', timeoutMs: 2_000 }));
    await waitFor(async () => (await bed.inspector.getJobState(ticket.id)) === 'failed');

    const failed = await bed.inspector.getJob(ticket.id);
    expect(failed!.failedReason).toBe('acme.zendesk.com answered HTTP 422 (fields: error, details, details.requester)');
    const logged = JSON.stringify(bed.lines);
    expect(logged).toContain('answered HTTP 422');
    for (const value of ['Philippa', 'Quenby', contact.email, '7700900461']) {
      expect(logged).not.toContain(value);
      expect(`${failed!.failedReason} ${(failed!.stacktrace ?? []).join(' ')}`).not.toContain(value);
    }
  });
});

describe('webhook delivery through the queue', () => {
  afterEach(() => nock.cleanAll());

  it('gets every ticket to the webhook exactly once after it was down for a while', async () => {
    const arrivals = new Map<string, number>();
    let requests = 0;
    nock('https://installers.example.com')
      .post('/hooks/tickets')
      .times(Infinity)
      .reply(function () {
        requests++;
        if (requests <= 25) return [503, 'maintenance'];
        const key = String(this.req.headers['idempotency-key']);
        arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
        return [202, ''];
      });
    const tickets = distinctTickets(12);
    const service = bed.queue();
    await Promise.all(tickets.map((ticket) => service.submit(ticket)));
    bed.worker(createWebhookAdapter({ url: 'https://installers.example.com/hooks/tickets', secret: 's', timeoutMs: 2000 }));

    await waitFor(() => arrivals.size === tickets.length);
    await waitFor(async () => (await bed.inspector.getJobCounts('completed')).completed === tickets.length);
    expect([...arrivals.keys()].sort()).toEqual(tickets.map((ticket) => ticket.id).sort());
    expect([...arrivals.values()].every((count) => count === 1)).toBe(true);
    expect(requests).toBeGreaterThan(25);
  });
});
