import { type RunningService, startService } from '../support/service';

describe('the chat page and its files', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  it.each([
    ['/', 'text/html', 'static/webchat.js'],
    ['/embed.js', 'text/javascript', 'iframe'],
    ['/static/chat.js', 'text/javascript', 'createDirectLine'],
    ['/static/chat.css', 'text/css', '#webchat'],
    ['/static/webchat.js', 'text/javascript', 'WebChat'],
  ])('serves %s as %s', async (url, contentType, contains) => {
    const response = await fetch(`${running.baseUrl}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(contentType);
    expect(await response.text()).toContain(contains);
  });

  it('loads Web Chat from this service, never from a CDN, and no inline script', async () => {
    const html = await (await fetch(`${running.baseUrl}/`)).text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1])).toEqual(['static/webchat.js', 'static/chat.js']);
    expect(scripts.every(([, , body]) => body.trim() === '')).toBe(true);
  });

  it('serves nothing else from the page folder', async () => {
    expect((await fetch(`${running.baseUrl}/static/index.html`)).status).toBe(404);
    expect((await fetch(`${running.baseUrl}/static/..%2Fpublic%2Findex.html`)).status).toBe(404);
  });
});
