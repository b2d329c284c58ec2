import fs from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler, Response, Server } from 'restify';
import { projectRoot } from '../../paths';
import type { RouteRegistrar } from '../../server';

/** The page's own files, served as they are (no build step): edit and reload. */
export const publicDir = path.join(projectRoot, 'src', 'channels', 'webchat', 'public');

/**
 * Web Chat's browser bundle from the installed `botframework-webchat` package (a devDependency:
 * it is large and only the browser needs it), or undefined when the package is not installed.
 */
export function findWebChatBundle(nodeModules = path.join(projectRoot, 'node_modules')): string | undefined {
  const bundle = path.join(nodeModules, 'botframework-webchat', 'dist', 'webchat.js');
  return fs.existsSync(bundle) ? bundle : undefined;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** URL -> file; nothing else of the folder is reachable. */
const pageFiles: Record<string, string> = {
  '/': 'index.html',
  '/embed.js': 'embed.js',
  '/static/chat.js': 'chat.js',
  '/static/chat.css': 'chat.css',
  '/static/favicon.svg': 'favicon.svg',
};

/** Streams one file with its content type; also serves the insights page. */
export function sendFile(res: Response, file: string, cacheControl: string): void {
  res.writeHead(200, { 'Content-Type': contentTypes[path.extname(file)], 'Cache-Control': cacheControl });
  fs.createReadStream(file).pipe(res);
}

/** `GET /` (the chat page), `GET /embed.js` (the snippet for other sites) and their static files. */
export function webChatPageRoutes(deps: {
  publicDir: string;
  webChatBundle: string | undefined;
  /** The page's security headers (content security policy, framing), before every page file. */
  securityHeaders?: RequestHandler;
}): RouteRegistrar {
  const headers: RequestHandler[] = deps.securityHeaders ? [deps.securityHeaders] : [];
  return (server: Server) => {
    for (const [url, file] of Object.entries(pageFiles)) {
      server.get(url, ...headers, async (_req: Request, res: Response) => sendFile(res, path.join(deps.publicDir, file), 'no-cache'));
    }
    server.get('/static/webchat.js', ...headers, async (_req: Request, res: Response) => {
      if (deps.webChatBundle) {
        sendFile(res, deps.webChatBundle, 'public, max-age=86400');
        return;
      }
      // The page notices that Web Chat is missing and says what to install.
      res.send(404, { code: 'WebChatNotInstalled', message: 'Install botframework-webchat: npm install --include=dev' });
    });
  };
}
