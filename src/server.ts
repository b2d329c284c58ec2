import type { Server as HttpServer } from 'node:http';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from './logger';
import { errorBodyFor } from './security/errorBodies';
import { jsonBodies } from './security/requestBodies';

/** One dependency the service needs before it can serve turns (content, model, Redis...). */
export interface ReadinessCheck {
  name: string;
  isReady: () => Promise<boolean>;
}

/** A route a channel adds to the server (the Bot Framework endpoint, Direct Line, the web page...). */
export type RouteRegistrar = (server: Server) => void;

/** What restify's error handling is given: any error, with restify's fields when restify made it. */
type RestifyError = Error & { statusCode?: unknown; restCode?: string; body?: { code?: string } };

export interface HttpServiceDeps {
  logger: Logger;
  maxBodyBytes: number;
  shutdownGraceMs: number;
  /** Idle kept-alive connections are closed after this; announced to clients in `Keep-Alive: timeout`. */
  keepAliveTimeoutMs: number;
  readinessChecks: ReadinessCheck[];
  routes: RouteRegistrar[];
  /** Routes whose handlers read their own bodies (the multipart upload); every other body is JSON. */
  ownBodyRoutes?: readonly string[];
}

export interface HttpService {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets requests in flight finish (bounded by the grace period), closes sockets. */
  shutdown(): Promise<void>;
}

export function createHttpService(deps: HttpServiceDeps): HttpService {
  const server = restify.createServer({ name: 'evc-cable-release-bot', handleUncaughtExceptions: false });
  // Node's 5 s default is shorter than a proxy's idle timeout: the proxy would send a request on a
  // connection this server is closing, and its client would get a 502.
  (server.server as HttpServer).keepAliveTimeout = deps.keepAliveTimeoutMs;
  let inFlight = 0;
  let draining = false;
  const drained: Array<() => void> = [];

  server.pre((_req: Request, res: Response, next) => {
    if (draining) {
      res.setHeader('Connection', 'close');
      res.send(503, { code: 'ShuttingDown', message: 'The service is restarting; please retry.' });
      return next(false);
    }
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained.splice(0).forEach((resolve) => resolve());
    });
    return next();
  });
  server.use(jsonBodies({ maxBodyBytes: deps.maxBodyBytes, ownBodyRoutes: deps.ownBodyRoutes }));

  // Never let an internal error message or stack reach a client. restify would answer with a new
  // error built from this one's message, so the answer is sent here, from a fixed set of bodies.
  server.on('restifyError', (req: Request, res: Response, err: RestifyError, callback: () => void) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) deps.logger.error({ err, path: req.path() }, 'request failed');
    if (!res.headersSent) res.send(status, errorBodyFor(status, err.body?.code ?? err.restCode));
    return callback();
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    const results = await Promise.all(
      deps.readinessChecks.map(async (check) => [check.name, await check.isReady().catch(() => false)] as const),
    );
    const ready = !draining && results.every(([, ok]) => ok);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unready', checks: Object.fromEntries(results) });
  });
  deps.routes.forEach((register) => register(server));

  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          resolve(server.address().port);
        });
      }),
    shutdown: async () => {
      draining = true;
      const http = server.server as HttpServer;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => drained.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, deps.shutdownGraceMs).unref()),
        ]);
      }
      http.closeAllConnections();
      await closed;
    },
  };
}
