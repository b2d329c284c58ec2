import type { ConversationReference } from 'botbuilder';
import type { LiveAgentHub } from './liveEvents';
import { fillTemplate, type Messages, userText } from '../../content/messages';
import { hashId, type Logger } from '../../logger';
import type { TicketDelivery } from '../../tickets/delivery';
import type { Ticket, TranscriptEntry } from '../../tickets/ticket';
import { liveChatUpdate } from '../../tickets/ticketUpdate';
import { escalationCard, spokenLine } from './escalationCard';
import type { LiveHandoffs } from './liveHandoffs';
import type { SupportChannel } from './supportChannel';

export interface TeamsLiveAgentHubDeps {
  handoffs: LiveHandoffs;
  channel: SupportChannel;
  tickets: Pick<TicketDelivery, 'update'>;
  texts: Messages['liveStaff'];
  logger: Logger;
}

/**
 * The driver's side of a live handoff, towards the support team's Teams channel: a ticket offered
 * as a thread with its card, the driver's messages posted into it while a person has the chat, and
 * when they leave, the live part of the conversation posted there and added to the ticket. What the
 * staff do in the thread is `staffActions`.
 */
export class TeamsLiveAgentHub implements LiveAgentHub {
  constructor(private readonly deps: TeamsLiveAgentHubDeps) {}

  async offer(ticket: Ticket, driver: Partial<ConversationReference>): Promise<void> {
    const { handoffs, channel, texts, logger } = this.deps;
    // A ticket is offered once: a redelivered "yes, create it" does not open a second thread.
    if (await handoffs.get(ticket.reference)) return;
    const offeredAt = new Date().toISOString();
    const thread = await channel.startThread(escalationCard({ ticket, offeredAt }, texts));
    await handoffs.open({ reference: ticket.reference, ticket, driver, thread, offeredAt });
    logger.info(
      { reference: ticket.reference, conversation: hashId(driver.conversation?.id) },
      'live handoff offered to the support channel',
    );
  }

  async relay(reference: string, text: string, hazard: boolean): Promise<void> {
    const handoff = await this.handoff(reference, 'relay');
    if (!handoff) return;
    const { texts } = this.deps;
    await this.deps.channel.post(handoff.thread, fillTemplate(hazard ? texts.driverHazard : texts.driverSays, { text: userText(text) }));
  }

  /** The ticket first: the installers keep the transcript even when Teams cannot be reached. */
  async ended(reference: string, ticketId: string, transcript: TranscriptEntry[]): Promise<void> {
    const handoff = await this.handoff(reference, 'end');
    const { texts, tickets, channel } = this.deps;
    const update = liveChatUpdate({ ticketId, reference, staffName: handoff?.takenBy?.name, transcript });
    await tickets.update(update);
    if (!handoff) return;
    // As capped for the ticket, so one long chat cannot make a message too big for Teams.
    const lines = update.transcript.map((entry) => spokenLine(entry, texts));
    await channel.post(handoff.thread, [fillTemplate(texts.transcriptTitle, { reference }), ...lines].join('\n\n'));
  }

  private async handoff(reference: string, what: string) {
    const handoff = await this.deps.handoffs.get(reference);
    if (!handoff) this.deps.logger.warn({ reference, what }, 'live handoff not found (expired?): nothing posted to the support channel');
    return handoff;
  }
}
