import nock from 'nock';
import { directLineClient } from '../support/directLine';
import { mockOutsideHttp } from '../support/outsideHttp';
import { type RunningService, startService } from '../support/service';

const secret = 'azure-direct-line-secret-value';
mockOutsideHttp('127.0.0.1');

describe('the web chat token route with Azure Direct Line (DIRECT_LINE_SECRET set)', () => {
  afterEach(() => nock.cleanAll());

  let logs: Record<string, unknown>[] = [];
  async function tokenRoute(env: Record<string, string>) {
    const running: RunningService = await startService({ DIRECT_LINE_SECRET: secret, ...env }, { captureLogs: true });
    logs = running.logs;
    try {
      return await directLineClient(running.baseUrl).call('POST', `${running.baseUrl}/api/webchat/token`);
    } finally {
      await running.service.stop();
    }
  }

  it('exchanges the secret for a conversation token, and only the token reaches the browser', async () => {
    const azure = nock('https://directline.botframework.com', { reqheaders: { authorization: `Bearer ${secret}` } })
      .post('/v3/directline/tokens/generate', (body) => /^dl_/.test(body.user.id))
      .reply(200, { conversationId: 'azure-conversation', token: 'azure-token', expires_in: 3600 });

    const answer = await tokenRoute({});
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      conversationId: 'azure-conversation',
      token: 'azure-token',
      expires_in: 3600,
      domain: 'https://directline.botframework.com/v3/directline',
      userId: expect.stringMatching(/^dl_/),
    });
    expect(JSON.stringify(answer.body)).not.toContain(secret);
    expect(azure.isDone()).toBe(true);
  });

  it('uses a regional Direct Line when DIRECT_LINE_DOMAIN names one', async () => {
    const regional = nock('https://europe.directline.botframework.com')
      .post('/v3/directline/tokens/generate')
      .reply(200, { conversationId: 'eu-conversation', token: 'eu-token', expires_in: 3600 });

    const answer = await tokenRoute({ DIRECT_LINE_DOMAIN: 'https://europe.directline.botframework.com/v3/directline/' });
    expect(answer.body).toMatchObject({ token: 'eu-token', domain: 'https://europe.directline.botframework.com/v3/directline' });
    expect(regional.isDone()).toBe(true);
  });

  it.each([
    ['refuses the secret', (scope: nock.Interceptor) => scope.reply(403, { error: { code: 'BadArgument' } })],
    ['answers something unexpected', (scope: nock.Interceptor) => scope.reply(200, '<html>maintenance</html>')],
    ['cannot be reached', (scope: nock.Interceptor) => scope.replyWithError('getaddrinfo ENOTFOUND')],
  ])('answers 502, without the secret, when Azure %s, and logs why', async (_case, respond) => {
    respond(nock('https://directline.botframework.com').post('/v3/directline/tokens/generate'));
    const answer = await tokenRoute({});
    expect(answer.status).toBe(502);
    expect(answer.body.code).toBe('DirectLineUnavailable');
    expect(JSON.stringify(answer.body)).not.toContain(secret);
    expect(logs.find((line) => line.msg === 'Azure Direct Line token exchange failed')).toMatchObject({
      err: { type: 'DirectLineUnavailableError' },
    });
    expect(JSON.stringify(logs)).not.toContain(secret);
  });

  it('logs the network error under the one it caused when Azure cannot be reached', async () => {
    nock('https://directline.botframework.com')
      .post('/v3/directline/tokens/generate')
      .replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND directline.botframework.com' });
    await tokenRoute({});
    const failed = logs.find((line) => line.msg === 'Azure Direct Line token exchange failed') as { err: { message: string } };
    expect(failed.err.message).toMatch(/^Azure Direct Line did not issue a token: unreachable: .*getaddrinfo ENOTFOUND/);
  });
});
