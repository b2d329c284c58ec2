import type { TicketsConfig } from '../../config';
import type { TicketAdapter } from './adapter';
import { createOutboxAdapter } from './outbox';
import { createWebhookAdapter } from './webhook';
import { createZendeskAdapter } from './zendesk';

/** The adapter the configuration names. A new ticket system: one adapter file, one case here. */
export function createTicketAdapter(tickets: TicketsConfig): TicketAdapter {
  const { adapter, timeoutMs } = tickets;
  switch (adapter.kind) {
    case 'webhook':
      return createWebhookAdapter({ url: adapter.url, secret: adapter.secret, timeoutMs });
    case 'zendesk':
      return createZendeskAdapter({ subdomain: adapter.subdomain, email: adapter.email, apiToken: adapter.apiToken, timeoutMs });
    case 'outbox':
      return createOutboxAdapter({ file: tickets.outboxFile });
  }
}
