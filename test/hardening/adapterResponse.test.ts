import { CloudAdapter } from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { adapterResponse } from '../../src/security/adapterResponse';
import { BotFrameworkRequestAuthentication } from '../../src/security/botFrameworkAuthentication';
import { messageActivity } from '../support/http';

/** A server whose bot fails outside the turn's error handler, as a broken adapter or connector would. */
async function serverWhere(logic: () => Promise<void>) {
  const adapter = new CloudAdapter(new BotFrameworkRequestAuthentication({ appType: 'MultiTenant' }));
  adapter.onTurnError = async () => {
    throw new Error('secret detail at /srv/app/dist/bot.js:42');
  };
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, adapterResponse(res), logic);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/api/messages` };
}

describe('what the Bot Framework adapter may send back', () => {
  beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('replaces an error message with a fixed body', async () => {
    const { server, url } = await serverWhere(async () => {
      throw new Error('boom');
    });
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messageActivity('x', 'hi')) });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({ code: 'InternalError', message: 'Something went wrong on our side.' });
      expect(body).not.toMatch(/secret|\.js|boom/);
    } finally {
      server.close();
    }
  });

  it('passes the replies of a successful turn through', async () => {
    const { server, url } = await serverWhere(async () => undefined);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messageActivity('x', 'hi')) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ activities: [] });
    } finally {
      server.close();
    }
  });
});
