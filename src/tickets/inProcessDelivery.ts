import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger';
import { countDeadLettersFor, type TicketMetrics } from '../observability/metrics';
import type { TicketAdapter } from './adapters/adapter';
import type { TicketDelivery } from './delivery';
import { PermanentDeliveryError } from './deliveryErrors';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import type { Ticket } from './ticket';

export interface InProcessDeliveryOptions {
  readonly adapter: TicketAdapter;
  /** Where a ticket goes when the adapter cannot take it: nothing is dropped. */
  readonly outbox: TicketAdapter;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly metrics: TicketMetrics;
}

/**
 * Delivery without Redis: the same retry policy as the queue, in this process. A ticket that is
 * refused, runs out of attempts, or is still waiting when the service shuts down is appended to the
 * outbox file instead; the first two count as `refused` (the installers will not get them unless
 * someone takes them from the file). Duplicates are recognised for the life of the process.
 */
export function createInProcessDelivery(options: InProcessDeliveryOptions): TicketDelivery {
  const { adapter, outbox, retry, logger, metrics } = options;
  const destination = { destination: adapter.name };
  const deadLettered = countDeadLettersFor(metrics, adapter.name);
  const submitted = new Map<string, Ticket>();
  const undelivered = new Set<string>();
  const running = new Set<Promise<void>>();
  const shutdown = new AbortController();

  /** Resolves once delivered; throws the last error when refused, out of attempts or shut down. */
  async function attempt(ticket: Ticket): Promise<void> {
    for (let attemptsMade = 1; ; attemptsMade++) {
      try {
        const receipt = await adapter.deliver(ticket);
        logger.info({ ticketId: ticket.id, reference: ticket.reference, externalId: receipt.externalId, adapter: adapter.name }, 'ticket delivered');
        metrics.ticketsDelivered.inc(destination);
        return;
      } catch (error) {
        if (error instanceof PermanentDeliveryError || attemptsMade >= retry.attempts) throw error;
        const retryInMs = retryDelayMs(attemptsMade, error, retry);
        metrics.ticketsRetried.inc(destination);
        logger.warn({ ticketId: ticket.id, attempt: attemptsMade, retryInMs, adapter: adapter.name, err: error }, 'ticket delivery failed; will retry');
        await sleep(retryInMs, undefined, { signal: shutdown.signal });
      }
    }
  }

  async function deliver(ticket: Ticket): Promise<void> {
    try {
      await attempt(ticket);
    } catch (failure) {
      // Waiting at shutdown is not a failure: the ticket goes to the outbox file, but was not refused.
      if (!shutdown.signal.aborted) {
        undelivered.add(ticket.id);
        deadLettered(failure instanceof PermanentDeliveryError ? 'refused' : 'attempts_exhausted');
      }
      // At shutdown the failure is the aborted wait between attempts; the last attempt's error was logged.
      const why = shutdown.signal.aborted ? { shutDown: true } : { err: failure };
      try {
        await outbox.deliver(ticket);
        logger.error({ ticketId: ticket.id, adapter: adapter.name, ...why }, 'ticket not delivered; appended to the outbox file');
      } catch (error) {
        logger.fatal(
          { ticketId: ticket.id, reference: ticket.reference, ...why, outboxError: error },
          'ticket not delivered and the outbox file cannot be written',
        );
      }
    }
  }

  return {
    async submit(ticket) {
      const first = submitted.get(ticket.id);
      if (first) return first;
      submitted.set(ticket.id, ticket);
      const delivery = deliver(ticket).finally(() => running.delete(delivery));
      running.add(delivery);
      return ticket;
    },
    async refused(ticketIds) {
      return ticketIds.filter((id) => undelivered.has(id));
    },
    async close() {
      shutdown.abort();
      await Promise.all(running);
    },
  };
}
