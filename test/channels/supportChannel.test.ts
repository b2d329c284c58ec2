import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { SupportChannel } from '../../src/channels/liveAgents/supportChannel';
import { BotFrameworkRequestAuthentication } from '../../src/security/botFrameworkAuthentication';
import { fakeBotConnector, type FakeBotConnector } from '../support/fakeBotConnector';
import { mockOutsideHttp } from '../support/outsideHttp';
import { ourTenant, supportTeam } from '../support/teams';

const appId = '11111111-2222-3333-4444-555555555555';
const card = { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [] } };
mockOutsideHttp('127.0.0.1');

function channelAt(serviceUrl: string, credentials: { appId?: string; appPassword?: string }, timeoutMs = 2_000): SupportChannel {
  return new SupportChannel({
    authentication: new BotFrameworkRequestAuthentication({
      appId: credentials.appId,
      appPassword: credentials.appPassword,
      appType: 'MultiTenant',
      tenantId: undefined,
    }),
    botAppId: credentials.appId,
    serviceUrl,
    channelId: supportTeam.channelId,
    tenantId: ourTenant,
    timeoutMs,
  });
}

describe("the support team's Teams channel, through the Bot Connector", () => {
  let connector: FakeBotConnector;
  beforeAll(async () => (connector = await fakeBotConnector()));
  afterAll(() => connector.close());

  it("with the bot's app credentials: each call carries the token Entra issued the bot for the Bot Framework", async () => {
    let tokenRequest = '';
    const entra = nock('https://login.microsoftonline.com')
      .post('/botframework.com/oauth2/v2.0/token', (body: string) => ((tokenRequest = body), true))
      .query(true)
      .reply(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'the-bots-token' });
    const channel = channelAt(connector.url, { appId, appPassword: 'the-app-password' });
    const thread = await channel.startThread(card);
    await channel.post(thread, 'hello');
    expect(entra.isDone()).toBe(true);
    const form = new URLSearchParams(tokenRequest);
    expect([form.get('client_id'), form.get('client_secret'), form.get('grant_type'), form.get('scope')]).toEqual([
      appId,
      'the-app-password',
      'client_credentials',
      'https://api.botframework.com/.default',
    ]);
    expect(connector.calls.slice(-2).map((call) => [call.method, call.authorization])).toEqual([
      ['create', 'Bearer the-bots-token'],
      ['send', 'Bearer the-bots-token'],
    ]);
    expect(connector.calls.at(-2)!.body).toMatchObject({ bot: { id: `28:${appId}` }, isGroup: true, tenantId: ourTenant });
  });

  it('without app credentials (emulator mode, local use): no token', async () => {
    await channelAt(connector.url, {}).startThread(card);
    expect(connector.calls.at(-1)).toMatchObject({ method: 'create', authorization: undefined });
  });

  it('gives up on a connector that does not answer, saying which call and where', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = (await channelAt(`http://127.0.0.1:${port}/`, {}, 200)
        .startThread(card)
        .catch((e: unknown) => e)) as Error;
      expect(error.message).toBe(`The Teams Bot Connector at 127.0.0.1:${port} did not create the thread`);
      expect((error.cause as Error).name).toBe('AbortError');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
