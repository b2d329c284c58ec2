import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { Queue } from 'bullmq';
import nock from 'nock';
import { loadConfig } from '../../src/config';
import type { RedisClient } from '../../src/state/redisClient';
import type { TicketAdapter } from '../../src/tickets/adapters/adapter';
import { createOutboxAdapter } from '../../src/tickets/adapters/outbox';
import { createWebhookAdapter } from '../../src/tickets/adapters/webhook';
import { createZendeskAdapter } from '../../src/tickets/adapters/zendesk';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/tickets/deliveryErrors';
import { createBullmqConnection, createTicketQueue, startTicketWorker } from '../../src/tickets/deliveryQueue';
import { createInProcessDelivery } from '../../src/tickets/inProcessDelivery';
import { buildTicket, type Ticket, transcriptLimits } from '../../src/tickets/ticket';
import { liveChatUpdate, type TicketUpdate, ticketUpdateSchema } from '../../src/tickets/ticketUpdate';
import { mockOutsideHttp } from '../support/outsideHttp';
import { waitFor } from '../support/waitFor';
import { capturedLogger, handoffInput, sampleTicket, tempOutboxFile, testMetrics } from './fixtures';

mockOutsideHttp();
afterEach(() => nock.cleanAll());

const ticket = sampleTicket();
const liveTranscript = [
  { from: 'bot' as const, text: 'Priya from our support team has joined the chat.', at: '2025-01-15T09:31:00.000Z' },
  { from: 'user' as const, text: 'still stuck, it is a Leaf', at: '2025-01-15T09:31:30.000Z' },
  { from: 'staff' as const, text: '**Priya:** Hold the unlock button on the fob for 3 seconds.', at: '2025-01-15T09:32:00.000Z' },
];
const update = liveChatUpdate(
  { ticketId: ticket.id, reference: ticket.reference, staffName: 'Priya Sharma', transcript: liveTranscript },
  new Date('2025-01-15T09:40:00.000Z'),
);

describe('a ticket update (the live chat, added to its ticket)', () => {
  it('carries the ticket, the person and the live transcript, with an id that is the same however often it is made', () => {
    expect(ticketUpdateSchema.parse(update)).toEqual({
      id: expect.stringMatching(/^upd_[0-9a-f]{32}$/),
      ticketId: ticket.id,
      reference: 'EVC-7K2Q9M',
      kind: 'live_chat',
      createdAt: '2025-01-15T09:40:00.000Z',
      staff: { name: 'Priya Sharma' },
      transcript: liveTranscript,
    });
    expect(liveChatUpdate({ ticketId: ticket.id, reference: ticket.reference, transcript: liveTranscript }).id).toBe(update.id);
  });

  it("keeps the latest turns of a long chat, each cut to the ticket's limit", () => {
    const long = Array.from({ length: 80 }, (_, i) => ({
      from: 'user' as const,
      text: `${i} ${'x'.repeat(1500)}`,
      at: new Date(Date.UTC(2025, 0, 15, 9, i)).toISOString(),
    }));
    const capped = liveChatUpdate({ ticketId: ticket.id, reference: ticket.reference, transcript: long });
    expect(capped.transcript).toHaveLength(transcriptLimits.maxTurns);
    expect(capped.transcript[0].text.startsWith('30 ')).toBe(true);
    expect(capped.transcript.every((turn) => turn.text.length <= transcriptLimits.maxCharsPerTurn)).toBe(true);
  });
});

