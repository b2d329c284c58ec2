import { createHmac } from 'node:crypto';
import type { Ticket } from '../ticket';
import type { TicketUpdate } from '../ticketUpdate';
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

/**
 * POSTs the ticket JSON as is, signed, with the ticket id as `Idempotency-Key`; an update the same
 * way to the same URL, with its own id as the key and `X-Ticket-Event: updated`.
 */
export function createWebhookAdapter(options: WebhookOptions): TicketAdapter {
  const post = async (payload: Ticket | TicketUpdate, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(payload);
    await postJson(
      options.url,
      body,
      { 'Idempotency-Key': payload.id, 'X-Signature-256': webhookSignature(body, options.secret), ...headers },
      options.timeoutMs,
    );
    return { system: 'webhook' };
  };
  return {
    name: 'webhook',
    deliver: (ticket) => post(ticket),
    deliverUpdate: (update) => post(update, { 'X-Ticket-Event': 'updated' }),
  };
}
