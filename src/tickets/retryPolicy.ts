import { RetryableDeliveryError } from './deliveryErrors';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** A receiver asking for more than this is waited on for this long, then tried again. */
const maxRetryAfterMs = 60 * 60 * 1000;

/**
 * Delay before attempt `attemptsMade + 1`: exponential from the base, capped, with "equal jitter"
 * (between half and all of it) so tickets that failed together do not retry together. A
 * `Retry-After` from the receiver is a floor: never earlier than it asked.
 */
export function retryDelayMs(attemptsMade: number, error: unknown, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  const retryAfter = error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined;
  return retryAfter === undefined ? jittered : Math.max(jittered, Math.min(retryAfter, maxRetryAfterMs));
}
