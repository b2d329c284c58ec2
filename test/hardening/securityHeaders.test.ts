import restify, { type Request, type Response } from 'restify';
import { webPageContentSecurityPolicy, webPageSecurityHeaders } from '../../src/security/securityHeaders';
import { messageActivity } from '../support/http';
import { type RunningService, startService } from '../support/service';

describe('headers on every response of the service', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  it.each([
    ['a health check', () => fetch(`${running.baseUrl}/healthz`)],
    ['an unknown route', () => fetch(`${running.baseUrl}/nothing-here`)],
    [
      'a turn',
      () =>
        fetch(`${running.baseUrl}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(messageActivity('headers-1', 'hello')),
        }),
    ],
  ])('%s is not sniffed, framed or sent with a referrer', async (_kind, request) => {
    const response = await request();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe('the web page policy', () => {
  it('allows only the page’s own scripts: no inline script, no CDN, no eval', () => {
    const policy = webPageContentSecurityPolicy({ embedOrigins: [] });
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toMatch(/script-src[^;]*(unsafe|https:|\*)/);
    expect(policy).toContain("object-src 'none'");
  });

  it('lets only the configured sites embed the page, and connects where Direct Line lives', () => {
    const policy = webPageContentSecurityPolicy({
      embedOrigins: ['https://www.example.com'],
      connectSources: ['https://directline.botframework.com', 'wss://directline.botframework.com'],
    });
    expect(policy).toContain("frame-ancestors 'self' https://www.example.com");
    expect(policy).toContain("connect-src 'self' blob: https://directline.botframework.com wss://directline.botframework.com");
  });

  it('is sent by the page routes that use the handler, replacing the API policy', async () => {
    const server = restify.createServer();
    server.get('/', webPageSecurityHeaders({ embedOrigins: [] }), (_req: Request, res: Response, next) => {
      res.sendRaw(200, '<!doctype html><title>chat</title>', { 'content-type': 'text/html' });
      next();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${server.address().port}/`);
      expect(response.headers.get('content-security-policy')).toBe(webPageContentSecurityPolicy({ embedOrigins: [] }));
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    } finally {
      server.close();
    }
  });
});
