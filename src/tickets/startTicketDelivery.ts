import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../observability/metrics';
import { closeRedisClient, createRedisClient } from '../state/redisClient';
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

/** Under REDIS_KEY_PREFIX like every other key; the braces keep the queue in one Cluster slot. */
export function ticketQueueLocation(config: Pick<Config, 'redis'>): QueueLocation {
  return { prefix: `${config.redis.keyPrefix}{tickets}` };
}

/**
 * Ticket delivery as the configuration asks: with Redis, the durable queue plus (unless
 * `TICKET_WORKER=standalone`) a worker in this process; without Redis, in-process delivery that falls
 * back to the outbox file.
 */
export function startTicketDelivery(
  config: Pick<Config, 'redis' | 'tickets' | 'shutdownGraceMs'>,
  logger: Logger,
  metrics: Metrics,
  location: QueueLocation = {},
): RunningTicketDelivery {
  const { tickets } = config;
  const queueLocation: QueueLocation = { ...ticketQueueLocation(config), ...location };
  const adapter = createTicketAdapter(tickets);
  if (!config.redis.connection) {
    logger.warn(
      { adapter: adapter.name },
      'no Redis configured: tickets are delivered in-process, undeliverable ones go to the outbox file',
    );
    const delivery = createInProcessDelivery({
      adapter,
      outbox: createOutboxAdapter({ file: tickets.outboxFile }),
      retry: tickets.retry,
      logger,
      metrics,
    });
    return { delivery, close: () => delivery.close() };
  }
  // Adding a job fails fast during an outage (the user is asked to confirm again); the worker waits.
  const queueConnection = createRedisClient(config.redis, logger);
  const delivery = createTicketQueue({
    ...queueLocation,
    connection: queueConnection,
    retry: tickets.retry,
    keepDeliveredHours: tickets.keepDeliveredHours,
    logger,
  });
  metrics.setQueueDepthSource(delivery.depth);
  const workerConnection = tickets.worker === 'embedded' ? createBullmqConnection(config.redis, logger) : undefined;
  const worker =
    workerConnection &&
    startTicketWorker({
      ...queueLocation,
      connection: workerConnection,
      adapter,
      retry: tickets.retry,
      logger,
      metrics,
      closeWaitMs: config.shutdownGraceMs,
    });
  logger.info({ adapter: adapter.name, worker: tickets.worker }, 'ticket delivery queue ready');
  return {
    delivery,
    async close() {
      await worker?.close();
      await delivery.close();
      await Promise.all([queueConnection, workerConnection].map((connection) => connection && closeRedisClient(connection)));
    },
  };
}
