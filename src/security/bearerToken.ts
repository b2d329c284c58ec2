import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a request carries `Authorization: Bearer <token>`; compared in constant time (of the
 * digests, so the token's length does not show either).
 */
export function bearerTokenCheck(token: string): (req: Request) => boolean {
  const expected = digest(`Bearer ${token}`);
  return (req) => timingSafeEqual(digest(req.header('authorization') ?? ''), expected);
}
