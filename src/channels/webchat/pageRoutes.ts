import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, RequestHandler, Response, Server } from 'restify';
import { projectRoot } from '../../paths';
import type { RouteRegistrar } from '../../server';

/** The page's own files, served as they are (no build step): edit and reload. */
export const publicDir = path.join(projectRoot, 'src', 'channels', 'webchat', 'public');

export interface WebChatBundle {
  file: string;
  version: string;
}

/**
 * Web Chat's browser bundle from the installed `botframework-webchat` package (a devDependency:
 * it is large and only the browser needs it), or undefined when the package is not installed.
 */
export function findWebChatBundle(nodeModules = path.join(projectRoot, 'node_modules')): WebChatBundle | undefined {
  const packageDir = path.join(nodeModules, 'botframework-webchat');
  const file = path.join(packageDir, 'dist', 'webchat.js');
  if (!fs.existsSync(file)) return undefined;
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { file, version };
}

/** The bundle's URL names its version, so browsers keep it for a year and ask again only after an upgrade. */
export const webChatBundleUrl = (bundle: WebChatBundle) => `/static/webchat-${bundle.version}.js`;

type Encoding = 'br' | 'gzip';
const compress: Record<Encoding, (data: Buffer) => Promise<Buffer>> = {
  // Quality 9: 3.9 MB to about 0.7 MB in under a second; 11 saves a tenth more for twenty times the CPU.
  br: (data) =>
    promisify(zlib.brotliCompress)(data, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
  gzip: (data) => promisify(zlib.gzip)(data, { level: 9 }),
};

/** The encoding to answer with: brotli, else gzip, if the client accepts it (`q=0` refuses). */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((entry) => entry.trim().split(/\s*;\s*/))
      .filter(([, ...params]) => !params.some((param) => /^q=0(\.0*)?$/.test(param)))
      .map(([name]) => name.toLowerCase()),
  );
  return (['br', 'gzip'] as const).find((encoding) => accepted.has(encoding));
}

/** Each encoding of the bundle, made on its first request (off the event loop) and kept in memory. */
function compressedOnce(file: string): (encoding: Encoding) => Promise<Buffer> {
  const made = new Map<Encoding, Promise<Buffer>>();
  return (encoding) => {
    let compressed = made.get(encoding);
    if (!compressed) {
      compressed = fs.promises.readFile(file).then(compress[encoding]);
      made.set(encoding, compressed);
    }
    return compressed;
  };
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

/** The page as written, with its Web Chat script pointing at the installed version's URL. */
async function sendPage(res: Response, file: string, bundle: WebChatBundle | undefined): Promise<void> {
  const html = await fs.promises.readFile(file, 'utf8');
  res.writeHead(200, { 'Content-Type': contentTypes['.html'], 'Cache-Control': 'no-cache' });
  res.end(bundle ? html.replace('"static/webchat.js"', `"${webChatBundleUrl(bundle).slice(1)}"`) : html);
}

/** `GET /` (the chat page), `GET /embed.js` (the snippet for other sites) and their static files. */
export function webChatPageRoutes(deps: {
  publicDir: string;
  webChatBundle: WebChatBundle | undefined;
  /** The page's security headers (content security policy, framing), before every page file. */
  securityHeaders?: RequestHandler;
}): RouteRegistrar {
  const headers: RequestHandler[] = deps.securityHeaders ? [deps.securityHeaders] : [];
  const bundle = deps.webChatBundle;
  return (server: Server) => {
    for (const [url, file] of Object.entries(pageFiles)) {
      const served = path.join(deps.publicDir, file);
      server.get(url, ...headers, async (_req: Request, res: Response) =>
        file === 'index.html' ? sendPage(res, served, bundle) : sendFile(res, served, 'no-cache'),
      );
    }
    if (!bundle) {
      // The page notices that Web Chat is missing and says what to install.
      server.get('/static/webchat.js', ...headers, async (_req: Request, res: Response) => {
        res.send(404, { code: 'WebChatNotInstalled', message: 'Install botframework-webchat: npm install --include=dev' });
      });
      return;
    }
    const compressed = compressedOnce(bundle.file);
    server.get(webChatBundleUrl(bundle), ...headers, async (req: Request, res: Response) => {
      const encoding = preferredEncoding(req.header('accept-encoding'));
      const cacheHeaders = { 'Cache-Control': 'public, max-age=31536000, immutable', Vary: 'Accept-Encoding' };
      if (!encoding) {
        res.writeHead(200, { 'Content-Type': contentTypes['.js'], ...cacheHeaders });
        fs.createReadStream(bundle.file).pipe(res);
        return;
      }
      const body = await compressed(encoding);
      res.writeHead(200, {
        'Content-Type': contentTypes['.js'],
        'Content-Encoding': encoding,
        'Content-Length': body.length,
        ...cacheHeaders,
      });
      res.end(body);
    });
  };
}
