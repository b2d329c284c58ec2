import { fillTemplate, type Messages } from '../content/messages';
import type { PhotoReference } from '../photos/photoReference';
import type { TicketPhoto } from '../tickets/ticket';
import { maxPhotosKept } from './conversationState';
import type { Turn } from './turn';

/**
 * Photos the driver sent: kept with the conversation (references, the most recent ones) for a
 * ticket, and acknowledged. They answer nothing: a step's question is still open, and the words of
 * the message (if any) are read as always.
 */
export function receivePhotos(turn: Turn, photos: readonly PhotoReference[], messages: Messages): void {
  const kept = turn.state.photos ?? [];
  const added = photos.filter((photo) => !kept.some((earlier) => earlier.id === photo.id));
  if (added.length === 0) return;
  turn.update({ photos: [...kept, ...added].slice(-maxPhotosKept) });
  // A ticket already delivered does not take photos sent after it: the driver is told so.
  const ticket = turn.state.record.tickets.at(-1);
  turn.say(ticket ? fillTemplate(messages.photoAfterTicket, { reference: ticket.reference }) : messages.photoReceived);
}

/** The conversation's photos as a ticket carries them: each with a link that works as long as the ticket is kept. */
export function ticketPhotos(
  photos: readonly PhotoReference[] | undefined,
  linkTo: ((photo: PhotoReference) => string) | undefined,
): { photos?: TicketPhoto[] } {
  if (!photos?.length || !linkTo) return {};
  return { photos: photos.map((photo) => ({ ...photo, url: linkTo(photo) })) };
}
