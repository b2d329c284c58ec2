import { Registry } from 'prom-client';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { createMetrics } from '../observability/metrics';
import { closeRedisClient } from '../state/redisClient';
import { createTicketAdapter } from '../tickets/adapters';
import { createBullmqConnection, startTicketWorker } from '../tickets/deliveryQueue';
import { ticketQueueLocation } from '../tickets/startTicketDelivery';

/**
 * `npm run worker`: delivers queued escalation tickets on its own, e.g. next to a service started
 * with `TICKET_WORKER=standalone`. Stops cleanly on SIGINT/SIGTERM after the delivery in hand.
 */
function main(): void {
  const config = loadConfig();
  const logger = createLogger(config);
  if (!config.redis.connection) {
    logger.fatal(
      'the ticket worker needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES): without it the service delivers tickets itself',
    );
    process.exitCode = 1;
    return;
  }
  const connection = createBullmqConnection(config.redis, logger);
  // Nothing scrapes the standalone worker: its counters stay here; the service's /metrics shows the queue depth.
  const metrics = createMetrics(new Registry());
  const worker = startTicketWorker({
    ...ticketQueueLocation(config),
    connection,
    adapter: createTicketAdapter(config.tickets),
    retry: config.tickets.retry,
    logger,
    metrics,
    closeWaitMs: config.shutdownGraceMs,
  });
  logger.info({ adapter: config.tickets.adapter.kind }, 'ticket worker started');

  const stop = async (signal: string) => {
    logger.info({ signal }, 'ticket worker stopping');
    await worker.close();
    await closeRedisClient(connection);
    logger.info('ticket worker stopped');
    logger.flush();
    // A worker left waiting for an unreachable Redis would keep the process alive.
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
