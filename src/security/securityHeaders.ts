import type { Request, RequestHandler, Response, Server } from 'restify';

/**
 * Headers every response carries. API answers are JSON that no browser should render, frame or
 * sniff; the web page relaxes the policy for itself with `webPageSecurityHeaders`.
 */
const everyResponse: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export function securityHeaders(): (server: Server) => void {
  return (server) => {
    server.pre((_req: Request, res: Response, next) => {
      for (const [name, value] of Object.entries(everyResponse)) res.setHeader(name, value);
      return next();
    });
  };
}

export interface WebPagePolicy {
  /** Origins (https://www.example.com) whose pages may embed the chat page in a frame. */
  embedOrigins: readonly string[];
  /** Where the page's scripts may connect besides this service, e.g. Azure Direct Line. */
  connectSources?: readonly string[];
}

/**
 * The chat page's policy: scripts only from this service (no inline script, no CDN), styles inline
 * because Web Chat injects its own, images and workers from blobs as Web Chat creates them. The
 * Direct Line client reads an attached photo back from its `blob:` URL before uploading it
 * (connect-src blob:); its preview is an image from that blob (img-src blob:).
 */
export function webPageContentSecurityPolicy(policy: WebPagePolicy): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    ["connect-src 'self' blob:", ...(policy.connectSources ?? [])].join(' '),
    ["frame-ancestors 'self'", ...policy.embedOrigins].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Put it in front of the handlers of the page routes (`GET /`, `GET /embed.js`, the page's assets). */
export function webPageSecurityHeaders(policy: WebPagePolicy): RequestHandler {
  const csp = webPageContentSecurityPolicy(policy);
  return (_req: Request, res: Response, next) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    // Old browsers ignore frame-ancestors; without embedding origins they still get a same-origin rule.
    if (policy.embedOrigins.length === 0) res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    return next();
  };
}

/** Where a page using Azure's Direct Line connects: its origin over HTTPS and over WebSocket. */
export function directLineConnectSources(domain: string): string[] {
  const origin = new URL(domain).origin;
  return [origin, origin.replace(/^http/, 'ws')];
}
