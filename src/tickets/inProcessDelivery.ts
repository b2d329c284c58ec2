import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger';
import { countDeadLettersFor, type TicketMetrics } from '../observability/metrics';
import type { DeliveryReceipt, TicketAdapter } from './adapters/adapter';
import type { TicketDelivery } from './delivery';
import { PermanentDeliveryError } from './deliveryErrors';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import type { Ticket } from './ticket';
import type { TicketUpdate } from './ticketUpdate';

export interface InProcessDeliveryOptions {
  readonly adapter: TicketAdapter;
  /** Where a ticket goes when the adapter cannot take it: nothing is dropped. */
  readonly outbox: TicketAdapter;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly metrics: TicketMetrics;
}

type Sent = 'ticket' | 'ticket update';

/**
 * Delivery without Redis: the same retry policy as the queue, in this process. A ticket that is
 * refused, runs out of attempts, or is still waiting when the service shuts down is appended to the
 * outbox file instead; the first two count as `refused` (the installers will not get them unless
 * someone takes them from the file). Duplicates are recognised for the life of the process. An
 * update waits for its ticket's delivery and goes where it went: to the receiver, or to the outbox file.
 */
export function createInProcessDelivery(options: InProcessDeliveryOptions): TicketDelivery {
  const { adapter, outbox, retry, logger, metrics } = options;
  const destination = { destination: adapter.name };
  const deadLettered = countDeadLettersFor(metrics, adapter.name);
  const submitted = new Map<string, { ticket: Ticket; delivered: Promise<boolean> }>();
  const updates = new Set<string>();
  const undelivered = new Set<string>();
  const running = new Set<Promise<unknown>>();
  const shutdown = new AbortController();

  /** Resolves once sent; throws the last error when refused, out of attempts or shut down. Tickets are counted in the metrics. */
  async function withRetries(what: Sent, log: Record<string, unknown>, send: () => Promise<DeliveryReceipt>): Promise<void> {
    const counted = what === 'ticket';
    for (let attemptsMade = 1; ; attemptsMade++) {
      try {
        const receipt = await send();
        logger.info({ ...log, externalId: receipt.externalId, adapter: adapter.name }, `${what} delivered`);
        if (counted) metrics.ticketsDelivered.inc(destination);
        return;
      } catch (error) {
        if (error instanceof PermanentDeliveryError || attemptsMade >= retry.attempts) throw error;
        const retryInMs = retryDelayMs(attemptsMade, error, retry);
        if (counted) metrics.ticketsRetried.inc(destination);
        logger.warn({ ...log, attempt: attemptsMade, retryInMs, adapter: adapter.name, err: error }, `${what} delivery failed; will retry`);
        await sleep(retryInMs, undefined, { signal: shutdown.signal });
      }
    }
  }

  /** Whether the ticket reached the receiver; otherwise it is in the outbox file (or, if even that failed, logged as lost). */
  async function deliver(ticket: Ticket): Promise<boolean> {
    try {
      await withRetries('ticket', { ticketId: ticket.id, reference: ticket.reference }, () => adapter.deliver(ticket));
      return true;
    } catch (failure) {
      // Waiting at shutdown is not a failure: the ticket goes to the outbox file, but was not refused.
      if (!shutdown.signal.aborted) {
        undelivered.add(ticket.id);
        deadLettered(failure instanceof PermanentDeliveryError ? 'refused' : 'attempts_exhausted');
      }
      await toOutbox('ticket', { ticketId: ticket.id, reference: ticket.reference }, failure, () => outbox.deliver(ticket));
      return false;
    }
  }

  async function deliverUpdate(update: TicketUpdate): Promise<void> {
    const log = { updateId: update.id, ticketId: update.ticketId };
    // A ticket submitted before this process started was delivered (or sent to the outbox file) by then.
    const ticketDelivered = (await submitted.get(update.ticketId)?.delivered) ?? true;
    try {
      if (!ticketDelivered) throw new PermanentDeliveryError(`its ticket ${update.ticketId} went to the outbox file`);
      await withRetries('ticket update', log, () => adapter.deliverUpdate(update));
    } catch (failure) {
      await toOutbox('ticket update', log, failure, () => outbox.deliverUpdate(update));
    }
  }

  async function toOutbox(
    what: Sent,
    log: Record<string, unknown>,
    failure: unknown,
    append: () => Promise<DeliveryReceipt>,
  ): Promise<void> {
    // At shutdown the failure is the aborted wait between attempts; the last attempt's error was logged.
    const why = shutdown.signal.aborted ? { shutDown: true } : { err: failure };
    try {
      await append();
      logger.error({ ...log, adapter: adapter.name, ...why }, `${what} not delivered; appended to the outbox file`);
    } catch (error) {
      logger.fatal({ ...log, ...why, outboxError: error }, `${what} not delivered and the outbox file cannot be written`);
    }
  }

  function inBackground<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  }

  return {
    async submit(ticket) {
      const first = submitted.get(ticket.id);
      if (first) return first.ticket;
      submitted.set(ticket.id, { ticket, delivered: inBackground(deliver(ticket)) });
      return ticket;
    },
    async refused(ticketIds) {
      return ticketIds.filter((id) => undelivered.has(id));
    },
    async update(update) {
      if (updates.has(update.id)) return;
      updates.add(update.id);
      void inBackground(deliverUpdate(update));
    },
    async close() {
      shutdown.abort();
      await Promise.all(running);
    },
  };
}
