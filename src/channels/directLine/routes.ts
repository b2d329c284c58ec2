import type { Request, Response, Server } from 'restify';
import type { RateLimit } from '../../security/rateLimits';
import type { RouteRegistrar } from '../../server';
import { checkPostedActivity } from './activitySchema';
import type { DirectLineConversations } from './conversations';
import { type DirectLinePhotos, uploadRefusal, withoutPhotoReferences, withPhotos } from './photoUploads';
import type { DirectLineTokens, TokenCheck } from './tokens';
import { readUploadBody } from './uploadBody';
import { parseWatermark } from './watermark';

export const directLineBasePath = '/v3/directline';

export interface DirectLineRoutesDeps {
  conversations: DirectLineConversations;
  tokens: DirectLineTokens;
  maxActivityBytes: number;
  /** Posts per conversation, shared with /api/messages. */
  conversationTurns?: RateLimit;
  /** Where clients reach this service (`ws(s)://` for the stream); from the request when unset. */
  publicUrl?: string;
  /** Proxies in front that set X-Forwarded-Proto (TRUSTED_PROXY_HOPS): they tell whether the client came over HTTPS. */
  trustedProxyHops: number;
  /** Photos sent with a message (`/upload`). */
  photos: DirectLinePhotos;
}

/** The route whose handler reads its own body (multipart), not the JSON every other route takes. */
export const directLineUploadPath = `${directLineBasePath}/conversations/:conversationId/upload`;

type Authorized = Extract<TokenCheck, { ok: true }>;

const refusals = {
  missing: { status: 401, code: 'TokenMissing', message: 'Send a Direct Line token as "Authorization: Bearer <token>".' },
  invalid: { status: 401, code: 'TokenInvalid', message: 'This token is not valid.' },
  // 403, as Direct Line answers: its clients then report ExpiredToken, and the page renews the token.
  expired: { status: 403, code: 'TokenExpired', message: 'This token has expired; get a new one.' },
} as const;

/** Errors in the shape Direct Line itself uses, so Direct Line clients can read them. */
function sendError(res: Response, status: number, code: string, message: string, problems?: string[]): void {
  res.send(status, { error: { code, message, ...(problems ? { problems } : {}) } });
}

/** This service's origin as the client reached it, for URLs the client is given. */
function originOf(req: Request, deps: Pick<DirectLineRoutesDeps, 'publicUrl' | 'trustedProxyHops'>): string {
  if (deps.publicUrl) return deps.publicUrl;
  const forwardedProto =
    deps.trustedProxyHops > 0
      ? String(req.header('x-forwarded-proto') ?? '')
          .split(',')[0]
          .trim()
      : '';
  const secure = forwardedProto ? forwardedProto === 'https' : req.isSecure();
  return `${secure ? 'https' : 'http'}://${req.header('host') ?? 'localhost'}`;
}

