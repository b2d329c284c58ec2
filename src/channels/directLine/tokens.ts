import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Logger } from '../../logger';

/** The channels a Direct Line conversation can belong to (the bot sees it as `channelId`). */
export const directLineChannels = ['directline', 'webchat'] as const;
export type DirectLineChannel = (typeof directLineChannels)[number];

/** Who a token lets in: one user, in one conversation of one channel. */
export interface TokenGrant {
  conversationId: string;
  userId: string;
  channelId: DirectLineChannel;
}

export interface IssuedToken extends TokenGrant {
  token: string;
  expiresIn: number;
}

export type TokenCheck =
  { ok: true; grant: TokenGrant; token: string; expiresIn: number } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

const issuer = 'evc-cable-release-bot';
const audience = 'directline';
/** Stream tickets open a WebSocket only; they sit in a URL, so they live just long enough to connect with. */
const streamAudience = 'directline-stream';
export const streamTicketSeconds = 120;

export interface DirectLineTokensOptions {
  secret: string;
  ttlSeconds: number;
  /** How long after expiry a token can still be exchanged for a new one to the same conversation (`renew`). */
  renewableForSeconds: number;
}

/**
 * Short-lived Direct Line tokens, signed with HS256. A token is bound to one conversation and one
 * user: the routes refuse it for any other conversation. A valid token is refreshed by the Direct
 * Line client; one that expired (a laptop asleep past its life) is renewed by the page, within
 * `renewableForSeconds`, into a new token for the same conversation, so its history is kept.
 */
export class DirectLineTokens {
  constructor(private readonly options: DirectLineTokensOptions) {}

  issue(grant: TokenGrant): IssuedToken {
    return { ...grant, token: this.sign(grant, audience, this.options.ttlSeconds), expiresIn: this.options.ttlSeconds };
  }

  check(authorization: string | undefined): TokenCheck {
    return this.verify(bearerToken(authorization), audience);
  }

  /** The ticket a `streamUrl` carries: it opens that conversation's WebSocket stream, and nothing else. */
  issueStreamTicket(grant: TokenGrant): string {
    return this.sign(grant, streamAudience, streamTicketSeconds);
  }

  checkStreamTicket(ticket: string | null): TokenCheck {
    return this.verify(ticket ?? undefined, streamAudience);
  }

  /** A new token for the conversation of an expired one, if it expired within `renewableForSeconds`; a valid one is refreshed instead. */
  renew(authorization: string | undefined): IssuedToken | undefined {
    const token = bearerToken(authorization);
    if (!token) return undefined;
    const check = this.verify(token, audience, { ignoreExpiration: true });
    if (!check.ok) return undefined;
    const claims = jwt.decode(token) as jwt.JwtPayload;
    const expiredFor = Math.floor(Date.now() / 1000) - (claims.exp ?? 0);
    return expiredFor <= this.options.renewableForSeconds ? this.issue(check.grant) : undefined;
  }

  private sign(grant: TokenGrant, tokenAudience: string, ttlSeconds: number): string {
    return jwt.sign({ conv: grant.conversationId, ch: grant.channelId }, this.options.secret, {
      algorithm: 'HS256',
      expiresIn: ttlSeconds,
      subject: grant.userId,
      issuer,
      audience: tokenAudience,
    });
  }

  private verify(token: string | undefined, tokenAudience: string, options: { ignoreExpiration?: boolean } = {}): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    try {
      const claims = jwt.verify(token, this.options.secret, { algorithms: ['HS256'], issuer, audience: tokenAudience, ...options });
      if (typeof claims === 'string' || typeof claims.conv !== 'string' || !claims.sub || !claims.exp)
        return { ok: false, reason: 'invalid' };
      const channelId = directLineChannels.find((channel) => channel === claims.ch);
      if (!channelId) return { ok: false, reason: 'invalid' };
      const expiresIn = Math.max(0, claims.exp - Math.floor(Date.now() / 1000));
      return { ok: true, grant: { conversationId: claims.conv, userId: claims.sub, channelId }, token, expiresIn };
    } catch (error) {
      return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
}

/**
 * The configured signing secret, or a random one for this process with a warning: tokens then
 * stop working on restart and are not accepted by other instances.
 */
export function tokenSecretOrDevSecret(configured: string | undefined, logger: Logger): string {
  if (configured) return configured;
  logger.warn('WEBCHAT_TOKEN_SECRET is not set: using a random secret for this process (tokens die on restart)');
  return randomBytes(32).toString('base64url');
}
