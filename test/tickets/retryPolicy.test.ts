import { RetryableDeliveryError } from '../../src/tickets/deliveryErrors';
import { parseRetryAfter } from '../../src/tickets/adapters/http';
import { retryDelayMs } from '../../src/tickets/retryPolicy';

const policy = { attempts: 10, backoffBaseMs: 1000, backoffMaxMs: 30_000 };
const lowest = () => 0;
const highest = () => 1;

describe('the retry delay', () => {
  it('doubles with each attempt, jittered between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, new Error('down'), policy, highest))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, new Error('down'), policy, lowest))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never exceeds the maximum', () => {
    expect(retryDelayMs(20, new Error('down'), policy, highest)).toBe(30_000);
  });

  it("waits at least as long as the receiver's Retry-After", () => {
    expect(retryDelayMs(1, new RetryableDeliveryError('429', 12_000), policy, highest)).toBe(12_000);
    expect(retryDelayMs(6, new RetryableDeliveryError('429', 2_000), policy, highest)).toBe(30_000);
  });

  it('treats a Retry-After beyond an hour as an hour', () => {
    expect(retryDelayMs(1, new RetryableDeliveryError('429', 86_400_000), policy, highest)).toBe(3_600_000);
  });
});

describe('Retry-After', () => {
  const now = new Date('2025-01-15T09:30:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 09:30:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
