import { createHmac } from 'node:crypto';
import type { Ticket } from '../ticket';
import type { TicketAdapter } from './adapter';
import { postJson } from './http';

export interface WebhookOptions {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
}

/** The receiver checks this against the exact body bytes it got, before parsing them. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** POSTs the ticket JSON as is, signed, with the ticket id as `Idempotency-Key`. */
export function createWebhookAdapter(options: WebhookOptions): TicketAdapter {
  return {
    name: 'webhook',
    async deliver(ticket: Ticket) {
      const body = JSON.stringify(ticket);
      await postJson(
        options.url,
        body,
        { 'Idempotency-Key': ticket.id, 'X-Signature-256': webhookSignature(body, options.secret) },
        options.timeoutMs,
      );
      return { system: 'webhook' };
    },
  };
}
