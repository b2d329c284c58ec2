import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DirectLineTokens, IssuedToken } from '../directLine/tokens';

/** What the page needs to open a conversation: where Direct Line is, and a token for it. */
export interface WebChatSession {
  conversationId: string;
  token: string;
  expires_in: number;
  userId: string;
  /** Direct Line base URL; absent means this service's own `/v3/directline`. */
  domain?: string;
}

export type WebChatSessionSource = () => Promise<WebChatSession>;

/** A new token for the conversation of an expired one (`Authorization: Bearer <expired token>`), or undefined. */
export type WebChatSessionRenewal = (authorization: string) => WebChatSession | undefined;

/** Direct Line user ids start with `dl_`, which Azure requires for ids set in a token. */
const newUserId = () => `dl_${randomBytes(12).toString('base64url')}`;

const sessionOf = (issued: IssuedToken): WebChatSession => ({
  conversationId: issued.conversationId,
  token: issued.token,
  expires_in: issued.expiresIn,
  userId: issued.userId,
});

/** Sessions on the self-hosted Direct Line: a new conversation, and a token bound to it. */
export function selfHostedSessions(tokens: DirectLineTokens): WebChatSessionSource {
  return async () => sessionOf(tokens.issue({ conversationId: randomUUID(), userId: newUserId(), channelId: 'webchat' }));
}

/** On the self-hosted Direct Line, a page back from a sleep longer than its token's life keeps its conversation. */
export function selfHostedRenewal(tokens: DirectLineTokens): WebChatSessionRenewal {
  return (authorization) => {
    const issued = tokens.renew(authorization);
    return issued && sessionOf(issued);
  };
}

export class DirectLineUnavailableError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(`Azure Direct Line did not issue a token: ${reason}`, options);
    this.name = 'DirectLineUnavailableError';
  }
}

const generatedTokenSchema = z.object({
  conversationId: z.string().min(1),
  token: z.string().min(1),
  expires_in: z.number().int().positive(),
});

/**
 * Sessions on Azure Bot Service's Direct Line: the secret is exchanged here, on the server, for a
 * token that opens one conversation; only that token reaches the browser.
 */
export function azureDirectLineSessions(options: { secret: string; domain: string; timeoutMs?: number }): WebChatSessionSource {
  return async () => {
    const userId = newUserId();
    let response: Response;
    try {
      response = await fetch(`${options.domain}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new DirectLineUnavailableError('unreachable', { cause: error });
    }
    if (!response.ok) throw new DirectLineUnavailableError(`HTTP ${response.status}`);
    const generated = generatedTokenSchema.safeParse(await response.json().catch(() => undefined));
    if (!generated.success) throw new DirectLineUnavailableError('unexpected response');
    return { ...generated.data, userId, domain: options.domain };
  };
}
