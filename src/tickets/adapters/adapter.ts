import type { Ticket } from '../ticket';
import type { TicketUpdate } from '../ticketUpdate';

export interface DeliveryReceipt {
  /** The adapter that delivered it. */
  readonly system: string;
  /** The receiver's own id for the ticket, when it returns one. */
  readonly externalId?: string;
}

/**
 * One ticket system. `deliver` resolves once the receiver has the ticket and throws a
 * `RetryableDeliveryError` or `PermanentDeliveryError` otherwise. Receivers see the ticket id as the
 * idempotency key, so delivering the same ticket twice must not create two tickets there.
 * `deliverUpdate` adds an update to a ticket the receiver already has, in the same way (its id the key).
 */
export interface TicketAdapter {
  readonly name: string;
  deliver(ticket: Ticket): Promise<DeliveryReceipt>;
  deliverUpdate(update: TicketUpdate): Promise<DeliveryReceipt>;
}
