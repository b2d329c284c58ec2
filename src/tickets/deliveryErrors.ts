/**
 * How an adapter says a delivery failed. The queue retries a `RetryableDeliveryError` (network error,
 * timeout, 5xx, 429) and sends a `PermanentDeliveryError` (any other 4xx: retrying cannot help)
 * straight to the dead letter. Anything else an adapter throws is treated as retryable.
 */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    /** From the receiver's `Retry-After`: wait at least this long before the next attempt. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RetryableDeliveryError';
  }
}

export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
