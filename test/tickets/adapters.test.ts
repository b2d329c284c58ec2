import { createHmac } from 'node:crypto';
import nock from 'nock';
import { createWebhookAdapter } from '../../src/tickets/adapters/webhook';
import { createZendeskAdapter, zendeskTicketBody } from '../../src/tickets/adapters/zendesk';
import type { TicketAdapter } from '../../src/tickets/adapters/adapter';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/tickets/deliveryErrors';
import { createInProcessDelivery } from '../../src/tickets/inProcessDelivery';
import { mockOutsideHttp } from '../support/outsideHttp';
import { waitFor } from '../support/waitFor';
import { capturedLogger, noUpdates, sampleTicket, testMetrics, tinyRetry } from './fixtures';

const ticket = sampleTicket();
const secret = 'webhook-test-secret';
mockOutsideHttp();

interface Receiver {
  name: string;
  adapter: (timeoutMs?: number) => TicketAdapter;
  intercept: () => nock.Interceptor;
  /** The exact request body bytes the receiver should get. */
  expectedBody: string;
}

const receivers: Receiver[] = [
  {
    name: 'webhook',
    adapter: (timeoutMs = 2000) => createWebhookAdapter({ url: 'https://installers.example.com/hooks/tickets', secret, timeoutMs }),
    intercept: () => nock('https://installers.example.com').post('/hooks/tickets'),
    expectedBody: JSON.stringify(ticket),
  },
  {
    name: 'zendesk',
    adapter: (timeoutMs = 2000) => createZendeskAdapter({ subdomain: 'acme', email: 'bot@acme.example', apiToken: 'zd-token', timeoutMs }),
    intercept: () => nock('https://acme.zendesk.com').post('/api/v2/tickets'),
    expectedBody: JSON.stringify(zendeskTicketBody(ticket)),
  },
];

afterEach(() => nock.cleanAll());

/** The contact details of `ticket`, as a receiver's validation error quotes them back. */
const quotedContact = ['Sam Driver', 'Sam', '+447700900123', '7700900123'];
/** A Zendesk 422 in Zendesk's shape, quoting the values it rejected. */
const zendeskValidationError = {
  error: 'RecordInvalid',
  description: 'Record validation errors',
  details: {
    requester: [{ description: 'Requester: Name Sam Driver is invalid', error: 'InvalidValue' }],
    base: [{ description: 'Phone +447700900123 is not valid', error: 'InvalidValue' }],
    'Sam Driver': 'a key that is a value',
  },
};

describe.each(receivers)('the $name adapter', ({ adapter, intercept, expectedBody }) => {
  it('delivers the ticket with its id as Idempotency-Key', async () => {
    let received: { headers: Record<string, string | string[]>; body: string } | undefined;
    const scope = intercept().reply(201, { ticket: { id: 4711 } });
    scope.on(
      'request',
      (req: { headers: Record<string, string | string[]> }, _interceptor, body: string) => (received = { headers: req.headers, body }),
    );
    const receipt = await adapter().deliver(ticket);
    expect(scope.isDone()).toBe(true);
    expect(received!.headers['idempotency-key']).toBe(ticket.id);
    expect(received!.headers['content-type']).toBe('application/json');
    expect(typeof received!.body).toBe('string');
    expect(received!.body).toBe(expectedBody);
    expect(receipt.system).toBeDefined();
  });

  it('calls a 500 retryable, and delivers on the next attempt', async () => {
    intercept().reply(500, 'upstream down');
    intercept().reply(201, {});
    await expect(adapter().deliver(ticket)).rejects.toBeInstanceOf(RetryableDeliveryError);
    await expect(adapter().deliver(ticket)).resolves.toBeDefined();
  });

  it('calls a 429 retryable, carrying its Retry-After', async () => {
    intercept().reply(429, 'slow down', { 'Retry-After': '7' });
    const error = await adapter()
      .deliver(ticket)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBe(7000);
  });

  it('calls a 400 permanent, naming the status only when the answer is not JSON', async () => {
    intercept().reply(400, 'subject missing');
    const error = await adapter()
      .deliver(ticket)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/\.com answered HTTP 400$/);
  });

  it("names the fields a refusal names, never the values it quotes back (the driver's contact details)", async () => {
    intercept().reply(422, zendeskValidationError);
    const error = await adapter()
      .deliver(ticket)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(
      /\.com answered HTTP 422 \(fields: error, description, details, details\.requester, details\.base\)$/,
    );
    for (const value of quotedContact) expect((error as Error).message).not.toContain(value);
  });

  it('calls no answer within the timeout retryable', async () => {
    intercept().delay(1000).reply(201, {});
    const error = await adapter(50)
      .deliver(ticket)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as Error).message).toMatch(/did not answer within 50 ms/);
  });

  it('calls a refused connection retryable, with the network error as its cause', async () => {
    intercept().replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const error = await adapter()
      .deliver(ticket)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as Error).message).toMatch(/unreachable$/);
    const causes = (e: unknown): unknown[] => (e instanceof Error && e.cause !== undefined ? [e.cause, ...causes(e.cause)] : []);
    expect(causes(error)).toContainEqual(expect.objectContaining({ code: 'ECONNREFUSED' }));
  });

  describe('retried by the delivery policy', () => {
    function delivery() {
      const { logger, lines } = capturedLogger();
      const outboxed: string[] = [];
      const outbox: TicketAdapter = {
        name: 'outbox',
        deliver: async (t) => (outboxed.push(t.id), { system: 'outbox' }),
        deliverUpdate: noUpdates,
      };
      return {
        lines,
        outboxed,
        service: createInProcessDelivery({ adapter: adapter(), outbox, retry: tinyRetry, logger, metrics: testMetrics() }),
      };
    }
    const delivered = (lines: { msg: string }[]) => lines.some((line) => line.msg === 'ticket delivered');

    it('500 then success: delivered on the second attempt', async () => {
      const scope = intercept().reply(500).post(/.*/).reply(201, {});
      const { lines, outboxed, service } = delivery();
      await service.submit(ticket);
      await waitFor(() => delivered(lines));
      expect(scope.isDone()).toBe(true);
      expect(outboxed).toEqual([]);
      await service.close();
    });

    it('429 with Retry-After: delivered after waiting as asked', async () => {
      const scope = intercept().reply(429, '', { 'Retry-After': '1' }).post(/.*/).reply(201, {});
      const { lines, service } = delivery();
      await service.submit(ticket);
      await waitFor(() => delivered(lines));
      expect(scope.isDone()).toBe(true);
      const retry = lines.find((line) => line.msg === 'ticket delivery failed; will retry');
      expect(retry!.retryInMs).toBeGreaterThanOrEqual(1000);
      await service.close();
    });

    it('400: no retry, straight to the outbox with an error log', async () => {
      const scope = intercept().reply(400, 'bad');
      const { lines, outboxed, service } = delivery();
      await service.submit(ticket);
      await waitFor(() => outboxed.length === 1);
      expect(scope.isDone()).toBe(true);
      expect(lines.filter((line) => line.msg === 'ticket delivery failed; will retry')).toEqual([]);
      expect(lines.find((line) => line.level === 50)).toMatchObject({
        ticketId: ticket.id,
        msg: 'ticket not delivered; appended to the outbox file',
        err: { type: 'PermanentDeliveryError', message: expect.stringContaining('answered HTTP 400'), stack: expect.any(String) },
      });
      await service.close();
    });
  });
});

