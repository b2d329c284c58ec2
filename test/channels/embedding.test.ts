import { type RunningService, startService } from '../support/service';

const site = 'https://www.charger-maker.example';

describe('Web Chat on another site (WEBCHAT_EMBED_ORIGINS)', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ WEBCHAT_EMBED_ORIGINS: `${site}/`, WEBCHAT_TOKENS_PER_MINUTE: '1000' }, { captureLogs: true });
  });
  afterAll(() => running.service.stop());

  it('answers a configured site’s preflight and calls with CORS headers, errors included', async () => {
    const preflight = await fetch(`${running.baseUrl}/v3/directline/conversations`, {
      method: 'OPTIONS',
      headers: { origin: site, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(site);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');

    const token = await fetch(`${running.baseUrl}/api/webchat/token`, { method: 'POST', headers: { origin: site } });
    expect(token.status).toBe(200);
    expect(token.headers.get('access-control-allow-origin')).toBe(site);
    const refused = await fetch(`${running.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: { origin: site } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(site);
  });

  it('gives another site no CORS headers, and logs why', async () => {
    const other = 'https://elsewhere.example';
    const answer = await fetch(`${running.baseUrl}/api/webchat/token`, { method: 'POST', headers: { origin: other } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(running.logs).toContainEqual(
      expect.objectContaining({ site: other, msg: expect.stringContaining('not in WEBCHAT_EMBED_ORIGINS') }),
    );
  });

  it('lets the chat page call its own service without CORS', async () => {
    const answer = await fetch(`${running.baseUrl}/api/webchat/token`, { method: 'POST', headers: { origin: running.baseUrl } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(running.logs.filter((line) => line.site === running.baseUrl)).toEqual([]);
  });

  it('logs a frame the browser will refuse, naming the site', async () => {
    await fetch(`${running.baseUrl}/`, {
      headers: { 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site', referer: 'https://framing.example/page' },
    });
    await fetch(`${running.baseUrl}/`, {
      headers: { 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site', referer: `${site}/shop` },
    });
    const framed = running.logs.filter((line) => String(line.msg).includes('framed by a site'));
    expect(framed.map((line) => line.site)).toEqual(['https://framing.example']);
  });
});
