import { type Activity, EventFactory, type TurnContext } from 'botbuilder';
import type { Ticket } from '../tickets/ticket';

/** What a live-agent hub gets with the handoff: enough to find the ticket the installers receive. */
export interface HandoffContext {
  ticketId: string;
  reference: string;
  reason: Ticket['reason'];
  scenario: string;
}

/**
 * The Bot Framework `handoff.initiate` event for a created ticket, carrying the conversation so far
 * as message activities, so a channel with a live-agent hub can take over.
 */
export function handoffInitiation(context: TurnContext, ticket: Ticket): Partial<Activity> {
  const { from, recipient, conversation, channelId } = context.activity;
  const activities = ticket.transcript.map(
    (entry) =>
      ({
        type: 'message',
        text: entry.text,
        timestamp: new Date(entry.at),
        from: entry.from === 'user' ? from : recipient,
        recipient: entry.from === 'user' ? recipient : from,
        conversation,
        channelId,
      }) as Activity,
  );
  const handoffContext: HandoffContext = {
    ticketId: ticket.id,
    reference: ticket.reference,
    reason: ticket.reason,
    scenario: ticket.scenario,
  };
  return EventFactory.createHandoffInitiation(context, handoffContext, { activities });
}
