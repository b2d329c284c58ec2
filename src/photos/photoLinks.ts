import { createHmac, timingSafeEqual } from 'node:crypto';

export const photoRoutePath = '/api/photos';

export type PhotoLinkCheck = 'valid' | 'forged' | 'expired';

/**
 * Signed, expiring links to one photo: `/api/photos/<id>?expires=<unix seconds>&sig=<HMAC-SHA256 of
 * id and expiry>`. Whoever has the link (an installer, from the ticket) may fetch that photo until
 * then; changing the id or the expiry breaks the signature.
 */
export class PhotoLinks {
  constructor(private readonly secret: string) {}

  /** The link, under `origin` (https://bot.example.com), valid until `expiresAt`. */
  linkTo(id: string, origin: string, expiresAt: Date): string {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const url = new URL(`${photoRoutePath}/${encodeURIComponent(id)}`, origin);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('sig', this.signature(id, expires));
    return url.href;
  }

  check(id: string, expires: string | null, sig: string | null, now: Date = new Date()): PhotoLinkCheck {
    if (!expires || !/^\d{1,12}$/.test(expires) || !sig) return 'forged';
    const expected = Buffer.from(this.signature(id, Number(expires)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
  }

  private signature(id: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`photo\n${id}\n${expires}`).digest('base64url');
  }
}
