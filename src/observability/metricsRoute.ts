import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { Registry } from 'prom-client';
import type { RouteRegistrar } from '../server';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` in the Prometheus text format. With a token configured, the scraper must send it
 * as `Authorization: Bearer <token>`; without one, keep the route off the internet at the ingress.
 */
export function metricsRoute(registry: Registry, token?: string): RouteRegistrar {
  const expected = token ? digest(`Bearer ${token}`) : undefined;
  return (server) => {
    server.get('/metrics', async (req: Request, res: Response) => {
      if (expected && !timingSafeEqual(digest(req.header('authorization') ?? ''), expected)) {
        res.send(401, { code: 'Unauthorized', message: 'A metrics token is required.' });
        return;
      }
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    });
  };
}
