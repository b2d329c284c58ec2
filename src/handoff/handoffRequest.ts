import type { Entities } from '../nlu/types';
import type { HandoffReason, ReleaseFactGiven, Ticket, TriedStep } from '../tickets/ticket';

export type { ReleaseFactGiven };

/** What a channel already knows about the user (e.g. Teams); the handoff does not ask for it again. */
export interface KnownContact {
  name?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  town?: string;
}

/** Field staff raising a ticket for a customer (Teams). */
export interface StaffIdentity {
  entraObjectId: string;
  name: string;
}

/** Everything the handoff starts from: why, and what the conversation found out so far. */
export interface HandoffRequest {
  reason: HandoffReason;
  /** The procedure running when the handoff was decided, if any. */
  scenario?: string;
  stepsTried: TriedStep[];
  entities: Entities;
  /** Filled by channels that know the user; each value is checked like a typed answer. */
  knownContact?: KnownContact;
  raisedBy?: StaffIdentity;
  /** The car and charger models named in the conversation; the interview's answers come first. */
  vehicle?: Ticket['vehicle'];
  charger?: Ticket['charger'];
  /** The makers' facts the driver was given (knowledge/vehicles/, knowledge/chargers/). */
  factsGiven?: ReleaseFactGiven[];
}
