import restify, { type Request, type RequestHandler, type Response } from 'restify';

/**
 * How deeply a request's JSON may nest. Activities nest a dozen levels (an Adaptive Card in an
 * attachment a few more); code that walks a value recursively (JSON.stringify, schema checks, the
 * logger) overflows the stack somewhere past a few thousand.
 */
export const maxJsonDepth = 64;

const jsonType = /^application\/(?:[\w.-]+\+)?json$/;

function refuse(res: Response, status: number, code: string, message: string): false {
  res.send(status, { code, message });
  return false;
}

/**
 * Decided from the headers, before a byte of the body is read. Compressed bodies are refused: no
 * Bot Framework channel or Direct Line client compresses what it posts (botframework-connector and
 * botframework-directlinejs send plain JSON, and browsers never compress a request), and inflating
 * is where a small body becomes a huge one. Only JSON is read at all.
 */
function acceptUncompressedJson(readsOwnBody: (req: Request) => boolean): RequestHandler {
  return (req: Request, res: Response, next) => {
    const hasBody = req.getContentLength() > 0 || req.isChunked();
    if (!hasBody) return next();
    const encoding = req.header('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      res.setHeader('Accept-Encoding', 'identity');
      return next(refuse(res, 415, 'UnsupportedContentEncoding', 'Send the request body uncompressed (no Content-Encoding).'));
    }
    // "identity" is no encoding; restify's reader knows only none and gzip.
    delete req.headers['content-encoding'];
    if (!readsOwnBody(req) && !jsonType.test(req.contentType())) {
      return next(refuse(res, 415, 'UnsupportedMediaType', 'Send the request body as JSON (Content-Type: application/json).'));
    }
    return next();
  };
}

/** Whether `text` nests arrays and objects deeper than `limit`: one pass, no recursion, strings skipped. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** `req.body` becomes the parsed JSON (undefined when empty); too deep or not JSON gets 400 naming which. */
function parseJson(depthLimit: number): RequestHandler {
  return (req: Request, res: Response, next) => {
    const raw = req.body as string | Buffer | undefined;
    if (raw === undefined || raw.length === 0) {
      req.body = undefined;
      return next();
    }
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (nestsDeeperThan(text, depthLimit)) {
      return next(refuse(res, 400, 'InvalidContent', `The JSON body nests deeper than ${depthLimit} levels.`));
    }
    try {
      req.body = JSON.parse(text);
    } catch {
      return next(refuse(res, 400, 'InvalidContent', 'The request body is not valid JSON.'));
    }
    return next();
  };
}

/**
 * Every route's body handling, in order: uncompressed JSON only (415), at most `maxBodyBytes` (413,
 * restify's reader), nested at most `maxJsonDepth` levels and valid (400). The routes in
 * `ownBodyRoutes` (the Direct Line upload: multipart, with limits of its own) get only the first
 * check, on the encoding, and read the body themselves.
 */
export function jsonBodies(options: { maxBodyBytes: number; maxJsonDepth?: number; ownBodyRoutes?: readonly string[] }): RequestHandler[] {
  const ownBodyRoutes = new Set(options.ownBodyRoutes ?? []);
  const readsOwnBody = (req: Request) => ownBodyRoutes.has(String(req.getRoute()?.path ?? ''));
  const unlessOwnBody =
    (handler: RequestHandler): RequestHandler =>
    (req, res, next) =>
      readsOwnBody(req) ? next() : handler(req, res, next);
  return [
    acceptUncompressedJson(readsOwnBody),
    unlessOwnBody(restify.plugins.bodyReader({ maxBodySize: options.maxBodyBytes })),
    unlessOwnBody(parseJson(options.maxJsonDepth ?? maxJsonDepth)),
  ];
}
