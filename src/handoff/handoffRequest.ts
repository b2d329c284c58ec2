import type { Entities } from '../nlu/types';

/** Why a conversation goes to a person. Fixed codes: tickets, dialogs and reports all use them. */
export const handoffReasons = [
  'emergency_release_failed',
  'socket_stuck_after_reset',
  'pin_damaged',
  'dashboard_error',
  'safety_hazard',
  'customer_request',
  'procedure_exhausted',
] as const;

export type HandoffReason = (typeof handoffReasons)[number];

/** What the user answered at a step; `tried_before` means they said so before we got there. */
export type StepOutcome = 'freed' | 'still_stuck' | 'yes' | 'no' | 'car' | 'charger' | 'both' | 'tried_before';

export interface TriedStep {
  procedure: string;
  step: string;
  outcome: StepOutcome;
}

export interface TranscriptEntry {
  from: 'user' | 'bot';
  text: string;
  at: string;
}

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

/** Everything the handoff entry point receives: the reason and the conversation so far. */
export interface HandoffRequest {
  reason: HandoffReason;
  /** The procedure running when the handoff was decided, if any. */
  scenario?: string;
  stepsTried: TriedStep[];
  entities: Entities;
  transcript: TranscriptEntry[];
  /** Filled by channels that know the user; each value is checked like a typed answer. */
  knownContact?: KnownContact;
  raisedBy?: StaffIdentity;
}