describe('the webhook signature', () => {
  it('is the HMAC-SHA256 of the exact body bytes received, as sha256=<hex>', async () => {
    let received: { signature: unknown; body: string } | undefined;
    const scope = nock('https://installers.example.com').post('/hooks/tickets').reply(204);
    scope.on('request', (req: { headers: Record<string, string> }, _interceptor, body: string) => {
      received = { signature: req.headers['x-signature-256'], body };
    });
    await createWebhookAdapter({ url: 'https://installers.example.com/hooks/tickets', secret, timeoutMs: 2000 }).deliver(ticket);
    expect(scope.isDone()).toBe(true);
    const bytes = Buffer.from(received!.body, 'utf8');
    expect(received!.signature).toBe(`sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`);
    expect(JSON.parse(received!.body)).toEqual(ticket);
  });
});

describe('the Zendesk request', () => {
  it('authenticates with the API token and carries subject, internal note, tags and external id', async () => {
    const credentials = Buffer.from('bot@acme.example/token:zd-token').toString('base64');
    let sent: ReturnType<typeof zendeskTicketBody> | undefined;
    nock('https://acme.zendesk.com')
      .matchHeader('authorization', `Basic ${credentials}`)
      .post('/api/v2/tickets', (body) => ((sent = body), true))
      .reply(201, { ticket: { id: 4711 } });
    const receipt = await createZendeskAdapter({
      subdomain: 'acme',
      email: 'bot@acme.example',
      apiToken: 'zd-token',
      timeoutMs: 2000,
    }).deliver(ticket);
    expect(receipt).toEqual({ system: 'zendesk', externalId: '4711' });
    expect(sent!.ticket).toMatchObject({
      subject: 'Stuck charging cable: emergency release failed (EVC-7K2Q9M)',
      external_id: ticket.id,
      priority: 'normal',
      tags: ['evc_bot', 'reason_emergency_release_failed', 'scenario_stuck_in_car', 'ref_evc_7k2q9m'],
      comment: { public: false },
    });
    expect(sent!.ticket.comment.body).toContain('Contact: Sam Driver, +447700900123');
    expect(sent!.ticket.comment.body).toContain('- stuck_in_car / emergency_release: still_stuck');
    expect(sent!.ticket.comment.body).toContain('user: still stuck');
    expect(sent!.ticket).not.toHaveProperty('requester');
  });

  it('names the requester when the user gave an email address, and marks a safety hazard urgent', () => {
    const body = zendeskTicketBody(sampleTicket({ reason: 'safety_hazard', contact: { name: 'Sam Driver', email: 'sam@example.com' } }));
    expect(body.ticket).toMatchObject({ requester: { name: 'Sam Driver', email: 'sam@example.com' }, priority: 'urgent' });
  });
});
