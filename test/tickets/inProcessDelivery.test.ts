import type { TicketAdapter } from '../../src/tickets/adapters/adapter';
import { createOutboxAdapter } from '../../src/tickets/adapters/outbox';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/tickets/deliveryErrors';
import { createInProcessDelivery } from '../../src/tickets/inProcessDelivery';
import type { RetryPolicy } from '../../src/tickets/retryPolicy';
import { buildTicket, type Ticket } from '../../src/tickets/ticket';
import type { TicketUpdate } from '../../src/tickets/ticketUpdate';
import { waitFor } from '../support/waitFor';
import { capturedLogger, countedFor, handoffInput, noUpdates, sampleTicket, tempOutboxFile, testMetrics, tinyRetry } from './fixtures';

/** A ticket system that is down for its first `failures` calls. */
function flakySystem(failures: number) {
  const received: (Ticket | TicketUpdate)[] = [];
  let calls = 0;
  const take = async (entry: Ticket | TicketUpdate) => {
    calls++;
    if (calls <= failures) throw new RetryableDeliveryError('down');
    received.push(entry);
    return { system: 'flaky' };
  };
  const adapter: TicketAdapter = { name: 'flaky', deliver: take, deliverUpdate: take };
  return { adapter, received, calls: () => calls };
}

const outbox = tempOutboxFile();

function deliveryTo(adapter: TicketAdapter, retry: RetryPolicy = tinyRetry) {
  const { logger, lines } = capturedLogger();
  const metrics = testMetrics();
  return {
    lines,
    metrics,
    delivery: createInProcessDelivery({ adapter, outbox: createOutboxAdapter({ file: outbox.path() }), retry, logger, metrics }),
  };
}

describe('delivery without Redis', () => {
  it('retries until the ticket system takes the ticket', async () => {
    const system = flakySystem(3);
    const { delivery, metrics } = deliveryTo(system.adapter);
    await delivery.submit(sampleTicket());
    await waitFor(() => system.received.length === 1);
    expect(system.calls()).toBe(4);
    expect(await outbox.ids()).toEqual([]);
    expect(await countedFor(metrics.ticketsRetried, 'flaky')).toBe(3);
    expect(await countedFor(metrics.ticketsDelivered, 'flaky')).toBe(1);
    expect(await countedFor(metrics.ticketsDeadLettered, 'flaky')).toBe(0);
    await delivery.close();
  });

  it('appends the ticket to the outbox file when every attempt fails', async () => {
    const system = flakySystem(Infinity);
    const { lines, delivery, metrics } = deliveryTo(system.adapter);
    const ticket = sampleTicket();
    await delivery.submit(ticket);
    await waitFor(async () => (await outbox.ids()).length === 1);
    expect(system.calls()).toBe(tinyRetry.attempts);
    expect(await countedFor(metrics.ticketsRetried, 'flaky')).toBe(tinyRetry.attempts - 1);
    expect(await countedFor(metrics.ticketsDeadLettered, 'flaky')).toBe(1);
    expect(await countedFor(metrics.ticketsDelivered, 'flaky')).toBe(0);
    expect(await outbox.ids()).toEqual([ticket.id]);
    expect(lines.at(-1)).toMatchObject({ level: 50, ticketId: ticket.id, err: { type: 'RetryableDeliveryError', message: 'down' } });
    await delivery.close();
  });

  it('delivers a ticket submitted twice once, and returns the first reference both times', async () => {
    const system = flakySystem(0);
    const { delivery } = deliveryTo(system.adapter);
    const first = buildTicket(handoffInput());
    const redelivered = buildTicket(handoffInput());
    expect(redelivered.reference).not.toBe(first.reference);
    expect((await delivery.submit(first)).reference).toBe(first.reference);
    expect((await delivery.submit(redelivered)).reference).toBe(first.reference);
    await waitFor(() => system.received.length === 1);
    await delivery.close();
    expect(system.calls()).toBe(1);
  });

  it('tells which tickets the installers will not get: refused for good or out of attempts, with the reason counted', async () => {
    const [refused, failing, delivered] = [0, 1, 2].map((i) => buildTicket(handoffInput({ conversationId: `conv-${i}` })));
    const adapter: TicketAdapter = {
      name: 'picky',
      async deliver(ticket) {
        if (ticket.id === refused.id) throw new PermanentDeliveryError('installers.example.com answered HTTP 422');
        if (ticket.id === failing.id) throw new RetryableDeliveryError('down');
        return { system: 'picky' };
      },
      deliverUpdate: noUpdates,
    };
    const { delivery, metrics } = deliveryTo(adapter);
    for (const ticket of [refused, failing, delivered]) await delivery.submit(ticket);
    await waitFor(async () => (await outbox.ids()).length === 2);
    expect(await delivery.refused([refused.id, failing.id, delivered.id, 'tkt_unknown'])).toEqual([refused.id, failing.id]);
    expect(await countedFor(metrics.ticketsDeadLettered, 'picky', { reason: 'refused' })).toBe(1);
    expect(await countedFor(metrics.ticketsDeadLettered, 'picky', { reason: 'attempts_exhausted' })).toBe(1);
    await delivery.close();
  });

  it('writes a ticket still waiting for a retry to the outbox when the service shuts down', async () => {
    const system = flakySystem(Infinity);
    const patient = { attempts: 5, backoffBaseMs: 60_000, backoffMaxMs: 60_000 };
    const { delivery, metrics } = deliveryTo(system.adapter, patient);
    const ticket = sampleTicket();
    await delivery.submit(ticket);
    await waitFor(() => system.calls() === 1);
    await delivery.close();
    expect(await outbox.ids()).toEqual([ticket.id]);
    expect(await countedFor(metrics.ticketsDeadLettered, 'flaky')).toBe(0); // kept, not refused
    expect(await delivery.refused([ticket.id])).toEqual([]);
  });
});
