import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { countDeadLettersFor, type QueueDepthSource, type TicketMetrics } from '../observability/metrics';
import { createRedisClient, isRedisReady, type RedisClient } from '../state/redisClient';
import type { DeliveryReceipt, TicketAdapter } from './adapters/adapter';
import type { TicketDelivery } from './delivery';
import { PermanentDeliveryError, RetryableDeliveryError } from './deliveryErrors';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import { ticketSchema, type Ticket } from './ticket';
import { ticketUpdateSchema, type TicketUpdate } from './ticketUpdate';

/**
 * The durable delivery queue on Redis (BullMQ). The job id is the ticket id, so a second enqueue of
 * the same ticket is a no-op. Retryable failures wait with exponential backoff and jitter (at least
 * as long as a `Retry-After` asked); permanent ones go straight to the failed set, the dead letter.
 * Updates to tickets are jobs of the same queue (`update`, their id the job id), delivered once
 * their ticket is.
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
  readonly logger: Logger;
}

/**
 * BullMQ's error events: an outage is already logged once by the connection (createRedisClient), so
 * what comes while the connection is down goes to debug; anything else is an error. Without a
 * listener BullMQ prints each to stderr.
 */
function bullmqErrorLogger(connection: RedisClient, logger: Logger, source: string): (error: Error) => void {
  return (error) => logger[isRedisReady(connection) ? 'error' : 'debug']({ err: error }, `${source} error`);
}

export interface TicketQueue extends TicketDelivery {
  /** Tickets in the queue by state, for the queue depth gauge. */
  readonly depth: QueueDepthSource;
}

export function createTicketQueue(options: TicketQueueOptions): TicketQueue {
  const queue = new Queue<Ticket | TicketUpdate>(options.queueName ?? defaults.queueName, {
    connection: options.connection,
    prefix: options.prefix ?? defaults.prefix,
  });
  queue.on('error', bullmqErrorLogger(options.connection, options.logger, 'ticket queue'));
  const jobOptions = (jobId: string) => ({
    jobId,
    attempts: options.retry.attempts,
    backoff: { type: backoffType },
    removeOnComplete: { age: options.keepDeliveredHours * 3600 },
    removeOnFail: false,
  });
  return {
    async submit(ticket) {
      await queue.add('deliver', ticket, jobOptions(ticket.id));
      // `add` of an existing id keeps the stored job: its ticket holds the reference the user already has.
      const stored = await queue.getJob(ticket.id);
      return (stored?.data as Ticket | undefined) ?? ticket;
    },
    async update(update) {
      await queue.add('update', update, jobOptions(update.id));
    },
    async refused(ticketIds) {
      // The failed set is the dead letter: a failed attempt that will be retried waits in `delayed`.
      const states = await Promise.all(ticketIds.map((id) => queue.getJobState(id)));
      return ticketIds.filter((_, i) => states[i] === 'failed');
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
  /** How long `close` waits (SHUTDOWN_GRACE_MS). */
  readonly closeWaitMs: number;
}

export interface TicketWorker {
  /**
   * Stops taking jobs and waits for the deliveries in hand, unless `force`. A forced-away job is
   * retried once its lock expires. The wait is bounded by `closeWaitMs`: BullMQ's close needs Redis,
   * so during an outage it would never return and the process could not stop. A worker left behind
   * like this ends with the process; its job is retried like a forced-away one.
   */
  close(force?: boolean): Promise<void>;
}

export function startTicketWorker(options: TicketWorkerOptions): TicketWorker {
  const { adapter, logger, retry, metrics } = options;
  const destination = { destination: adapter.name };
  const deadLettered = countDeadLettersFor(metrics, adapter.name);

  /** One attempt at `send`: a permanent failure, or the last attempt failing, moves the job to the dead letter. Tickets are counted in the metrics. */
  async function attempt(job: Job, what: 'ticket' | 'ticket update', log: Record<string, unknown>, send: () => Promise<DeliveryReceipt>) {
    const counted = what === 'ticket';
    try {
      const receipt = await send();
      logger.info({ ...log, externalId: receipt.externalId }, `${what} delivered`);
      if (counted) metrics.ticketsDelivered.inc(destination);
      return receipt;
    } catch (error) {
      if (error instanceof PermanentDeliveryError) {
        logger.error({ ...log, err: error }, `${what} refused by the receiver; moved to the dead letter`);
        if (counted) deadLettered('refused');
        // BullMQ keeps the message as the job's failed reason; its constructor takes no options.
        throw Object.assign(new UnrecoverableError(error.message), { cause: error });
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) {
        logger.error({ ...log, err: error }, `${what} delivery failed on every attempt; moved to the dead letter`);
        if (counted) deadLettered('attempts_exhausted');
      } else {
        logger.warn({ ...log, err: error }, `${what} delivery failed; will retry`);
        if (counted) metrics.ticketsRetried.inc(destination);
      }
      throw error;
    }
  }

  async function deliverTicket(job: Job) {
    const log = { ticketId: job.id, attempt: job.attemptsMade + 1, adapter: adapter.name };
    const parsed = ticketSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ ...log, issues: parsed.error.issues.length }, 'ticket job holds no valid ticket; moved to the dead letter');
      deadLettered('invalid_ticket');
      throw new UnrecoverableError('job data is not a valid ticket');
    }
    return attempt(job, 'ticket', { ...log, reference: parsed.data.reference }, () => adapter.deliver(parsed.data));
  }

  /** After its ticket: while that is still being delivered the update waits (retried); a ticket given up takes its update with it. */
  async function deliverUpdate(job: Job) {
    const log = { updateId: job.id, attempt: job.attemptsMade + 1, adapter: adapter.name };
    const parsed = ticketUpdateSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ ...log, issues: parsed.error.issues.length }, 'ticket update job holds no valid update; moved to the dead letter');
      throw new UnrecoverableError('job data is not a valid ticket update');
    }
    const update = parsed.data;
    // 'unknown': delivered so long ago that its job was removed, or delivered before the queue was used.
    const ticketState = (await (await Job.fromId(worker, update.ticketId))?.getState()) ?? 'unknown';
    return attempt(job, 'ticket update', { ...log, ticketId: update.ticketId }, async () => {
      if (ticketState === 'failed') throw new PermanentDeliveryError(`its ticket ${update.ticketId} was not delivered (dead letter)`);
      if (ticketState !== 'completed' && ticketState !== 'unknown')
        throw new RetryableDeliveryError(`its ticket ${update.ticketId} is not delivered yet`);
      return adapter.deliverUpdate(update);
    });
  }

  const worker: Worker = new Worker(
    options.queueName ?? defaults.queueName,
    (job) => (job.name === 'update' ? deliverUpdate(job) : deliverTicket(job)),
    {
      connection: options.connection,
      prefix: options.prefix ?? defaults.prefix,
      concurrency: 4,
      maxStalledCount: 3,
      ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
      ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
      settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelayMs(attemptsMade, error, retry) },
    },
  );
  worker.on('error', bullmqErrorLogger(options.connection, logger, 'ticket worker'));
  return {
    async close(force = false) {
      const closed = worker.close(force).then(
        () => true,
        (error: Error) => (logger.warn({ err: error }, 'ticket worker closed with an error'), true),
      );
      if (!(await Promise.race([closed, sleep(options.closeWaitMs, false, { ref: false })]))) {
        logger.warn(
          { waitedMs: options.closeWaitMs },
          'ticket worker did not stop within the wait (a slow delivery, or Redis unreachable); a delivery in hand is retried later',
        );
      }
    },
  };
}
