import type { Ticket } from './ticket';
import type { TicketUpdate } from './ticketUpdate';

/**
 * Where the handoff dialog hands a finished ticket. `submit` returns as soon as the ticket is safely
 * accepted (delivery happens in the background). Submitting a ticket whose id was already submitted
 * (a channel redelivering "yes, create it") delivers nothing new and returns the ticket as first
 * submitted, so the user is shown the same reference again.
 */
export interface TicketDelivery {
  submit(ticket: Ticket): Promise<Ticket>;
  /**
   * Of `ticketIds` (tickets a conversation submitted), the ones the installers will not get: the
   * receiver refused them for good (4xx) or every attempt failed, so they were dead-lettered (the
   * queue's failed set, or the outbox file without Redis). The conversation tells its driver. With
   * the queue this is a read of Redis, shared by every instance; it rejects while Redis is unreachable.
   */
  refused(ticketIds: readonly string[]): Promise<string[]>;
  /**
   * Adds `update` to its ticket, in the background like a ticket: delivered once the ticket is, with
   * the same retries; an update whose id was already submitted is not delivered again.
   */
  update(update: TicketUpdate): Promise<void>;
  close(): Promise<void>;
}
