import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../logger';
import type { RouteRegistrar } from '../../server';
import { directLineBasePath } from '../directLine/routes';

/** The routes a page on another site calls when it runs Web Chat itself (not the embed's frame). */
const crossOriginPaths = [/^\/api\/webchat\/token$/, new RegExp(`^${directLineBasePath}/`)];

/** `https://www.example.com/` and `https://www.example.com` are one origin. */
export const originsOf = (configured: readonly string[]): string[] => configured.map((url) => new URL(url).origin);

/**
 * Logs a refusal once a minute per site: enough to see why an embed does not work, without
 * letting any page fill the log.
 */
function refusalLog(logger: Logger) {
  const lastLogged = new Map<string, number>();
  return (site: string, message: string) => {
    const now = Date.now();
    if ((lastLogged.get(site) ?? 0) > now - 60_000) return;
    if (lastLogged.size >= 1_000) lastLogged.clear();
    lastLogged.set(site, now);
    logger.warn({ site, allowed: 'WEBCHAT_EMBED_ORIGINS' }, message);
  };
}

/**
 * Sites in WEBCHAT_EMBED_ORIGINS may show the chat page in a frame (the page's CSP says so) and
 * may call the token route and Direct Line from their own pages (CORS, here, on every answer of
 * those routes, errors included, so a client can read a 403). Another site gets no CORS headers
 * (its browser refuses) and its attempt is logged with the reason; so is a frame the browser will
 * refuse, known from the page request itself (`Sec-Fetch-Dest: iframe`, and the embedding site in
 * its Referer): the browser's own CSP report names only the page, not the site.
 */
export function embeddingRoutes(deps: { origins: readonly string[]; logger: Logger }): RouteRegistrar {
  const allowed = new Set(originsOf(deps.origins));
  const refused = refusalLog(deps.logger);
  return (server: Server) => {
    server.pre((req: Request, res: Response, next) => {
      if (req.path() === '/' && req.header('sec-fetch-dest') === 'iframe' && req.header('sec-fetch-site') !== 'same-origin') {
        const site = originOfUrl(req.header('referer'));
        if (!site || !allowed.has(site))
          refused(site ?? 'unknown (no Referer)', 'chat page framed by a site not in WEBCHAT_EMBED_ORIGINS: the browser refuses it');
        return next();
      }
      const origin = req.header('origin');
      if (!origin || !crossOriginPaths.some((path) => path.test(req.path())) || isOwnOrigin(req, origin)) return next();
      if (!allowed.has(origin)) {
        refused(origin, 'cross-origin call to the chat refused: the site is not in WEBCHAT_EMBED_ORIGINS');
        return next();
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      if (req.method !== 'OPTIONS') return next();
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, x-ms-bot-agent');
      res.setHeader('Access-Control-Max-Age', '600');
      res.send(204);
      return next(false);
    });
  };
}

/** The chat page calling its own service (browsers send Origin on every POST). */
function isOwnOrigin(req: Request, origin: string): boolean {
  const host = originOfUrl(origin) && new URL(origin).host;
  return host === req.header('host');
}

function originOfUrl(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}
