import { isJsonObject, parseJsonObject } from '../../state/jsonObject';
import { PermanentDeliveryError, RetryableDeliveryError } from '../deliveryErrors';

/**
 * `Retry-After` as milliseconds from `now`: either delay-seconds or an HTTP date. Anything else is
 * ignored (the normal backoff applies).
 */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/**
 * 408 and 409 are retryable too: a timeout, and (per the IETF Idempotency-Key draft) "a request
 * with this key is still being processed".
 */
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408 || status === 409;
}

/** A field name as receivers write them (`requester`, `contact.email`); anything else could be a value. */
const fieldName = /^[A-Za-z_][\w.-]{0,63}$/;

/**
 * The field names in an error body a receiver sent back, never their values: receivers echo the
 * values they rejected (Zendesk's validation errors quote the requester's name and email under
 * `details.requester`), and those are the driver's contact details. The keys of a JSON object, and
 * of the objects in it; nothing of a body that is not JSON.
 */
export function fieldNamesIn(body: string): string[] {
  const parsed = parseJsonObject(body) ?? {};
  const names = Object.entries(parsed).flatMap(([key, value]) => [
    key,
    ...(isJsonObject(value) ? Object.keys(value).map((inner) => `${key}.${inner}`) : []),
  ]);
  return [...new Set(names.filter((name) => fieldName.test(name)))].slice(0, 20);
}

/**
 * Sends `body` (byte for byte as given; none for a GET) and returns the successful response; every
 * failure becomes a classified delivery error naming the host, the status and the fields the
 * receiver named, never the credentials nor what the receiver quoted back (it goes to the logs and
 * the queue).
 */
export async function sendJson(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Response> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), Accept: 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // A DOMException, which is not always `instanceof Error`: its name tells a timeout apart.
    const timedOut = (error as { name?: unknown }).name === 'TimeoutError';
    throw new RetryableDeliveryError(timedOut ? `${host} did not answer within ${timeoutMs} ms` : `${host} unreachable`, undefined, {
      cause: error,
    });
  }
  if (response.ok) return response;
  const fields = fieldNamesIn(await response.text().catch(() => ''));
  const message = `${host} answered HTTP ${response.status}${fields.length ? ` (fields: ${fields.join(', ')})` : ''}`;
  if (isRetryableStatus(response.status)) {
    throw new RetryableDeliveryError(message, parseRetryAfter(response.headers.get('retry-after')));
  }
  throw new PermanentDeliveryError(message);
}

export const postJson = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) =>
  sendJson('POST', url, body, headers, timeoutMs);