/**
 * The part of the Direct Line 3.0 protocol that Web Chat uses: start or resume a conversation
 * (with a `streamUrl` for the WebSocket stream, `streams.ts`), post an activity, get activities
 * after a watermark (polling), refresh the token. Every route needs a token, and a token only
 * opens its own conversation.
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

  const conversationAnswer = (req: Request, auth: Authorized, watermark: string) => {
    const stream = new URL(
      `${directLineBasePath}/conversations/${encodeURIComponent(auth.grant.conversationId)}/stream`,
      originOf(req, deps),
    );
    stream.protocol = stream.protocol === 'https:' ? 'wss:' : 'ws:';
    stream.searchParams.set('watermark', watermark);
    stream.searchParams.set('t', deps.tokens.issueStreamTicket(auth.grant));
    return { conversationId: auth.grant.conversationId, token: auth.token, expires_in: auth.expiresIn, streamUrl: stream.href };
  };

  /** The conversation's turn from the rate limit shared with /api/messages; false once answered 429. */
  const takeTurn = async (auth: Authorized, res: Response): Promise<boolean> => {
    const decision = (await deps.conversationTurns?.take(auth.grant.conversationId)) ?? { allowed: true };
    if (decision.allowed) return true;
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    sendError(res, 429, 'TooManyRequests', `Too many messages; retry in ${decision.retryAfterSeconds} s.`);
    return false;
  };

  return (server: Server) => {
    // The token already names its conversation, so starting and reconnecting (Web Chat does that
    // when given a conversationId, e.g. after a page reload) both open that one.
    const openConversation = (status: 200 | 201) => async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const watermark = new URLSearchParams(req.getQuery()).get('watermark') ?? '';
      if (!parseWatermark(watermark)) {
        sendError(res, 400, 'BadArgument', 'watermark must be one this service gave, or empty.');
        return;
      }
      await deps.conversations.start(auth.grant);
      res.send(status, conversationAnswer(req, auth, watermark));
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
      if (!(await takeTurn(auth, res))) return;
      await deps.conversations.start(auth.grant);
      const id = await deps.conversations.post(auth.grant, withoutPhotoReferences(check.activity));
      res.send(200, { id });
    });

    // A message with photos, as botframework-directlinejs and Web Chat send one: the token is checked
    // before a byte of the body is read, the photos are kept apart and the activity refers to them.
    server.post(directLineUploadPath, async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const { intake } = deps.photos;
      const upload = await readUploadBody(req, {
        maxFileBytes: intake.limits.maxFileBytes,
        maxFiles: intake.limits.maxPerMessage,
        maxActivityBytes: deps.maxActivityBytes,
      });
      const refuse = (problem: Parameters<typeof uploadRefusal>[0]) => {
        const { status, code, message } = uploadRefusal(problem, deps.photos);
        res.setHeader('Connection', 'close');
        sendError(res, status, code, message);
      };
      if (!upload.ok) return refuse(upload.problem);
      let posted: unknown;
      try {
        posted = JSON.parse(upload.activityJson);
      } catch {
        return sendError(res, 400, 'BadArgument', 'The "activity" part is not JSON.');
      }
      const check = checkPostedActivity(posted, deps.maxActivityBytes);
      if (!check.ok || check.activity.type !== 'message') {
        return sendError(
          res,
          400,
          'BadArgument',
          'This is not an activity the service accepts.',
          check.ok ? ['type must be "message" with photos'] : check.problems,
        );
      }
      if (!(await takeTurn(auth, res))) return;
      const taken = await intake.takeIn(
        auth.grant.conversationId,
        upload.files.map((file) => file.data),
      );
      if (!taken.ok) return refuse(taken.problem);
      const origin = originOf(req, deps);
      const expiresAt = new Date(Date.now() + deps.photos.linkLifeSeconds * 1000);
      const activity = withPhotos(
        check.activity,
        taken.photos,
        upload.files.map((file) => file.name),
        { linkTo: (id) => deps.photos.links.linkTo(id, origin, expiresAt) },
      );
      await deps.conversations.start(auth.grant);
      const id = await deps.conversations.post(auth.grant, activity);
      res.send(200, { id });
    });

    server.get(`${directLineBasePath}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const from = parseWatermark(new URLSearchParams(req.getQuery()).get('watermark'));
      if (!from) {
        sendError(res, 400, 'BadArgument', 'watermark must be one this service gave, or empty.');
        return;
      }
      const page = await deps.conversations.read(auth.grant, from);
      res.send(200, { activities: page.activities, watermark: page.watermark });
    });

    server.post(`${directLineBasePath}/tokens/refresh`, async (req: Request, res: Response) => {
      const auth = authorize(req, res);
      if (!auth) return;
      const fresh = deps.tokens.issue(auth.grant);
      res.send(200, { conversationId: fresh.conversationId, token: fresh.token, expires_in: fresh.expiresIn });
    });
  };
}
