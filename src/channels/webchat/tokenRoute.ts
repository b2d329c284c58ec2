import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../logger';
import { type RateLimit, sendTooManyRequests } from '../../security/rateLimits';
import type { RouteRegistrar } from '../../server';
import { DirectLineUnavailableError, type WebChatSessionRenewal, type WebChatSessionSource } from './sessions';

export interface WebChatTokenRouteDeps {
  sessions: WebChatSessionSource;
  /** Absent (Azure's Direct Line): an expired token cannot be renewed, the page starts a new conversation. */
  renewal?: WebChatSessionRenewal;
  /** Token requests per client address. */
  limit: RateLimit;
  clientAddress: (req: Request) => string;
  logger: Logger;
}

/**
 * `POST /api/webchat/token`: what the page calls to open a conversation, or, with the expired
 * token of one as `Authorization: Bearer`, to go on with it (401 when it cannot be renewed).
 */
export function webChatTokenRoute(deps: WebChatTokenRouteDeps): RouteRegistrar {
  return (server: Server) => {
    server.post('/api/webchat/token', async (req: Request, res: Response) => {
      const decision = await deps.limit.take(deps.clientAddress(req));
      if (!decision.allowed) {
        sendTooManyRequests(res, decision, 'Too many chat sessions from this address; try again shortly.');
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      const authorization = req.header('authorization');
      if (authorization) {
        const renewed = deps.renewal?.(authorization);
        if (renewed) res.send(200, renewed);
        else res.send(401, { code: 'NotRenewable', message: 'This conversation cannot be continued; start a new one.' });
        return;
      }
      try {
        res.send(200, await deps.sessions());
      } catch (error) {
        if (!(error instanceof DirectLineUnavailableError)) throw error;
        deps.logger.error({ err: error }, 'Azure Direct Line token exchange failed');
        res.send(502, { code: 'DirectLineUnavailable', message: 'The chat service is unavailable; please try again later.' });
      }
    });
  };
}
