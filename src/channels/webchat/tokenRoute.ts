import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../logger';
import { type RateLimit, sendTooManyRequests } from '../../security/rateLimits';
import type { RouteRegistrar } from '../../server';
import { DirectLineUnavailableError, type WebChatSessionSource } from './sessions';

export interface WebChatTokenRouteDeps {
  sessions: WebChatSessionSource;
  /** Token requests per client address. */
  limit: RateLimit;
  clientAddress: (req: Request) => string;
  logger: Logger;
}

/** `POST /api/webchat/token`: what the page calls to open (or reopen) a conversation. */
export function webChatTokenRoute(deps: WebChatTokenRouteDeps): RouteRegistrar {
  return (server: Server) => {
    server.post('/api/webchat/token', async (req: Request, res: Response) => {
      const decision = await deps.limit.take(deps.clientAddress(req));
      if (!decision.allowed) {
        sendTooManyRequests(res, decision, 'Too many chat sessions from this address; try again shortly.');
        return;
      }
      try {
        res.setHeader('Cache-Control', 'no-store');
        res.send(200, await deps.sessions());
      } catch (error) {
        if (!(error instanceof DirectLineUnavailableError)) throw error;
        deps.logger.error({ reason: error.reason }, 'Azure Direct Line token exchange failed');
        res.send(502, { code: 'DirectLineUnavailable', message: 'The chat service is unavailable; please try again later.' });
      }
    });
  };
}
