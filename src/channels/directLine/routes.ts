import type { Request, Response, Server } from 'restify';
import type { RateLimit } from '../../security/rateLimits';
import type { RouteRegistrar } from '../../server';
import { checkPostedActivity } from './activitySchema';
import type { DirectLineConversations } from './conversations';
import type { DirectLineTokens, TokenCheck } from './tokens';

export const directLineBasePath = '/v3/directline';

export interface DirectLineRoutesDeps {
  conversations: DirectLineConversations;
  tokens: DirectLineTokens;
  maxActivityBytes: number;
  /** Posts per conversation, shared with /api/messages. */
  conversationTurns?: RateLimit;
}

type Authorized = Extract<TokenCheck, { ok: true }>;

const refusals = {
  missing: { status: 401, code: 'TokenMissing', message: 'Send a Direct Line token as "Authorization: Bearer <token>".' },
  invalid: { status: 401, code: 'TokenInvalid', message: 'This token is not valid.' },
  expired: { status: 401, code: 'TokenExpired', message: 'This token has expired; get a new one.' },
} as const;

/** Errors in the shape Direct Line itself uses, so Direct Line clients can read them. */
function sendError(res: Response, status: number, code: string, message: string, problems?: string[]): void {
  res.send(status, { error: { code, message, ...(problems ? { problems } : {}) } });
}

/**
 * The part of the Direct Line 3.0 protocol that Web Chat uses, with polling: start or resume a
 * conversation, post an activity, get activities after a watermark, refresh the token. Every
 * route needs a token, and a token only opens its own conversation.
 */
export function directLineRoutes(deps: DirectLineRoutesDeps): RouteRegistrar {
  const authorize = (req: Request, res: Response): Authorized | undefined => {
    const check = deps.tokens.check(req.header('authorization'));
    if (!check.ok) {
      const refusal = refusals[check.reason];
      sendError(res, refusal.status, refusal.code, refusal.message);
      return undefined;
    }
    const conversationId = req.params?.conversationId as string | undefined;
    if (conversationId !== undefined && conversationId !== check.grant.conversationId) {
      sendError(res, 403, 'Forbidden', 'This token is for another conversation.');
      return undefined;
    }
    return check;
  };

  const conversationAnswer = (auth: Authorized) => ({
    conversationId: auth.grant.conversationId,
    token: auth.token,
    expires_in: auth.expiresIn,
  });

  return (server: Server) => {
    // The token already names its conversation, so starting and reconnecting (Web Chat does that
    // when given a conversationId, e.g. after a page reload) both open that one.
    const openConversation = (status: 200 | 201) => async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      await deps.conversations.start(auth.grant);
      res.send(status, conversationAnswer(auth));
    };
    server.post(`${directLineBasePath}/conversations`, openConversation(201));
    server.get(`${directLineBasePath}/conversations/:conversationId`, openConversation(200));

    server.post(`${directLineBasePath}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const check = checkPostedActivity(req.body, deps.maxActivityBytes);
      if (!check.ok) {
        sendError(res, 400, 'BadArgument', 'This is not an activity the service accepts.', check.problems);
        return;
      }
      const decision = (await deps.conversationTurns?.take(auth.grant.conversationId)) ?? { allowed: true };
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        sendError(res, 429, 'TooManyRequests', `Too many messages; retry in ${decision.retryAfterSeconds} s.`);
        return;
      }
      await deps.conversations.start(auth.grant);
      const id = await deps.conversations.post(auth.grant, check.activity);
      res.send(200, { id });
    });

    server.get(`${directLineBasePath}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const watermark = parseWatermark(new URLSearchParams(req.getQuery()).get('watermark'));
      if (watermark === undefined) {
        sendError(res, 400, 'BadArgument', 'watermark must be a whole number of activities (0 or more).');
        return;
      }
      res.send(200, await deps.conversations.read(auth.grant, watermark));
    });

    server.post(`${directLineBasePath}/tokens/refresh`, async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const fresh = deps.tokens.issue(auth.grant);
      res.send(200, { conversationId: fresh.conversationId, token: fresh.token, expires_in: fresh.expiresIn });
    });
  };
}

/** Absent or empty means "from the start", as Direct Line clients send `?watermark=` at first. */
function parseWatermark(raw: string | null): number | undefined {
  if (raw === null || raw === '') return 0;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}
