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
  | { ok: true; grant: TokenGrant; token: string; expiresIn: number }
  | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

const issuer = 'evc-cable-release-bot';
const audience = 'directline';

/**
 * Short-lived Direct Line tokens, signed with HS256. A token is bound to one conversation and one
 * user: the routes refuse it for any other conversation, and it cannot be extended once expired.
 */
export class DirectLineTokens {
  constructor(private readonly options: { secret: string; ttlSeconds: number }) {}

  issue(grant: TokenGrant): IssuedToken {
    const token = jwt.sign({ conv: grant.conversationId, ch: grant.channelId }, this.options.secret, {
      algorithm: 'HS256',
      expiresIn: this.options.ttlSeconds,
      subject: grant.userId,
      issuer,
      audience,
    });
    return { ...grant, token, expiresIn: this.options.ttlSeconds };
  }

  check(authorization: string | undefined): TokenCheck {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, reason: 'missing' };
    try {
      const claims = jwt.verify(token, this.options.secret, { algorithms: ['HS256'], issuer, audience });
      if (typeof claims === 'string' || typeof claims.conv !== 'string' || !claims.sub || !claims.exp) return { ok: false, reason: 'invalid' };
      const channelId = directLineChannels.find((channel) => channel === claims.ch);
      if (!channelId) return { ok: false, reason: 'invalid' };
      const expiresIn = Math.max(0, claims.exp - Math.floor(Date.now() / 1000));
      return { ok: true, grant: { conversationId: claims.conv, userId: claims.sub, channelId }, token, expiresIn };
    } catch (error) {
      return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
  }
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
