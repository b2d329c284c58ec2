import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { messageActivity } from '../support/http';
import { mockOutsideHttp } from '../support/outsideHttp';
import { type RunningService, startService } from '../support/service';

/**
 * Bot Framework's token checks, with its key endpoints answered by nock: the service trusts the keys
 * published at login.botframework.com and nothing else.
 */
const appId = '11111111-2222-3333-4444-555555555555';
const published = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyId = 'published-key';
mockOutsideHttp('127.0.0.1');

function publishBotFrameworkKeys() {
  const jwk = published.publicKey.export({ format: 'jwk' });
  nock('https://login.botframework.com')
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(200, { issuer: 'https://api.botframework.com', jwks_uri: 'https://login.botframework.com/v1/.well-known/keys' })
    .get('/v1/.well-known/keys')
    .reply(200, { keys: [{ kty: 'RSA', use: 'sig', kid: keyId, n: jwk.n, e: jwk.e, endorsements: ['test'] }] });
}

function channelToken(signingKey: KeyObject, claims: Record<string, unknown> = {}): string {
  return jwt.sign(
    { iss: 'https://api.botframework.com', aud: appId, serviceurl: 'http://localhost:1', ...claims },
    signingKey,
    { algorithm: 'RS256', keyid: keyId, ...('exp' in claims ? {} : { expiresIn: '5m' }) },
  );
}

describe('the Bot Framework endpoint with an app id configured', () => {
  let running: RunningService;
  beforeAll(async () => {
    // CloudAdapter prints every refused token with console.error; the assertions are on the answers.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    publishBotFrameworkKeys();
    running = await startService({ MicrosoftAppId: appId, MicrosoftAppPassword: 'app-password' });
  });
  afterAll(async () => {
    await running.service.stop();
    jest.restoreAllMocks();
  });

  async function post(authorization?: string) {
    return fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(messageActivity(`auth-${Math.random()}`, 'hello')),
    });
  }

  it('refuses a request without a token with 401 and no details', async () => {
    const response = await post();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'Unauthorized', message: 'A valid Bot Framework token is required.' });
  });

  it('refuses a token signed with a key Bot Framework did not publish', async () => {
    expect((await post(`Bearer ${channelToken(attacker.privateKey)}`)).status).toBe(401);
  });

  it('refuses a published-key token issued for another bot', async () => {
    expect((await post(`Bearer ${channelToken(published.privateKey, { aud: 'another-bot' })}`)).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const expired = channelToken(published.privateKey, { exp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await post(`Bearer ${expired}`)).status).toBe(401);
  });

  it('refuses something that is not a token at all', async () => {
    expect((await post('Bearer not.a.token')).status).toBe(401);
    expect((await post('Basic dXNlcjpwYXNz')).status).toBe(401);
  });

  it('serves a request that carries a valid channel token', async () => {
    const response = await post(`Bearer ${channelToken(published.privateKey)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { activities: unknown[] };
    expect(body.activities.length).toBeGreaterThan(0);
  });
});
