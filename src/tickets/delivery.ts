import type { Ticket } from './ticket';

/**
 * Where the handoff dialog hands a finished ticket. `submit` returns as soon as the ticket is safely
 * accepted (delivery happens in the background). Submitting a ticket whose id was already submitted
 * (a channel redelivering "yes, create it") delivers nothing new and returns the ticket as first
 * submitted, so the user is shown the same reference again.
 */
export interface TicketDelivery {
  submit(ticket: Ticket): Promise<Ticket>;
  close(): Promise<void>;
}
