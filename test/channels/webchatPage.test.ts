import { findWebChatBundle, preferredEncoding, webChatBundleUrl } from '../../src/channels/webchat/pageRoutes';
import { type RunningService, startService } from '../support/service';

const bundleUrl = webChatBundleUrl(findWebChatBundle()!);

describe('the chat page and its files', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  it.each([
    ['/', 'text/html', bundleUrl.slice(1)],
    ['/embed.js', 'text/javascript', 'iframe'],
    ['/static/chat.js', 'text/javascript', 'createDirectLine'],
    ['/static/chat.css', 'text/css', '#webchat'],
    [bundleUrl, 'text/javascript', 'WebChat'],
  ])('serves %s as %s', async (url, contentType, contains) => {
    const response = await fetch(`${running.baseUrl}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(contentType);
    expect(await response.text()).toContain(contains);
  });

  it('loads Web Chat from this service, never from a CDN, and no inline script', async () => {
    const html = await (await fetch(`${running.baseUrl}/`)).text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1])).toEqual([bundleUrl.slice(1), 'static/chat.js']);
    expect(scripts.every(([, , body]) => body.trim() === '')).toBe(true);
  });

  it.each(['br', 'gzip'])(
    'serves Web Chat %s-compressed (a quarter of its size or less), under its version, for a year',
    async (encoding) => {
      const plain = await (await fetch(`${running.baseUrl}${bundleUrl}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer();
      const response = await fetch(`${running.baseUrl}${bundleUrl}`, { headers: { 'accept-encoding': `${encoding}, deflate` } });
      expect(response.headers.get('content-encoding')).toBe(encoding);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('vary')).toBe('Accept-Encoding');
      // fetch decodes the body itself; its length on the wire is the header's.
      expect(Number(response.headers.get('content-length'))).toBeLessThan(plain.byteLength / 4);
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(plain))).toBe(true);
    },
  );

  it('picks brotli, then gzip, and honours q=0', () => {
    expect(preferredEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(preferredEncoding('gzip;q=1, br;q=0')).toBe('gzip');
    expect(preferredEncoding('identity')).toBeUndefined();
    expect(preferredEncoding(undefined)).toBeUndefined();
  });

  it('serves nothing else from the page folder', async () => {
    expect((await fetch(`${running.baseUrl}/static/index.html`)).status).toBe(404);
    expect((await fetch(`${running.baseUrl}/static/..%2Fpublic%2Findex.html`)).status).toBe(404);
  });
});
