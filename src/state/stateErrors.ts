/**
 * How the state stores fail. The turn guard tells an outage (answer with the outage message) from a
 * save that came too late (answer "send that again") and from a bug (the turn's recovery) by class.
 */

/** A write whose eTag is no longer the stored one: someone else wrote first, nothing was written. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/** The store could not be reached (Redis down, failing over, too slow): an outage, not a bug. */
export class StateUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super('Conversation state store unreachable', options);
    this.name = 'StateUnavailableError';
  }
}