describe('the adapters add an update to the ticket they delivered', () => {
  it('webhook: POSTs the update to the same URL, signed, with its id as Idempotency-Key and X-Ticket-Event: updated', async () => {
    const secret = 'webhook-test-secret';
    let received: { headers: Record<string, string>; body: string } | undefined;
    const scope = nock('https://installers.example.com').post('/hooks/tickets').reply(204);
    scope.on(
      'request',
      (req: { headers: Record<string, string> }, _interceptor, body: string) => (received = { headers: req.headers, body }),
    );
    await createWebhookAdapter({ url: 'https://installers.example.com/hooks/tickets', secret, timeoutMs: 2000 }).deliverUpdate(update);
    expect(JSON.parse(received!.body)).toEqual(update);
    expect(received!.headers).toMatchObject({
      'idempotency-key': update.id,
      'x-ticket-event': 'updated',
      'x-signature-256': `sha256=${createHmac('sha256', secret).update(received!.body).digest('hex')}`,
    });
  });

  describe('Zendesk', () => {
    const zendesk = () => createZendeskAdapter({ subdomain: 'acme', email: 'bot@acme.example', apiToken: 'zd-token', timeoutMs: 2000 });
    const authorization = `Basic ${Buffer.from('bot@acme.example/token:zd-token').toString('base64')}`;

    it('finds the ticket by its external id and adds the transcript as an internal note', async () => {
      let note: { ticket: { comment: { body: string; public: boolean } } } | undefined;
      const scope = nock('https://acme.zendesk.com')
        .matchHeader('authorization', authorization)
        .get('/api/v2/tickets.json')
        .query({ external_id: ticket.id })
        .reply(200, { tickets: [{ id: 4711 }] })
        .put('/api/v2/tickets/4711.json', (body) => ((note = body), true))
        .reply(200, { ticket: { id: 4711 } });
      expect(await zendesk().deliverUpdate(update)).toEqual({ system: 'zendesk', externalId: '4711' });
      expect(scope.isDone()).toBe(true);
      expect(note!.ticket.comment.public).toBe(false);
      expect(note!.ticket.comment.body).toBe(
        [
          'Live chat on EVC-7K2Q9M with Priya Sharma:',
          '',
          'bot: Priya from our support team has joined the chat.',
          'user: still stuck, it is a Leaf',
          'staff: **Priya:** Hold the unlock button on the fob for 3 seconds.',
        ].join('\n'),
      );
    });

    it('waits (retryable) while the ticket is not in Zendesk yet', async () => {
      nock('https://acme.zendesk.com').get('/api/v2/tickets.json').query(true).reply(200, { tickets: [] });
      const error = await zendesk()
        .deliverUpdate(update)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableDeliveryError);
      expect((error as Error).message).toMatch(/has no ticket tkt_[0-9a-f]+ yet/);
    });

    it('calls a refused note permanent', async () => {
      nock('https://acme.zendesk.com')
        .get('/api/v2/tickets.json')
        .query(true)
        .reply(200, { tickets: [{ id: 4711 }] })
        .put('/api/v2/tickets/4711.json')
        .reply(403, {});
      await expect(zendesk().deliverUpdate(update)).rejects.toBeInstanceOf(PermanentDeliveryError);
    });
  });

  describe('the outbox file', () => {
    const file = tempOutboxFile();
    it('gets the update as a line of its own after the ticket, once', async () => {
      const outbox = createOutboxAdapter({ file: file.path() });
      await outbox.deliver(ticket);
      await outbox.deliverUpdate(update);
      await outbox.deliverUpdate(update);
      const lines = (await fs.readFile(file.path(), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      expect(lines).toEqual([ticket, update]);
    });
  });
});

/** A ticket system that takes tickets only while `open` says so, and records what it took. */
function gatedSystem() {
  const state = { open: false, refuseTickets: false, updateAttempts: 0 };
  const received: (Ticket | TicketUpdate)[] = [];
  const take = async (entry: Ticket | TicketUpdate) => {
    if (!('reason' in entry)) state.updateAttempts += 1;
    if (state.refuseTickets && 'reason' in entry) throw new PermanentDeliveryError('installers.example.com answered HTTP 422');
    if (!state.open) throw new RetryableDeliveryError('down');
    received.push(entry);
    return { system: 'gated' };
  };
  const adapter: TicketAdapter = { name: 'gated', deliver: take, deliverUpdate: take };
  return { adapter, state, received };
}

const patientRetry = { attempts: 40, backoffBaseMs: 5, backoffMaxMs: 20 };

describe('updates delivered without Redis', () => {
  const outboxFile = tempOutboxFile();
  const delivering = (adapter: TicketAdapter) => {
    const { logger } = capturedLogger();
    return createInProcessDelivery({
      adapter,
      outbox: createOutboxAdapter({ file: outboxFile.path() }),
      retry: patientRetry,
      logger,
      metrics: testMetrics(),
    });
  };

  it('wait for their ticket: delivered after it, once', async () => {
    const system = gatedSystem();
    const delivery = delivering(system.adapter);
    const fresh = buildTicket(handoffInput());
    await delivery.submit(fresh);
    const itsUpdate = liveChatUpdate({ ticketId: fresh.id, reference: fresh.reference, transcript: liveTranscript });
    await delivery.update(itsUpdate);
    await delivery.update(itsUpdate);
    system.state.open = true;
    await waitFor(() => system.received.length === 2);
    await delivery.close();
    expect(system.received.map((entry) => entry.id)).toEqual([fresh.id, itsUpdate.id]);
    // Not tried while the ticket was still on its way.
    expect(system.state.updateAttempts).toBe(1);
  });

  it('go to the outbox file with their ticket when the ticket system refused it', async () => {
    const system = gatedSystem();
    system.state.refuseTickets = true;
    system.state.open = true;
    const delivery = delivering(system.adapter);
    const fresh = buildTicket(handoffInput());
    await delivery.submit(fresh);
    const itsUpdate = liveChatUpdate({ ticketId: fresh.id, reference: fresh.reference, transcript: liveTranscript });
    await delivery.update(itsUpdate);
    await waitFor(async () => (await outboxFile.ids()).length === 2);
    await delivery.close();
    expect(await outboxFile.ids()).toEqual([fresh.id, itsUpdate.id]);
    expect(system.received).toEqual([]);
  });
});

describe('updates on the ticket queue (Redis)', () => {
  const redisConfig = loadConfig({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }).redis;
  const location = { queueName: 'tickets', prefix: `{test-updates-${randomUUID()}}` };
  const connections: RedisClient[] = [];
  const connect = () => {
    const connection = createBullmqConnection(redisConfig, capturedLogger().logger);
    connections.push(connection);
    return connection;
  };
  afterAll(async () => {
    const inspector = new Queue(location.queueName, { connection: connect(), prefix: location.prefix });
    await inspector.obliterate({ force: true });
    await inspector.close();
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('are delivered once their ticket is, each once; one whose ticket was given up goes to the dead letter with it', async () => {
    const { logger, lines } = capturedLogger();
    const queue = createTicketQueue({ ...location, connection: connect(), retry: patientRetry, keepDeliveredHours: 1, logger });
    const system = gatedSystem();
    const worker = startTicketWorker({
      ...location,
      connection: connect(),
      adapter: system.adapter,
      retry: patientRetry,
      logger,
      metrics: testMetrics(),
      closeWaitMs: 5_000,
    });
    try {
      const waiting = buildTicket(handoffInput({ conversationId: `updates-${randomUUID()}` }));
      const waitingUpdate = liveChatUpdate({ ticketId: waiting.id, reference: waiting.reference, transcript: liveTranscript });
      await queue.submit(waiting);
      await queue.update(waitingUpdate);
      await queue.update(waitingUpdate);
      // The ticket system is down: the update waits for its ticket rather than going first.
      // (The error as its message, or as the logged Error object.)
      const errorText = (err: unknown) => (typeof err === 'string' ? err : (err as { message?: string } | undefined)?.message);
      await waitFor(() =>
        lines.some(
          (line) =>
            line.msg === 'ticket update delivery failed; will retry' &&
            errorText(line.err) === `its ticket ${waiting.id} is not delivered yet`,
        ),
      );
      system.state.open = true;
      await waitFor(() => system.received.length === 2, 'the ticket and its update');
      expect(system.received.map((entry) => entry.id)).toEqual([waiting.id, waitingUpdate.id]);

      system.state.refuseTickets = true;
      const refused = buildTicket(handoffInput({ conversationId: `updates-${randomUUID()}` }));
      const refusedUpdate = liveChatUpdate({ ticketId: refused.id, reference: refused.reference, transcript: liveTranscript });
      await queue.submit(refused);
      await waitFor(async () => (await queue.refused([refused.id])).length === 1);
      await queue.update(refusedUpdate);
      await waitFor(() => lines.some((line) => line.updateId === refusedUpdate.id && line.level === 50));
      expect(system.received).toHaveLength(2);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
