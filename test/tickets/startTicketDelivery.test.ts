import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { loadConfig } from '../../src/config';
import { createBullmqConnection } from '../../src/tickets/deliveryQueue';
import { startTicketDelivery } from '../../src/tickets/startTicketDelivery';
import { sharedRedisUrl as redisUrl } from '../state/redisTestKit';
import { waitFor } from '../support/waitFor';
import { capturedLogger, sampleTicket, tempOutboxFile, testMetrics } from './fixtures';

const outbox = tempOutboxFile();

describe('ticket delivery as configured', () => {
  it('without Redis or a ticket system, writes tickets to the outbox file', async () => {
    const { logger } = capturedLogger();
    const running = startTicketDelivery(loadConfig({ TICKET_OUTBOX_FILE: outbox.path() }), logger, testMetrics());
    const ticket = sampleTicket();
    await running.delivery.submit(ticket);
    await waitFor(async () => (await outbox.ids()).length === 1);
    await running.close();
    expect(await outbox.ids()).toEqual([ticket.id]);
  });

  it('with Redis, queues tickets and delivers them with the worker inside the service', async () => {
    const { logger } = capturedLogger();
    const location = { prefix: `{test-tickets-${randomUUID()}}` };
    const metrics = testMetrics();
    const running = startTicketDelivery(loadConfig({ TICKET_OUTBOX_FILE: outbox.path(), REDIS_URL: redisUrl }), logger, metrics, location);
    const inspectorConnection = createBullmqConnection(loadConfig({ REDIS_URL: redisUrl }).redis, logger);
    const inspector = new Queue('tickets', { connection: inspectorConnection, ...location });
    try {
      const ticket = sampleTicket();
      await running.delivery.submit(ticket);
      await waitFor(async () => (await inspector.getJobState(ticket.id)) === 'completed');
      expect(await outbox.ids()).toEqual([ticket.id]);
      expect(await metrics.registry.getSingleMetricAsString('evc_ticket_queue_depth')).toMatch(
        /^evc_ticket_queue_depth\{state="waiting"\} 0$/m,
      );
      expect(await metrics.registry.getSingleMetricAsString('evc_tickets_delivered_total')).toMatch(/destination="outbox"\} 1$/m);
    } finally {
      await running.close();
      await inspector.obliterate({ force: true });
      await inspector.close();
      await inspectorConnection.quit();
    }
  });
});
