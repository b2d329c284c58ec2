import type { Request, Response, Server } from 'restify';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../../logger';
import type { RouteRegistrar } from '../../server';
import { DirectLineUnavailableError, type WebChatSessionSource } from './sessions';

export interface WebChatTokenRouteDeps {
  sessions: WebChatSessionSource;
  /** Keyed by client IP. */
  limiter: RateLimiterAbstract;
  logger: Logger;
}

/** `POST /api/webchat/token`: what the page calls to open (or reopen) a conversation. */
export function webChatTokenRoute(deps: WebChatTokenRouteDeps): RouteRegistrar {
  return (server: Server) => {
    server.post('/api/webchat/token', async (req: Request, res: Response) => {
      const clientIp = req.socket.remoteAddress ?? 'unknown';
      try {
        await deps.limiter.consume(clientIp);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
        res.send(429, { code: 'TooManyRequests', message: 'Too many chat sessions from this address; try again shortly.' });
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
