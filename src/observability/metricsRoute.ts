import type { Request, Response, Server } from 'restify';
import type { Registry } from 'prom-client';
import { bearerTokenCheck } from '../security/bearerToken';

/**
 * `GET /metrics` in the Prometheus text format. With a token configured, the scraper must send it
 * as `Authorization: Bearer <token>`; without one, keep the route off the internet at the ingress.
 */
export function metricsRoute(registry: Registry, token?: string): (server: Server) => void {
  const authorized = token ? bearerTokenCheck(token) : () => true;
  return (server) => {
    server.get('/metrics', async (req: Request, res: Response) => {
      if (!authorized(req)) {
        res.send(401, { code: 'Unauthorized', message: 'A metrics token is required.' });
        return;
      }
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    });
  };
}
