import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { QueueDepthSource, TicketMetrics } from '../observability/metrics';
import { createRedisClient, type RedisClient } from '../state/redisClient';
import type { TicketAdapter } from './adapters/adapter';
import type { TicketDelivery } from './delivery';
import { PermanentDeliveryError } from './deliveryErrors';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import { ticketSchema, type Ticket } from './ticket';

/**
 * The durable delivery queue on Redis (BullMQ). The job id is the ticket id, so a second enqueue of
 * the same ticket is a no-op. Retryable failures wait with exponential backoff and jitter (at least
 * as long as a `Retry-After` asked); permanent ones go straight to the failed set, the dead letter.
 */

export interface QueueLocation {
  readonly queueName?: string;
  /** In braces so all of the queue's keys hash to one Redis Cluster slot. */
  readonly prefix?: string;
}

const defaults = { queueName: 'tickets', prefix: '{evc}' } as const;
const backoffType = 'ticket-retry';

/**
 * A connection for BullMQ's worker on any configured topology (single, Sentinel, Cluster). Its
 * blocking commands need `maxRetriesPerRequest: null`, an offline queue and no command timeout; the
 * queue that only adds jobs uses a plain fail-fast client instead, so a turn never waits on an outage.
 */
export function createBullmqConnection(redis: Config['redis'], logger: Logger): RedisClient {
  return createRedisClient(redis, logger, { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined });
}

export interface TicketQueueOptions extends QueueLocation {
  readonly connection: RedisClient;
  readonly retry: RetryPolicy;
  /** Delivered jobs are kept this long, so a late duplicate is still recognised. */
  readonly keepDeliveredHours: number;
}

export interface TicketQueue extends TicketDelivery {
  /** Tickets in the queue by state, for the queue depth gauge. */
  readonly depth: QueueDepthSource;
}

export function createTicketQueue(options: TicketQueueOptions): TicketQueue {
  const queue = new Queue<Ticket>(options.queueName ?? defaults.queueName, {
    connection: options.connection,
    prefix: options.prefix ?? defaults.prefix,
  });
  return {
    async submit(ticket) {
      await queue.add('deliver', ticket, {
        jobId: ticket.id,
        attempts: options.retry.attempts,
        backoff: { type: backoffType },
        removeOnComplete: { age: options.keepDeliveredHours * 3600 },
        removeOnFail: false,
      });
      // `add` of an existing id keeps the stored job: its ticket holds the reference the user already has.
      const stored = await queue.getJob(ticket.id);
      return stored?.data ?? ticket;
    },
    depth: () => queue.getJobCounts('waiting', 'delayed', 'active', 'failed'),
    close: () => queue.close(),
  };
}

export interface TicketWorkerOptions extends QueueLocation {
  readonly connection: RedisClient;
  readonly adapter: TicketAdapter;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly metrics: TicketMetrics;
  /** How often to look for jobs whose worker died mid-delivery; they are retried. */
  readonly stalledIntervalMs?: number;
  readonly lockDurationMs?: number;
}

export interface TicketWorker {
  /** Waits for deliveries in hand unless `force`: a forced-away job is retried once its lock expires. */
  close(force?: boolean): Promise<void>;
}

export function startTicketWorker(options: TicketWorkerOptions): TicketWorker {
  const { adapter, logger, retry, metrics } = options;
  const destination = { destination: adapter.name };

  async function deliver(job: Job<Ticket>) {
    const log = { ticketId: job.id, attempt: job.attemptsMade + 1, adapter: adapter.name };
    const parsed = ticketSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ ...log, issues: parsed.error.issues.length }, 'ticket job holds no valid ticket; moved to the dead letter');
      metrics.ticketsDeadLettered.inc(destination);
      throw new UnrecoverableError('job data is not a valid ticket');
    }
    try {
      const receipt = await adapter.deliver(parsed.data);
      logger.info({ ...log, reference: parsed.data.reference, externalId: receipt.externalId }, 'ticket delivered');
      metrics.ticketsDelivered.inc(destination);
      return receipt;
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof PermanentDeliveryError) {
        logger.error({ ...log, err: message }, 'ticket refused by the receiver; moved to the dead letter');
        metrics.ticketsDeadLettered.inc(destination);
        throw new UnrecoverableError(message);
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) {
        logger.error({ ...log, err: message }, 'ticket delivery failed on every attempt; moved to the dead letter');
        metrics.ticketsDeadLettered.inc(destination);
      } else {
        logger.warn({ ...log, err: message }, 'ticket delivery failed; will retry');
        metrics.ticketsRetried.inc(destination);
      }
      throw error;
    }
  }

  const worker = new Worker<Ticket>(options.queueName ?? defaults.queueName, deliver, {
    connection: options.connection,
    prefix: options.prefix ?? defaults.prefix,
    concurrency: 4,
    maxStalledCount: 3,
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
    settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelayMs(attemptsMade, error, retry) },
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'ticket worker error'));
  return { close: (force = false) => worker.close(force) };
}
