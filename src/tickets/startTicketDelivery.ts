import type { Config } from '../config';
import type { Logger } from '../logger';
import { createTicketAdapter } from './adapters';
import { createOutboxAdapter } from './adapters/outbox';
import type { TicketDelivery } from './delivery';
import { createBullmqConnection, createTicketQueue, startTicketWorker, type QueueLocation } from './deliveryQueue';
import { createInProcessDelivery } from './inProcessDelivery';

export interface RunningTicketDelivery {
  readonly delivery: TicketDelivery;
  /** Stops the worker (an active delivery finishes first), then the queue and its connections. */
  close(): Promise<void>;
}

/**
 * Ticket delivery as the configuration asks: with Redis, the durable queue plus (unless
 * `TICKET_WORKER=standalone`) a worker in this process; without Redis, in-process delivery that falls
 * back to the outbox file.
 */
export function startTicketDelivery(
  config: Pick<Config, 'redis' | 'tickets'>,
  logger: Logger,
  location: QueueLocation = {},
): RunningTicketDelivery {
  const { tickets } = config;
  const adapter = createTicketAdapter(tickets);
  if (!config.redis.url) {
    logger.warn({ adapter: adapter.name }, 'no REDIS_URL: tickets are delivered in-process, undeliverable ones go to the outbox file');
    const delivery = createInProcessDelivery({ adapter, outbox: createOutboxAdapter({ file: tickets.outboxFile }), retry: tickets.retry, logger });
    return { delivery, close: () => delivery.close() };
  }
  const queueConnection = createBullmqConnection(config.redis.url);
  const delivery = createTicketQueue({ ...location, connection: queueConnection, retry: tickets.retry, keepDeliveredHours: tickets.keepDeliveredHours });
  const workerConnection = tickets.worker === 'embedded' ? createBullmqConnection(config.redis.url) : undefined;
  const worker = workerConnection && startTicketWorker({ ...location, connection: workerConnection, adapter, retry: tickets.retry, logger });
  logger.info({ adapter: adapter.name, worker: tickets.worker }, 'ticket delivery queue ready');
  return {
    delivery,
    async close() {
      await worker?.close();
      await delivery.close();
      await Promise.all([queueConnection.quit(), workerConnection?.quit()]);
    },
  };
}
