import { RetryableDeliveryError } from '../deliveryErrors';
import type { Ticket } from '../ticket';
import type { TicketUpdate } from '../ticketUpdate';
import type { TicketAdapter } from './adapter';
import { postJson, sendJson } from './http';

export interface ZendeskOptions {
  readonly subdomain: string;
  readonly email: string;
  readonly apiToken: string;
  readonly timeoutMs: number;
}

const tag = (value: string) => value.toLowerCase().replace(/[^a-z0-9_]+/g, '_');

/** What an installer reads in Zendesk: the ticket as labelled lines, the transcript last. */
function internalNote(ticket: Ticket): string {
  const { contact, site, vehicle, charger, raisedBy } = ticket;
  const lines = [
    `Reference: ${ticket.reference}`,
    `Reason: ${ticket.reason.replace(/_/g, ' ')}`,
    `Scenario: ${ticket.scenario}`,
    `Contact: ${[contact.name, contact.email, contact.phone].filter(Boolean).join(', ')}`,
    `Site: ${[site.postcode, site.town].filter(Boolean).join(', ')}`,
    `Vehicle: ${[vehicle.make, vehicle.model].filter(Boolean).join(' ') || 'not given'}`,
    `Charger: ${charger.model ?? 'not given'}`,
    ...(raisedBy ? [`Raised by: ${raisedBy.name} (${raisedBy.entraObjectId})`] : []),
    `Channel: ${ticket.channel}, ${ticket.locale}, ${ticket.createdAt}`,
    '',
    'Steps tried:',
    ...(ticket.stepsTried.length ? ticket.stepsTried.map((tried) => `- ${tried.procedure} / ${tried.step}: ${tried.outcome}`) : ['- none']),
    '',
    'Transcript:',
    ...ticket.transcript.map((turn) => `${turn.from}: ${turn.text}`),
  ];
  return lines.join('\n');
}

/** The Zendesk "create ticket" request body for one of our tickets. */
export function zendeskTicketBody(ticket: Ticket) {
  return {
    ticket: {
      subject: `Stuck charging cable: ${ticket.reason.replace(/_/g, ' ')} (${ticket.reference})`,
      comment: { body: internalNote(ticket), public: false },
      ...(ticket.contact.email ? { requester: { name: ticket.contact.name, email: ticket.contact.email } } : {}),
      external_id: ticket.id,
      priority: ticket.reason === 'safety_hazard' ? 'urgent' : 'normal',
      tags: ['evc_bot', `reason_${ticket.reason}`, `scenario_${tag(ticket.scenario)}`, `ref_${tag(ticket.reference)}`],
    },
  };
}

/** The internal note an update adds to the Zendesk ticket. */
export function updateNote(update: TicketUpdate): string {
  return [
    `Live chat on ${update.reference}${update.staff ? ` with ${update.staff.name}` : ''}:`,
    '',
    ...update.transcript.map((turn) => `${turn.from}: ${turn.text}`),
  ].join('\n');
}

/**
 * `POST /api/v2/tickets` with an API token; Zendesk honours `Idempotency-Key` on ticket creation.
 * An update finds the ticket by its `external_id` (our ticket id) and adds an internal note to it.
 */
export function createZendeskAdapter(options: ZendeskOptions): TicketAdapter {
  const url = `https://${options.subdomain}.zendesk.com/api/v2/tickets`;
  const authorization = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`;
  return {
    async deliverUpdate(update: TicketUpdate) {
      const search = `https://${options.subdomain}.zendesk.com/api/v2/tickets.json?external_id=${encodeURIComponent(update.ticketId)}`;
      const found = (await (
        await sendJson('GET', search, undefined, { Authorization: authorization }, options.timeoutMs)
      )
        .json()
        .catch(() => undefined)) as { tickets?: { id?: number }[] } | undefined;
      const zendeskId = found?.tickets?.[0]?.id;
      // Its ticket may still be on its way (retried): the update waits for it.
      if (zendeskId === undefined)
        throw new RetryableDeliveryError(`${options.subdomain}.zendesk.com has no ticket ${update.ticketId} yet`);
      const body = JSON.stringify({ ticket: { comment: { body: updateNote(update), public: false } } });
      await sendJson('PUT', `${url}/${zendeskId}.json`, body, { Authorization: authorization }, options.timeoutMs);
      return { system: 'zendesk', externalId: String(zendeskId) };
    },
    name: 'zendesk',
    async deliver(ticket: Ticket) {
      const response = await postJson(
        url,
        JSON.stringify(zendeskTicketBody(ticket)),
        { Authorization: authorization, 'Idempotency-Key': ticket.id },
        options.timeoutMs,
      );
      const created = (await response.json().catch(() => undefined)) as { ticket?: { id?: number } } | undefined;
      const externalId = created?.ticket?.id;
      return { system: 'zendesk', ...(externalId === undefined ? {} : { externalId: String(externalId) }) };
    },
  };
}
