import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { routeConsoleToLog } from '../../src/logger';
import { capturedLogger } from '../tickets/fixtures';
import { messageActivity } from '../support/http';
import { mockOutsideHttp } from '../support/outsideHttp';
import { freePort, runNode, waitUntilUp } from '../support/process';
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
  return jwt.sign({ iss: 'https://api.botframework.com', aud: appId, serviceurl: 'http://localhost:1', ...claims }, signingKey, {
    algorithm: 'RS256',
    keyid: keyId,
    ...('exp' in claims ? {} : { expiresIn: '5m' }),
  });
}

describe('the Bot Framework endpoint with an app id configured', () => {
  let running: RunningService;
  const printed = jest.fn();
  const { logger, lines } = capturedLogger();
  const consoleBefore = { ...console };
  beforeAll(async () => {
    // What botbuilder prints (each token it refuses, with its stack) is caught here; the service's process sends it to its log.
    jest.spyOn(console, 'error').mockImplementation(printed);
    routeConsoleToLog(logger);
    publishBotFrameworkKeys();
    running = await startService({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'app-password',
      RATE_LIMIT_REFUSED_REQUESTS_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await running.service.stop();
    Object.assign(console, consoleBefore);
    jest.restoreAllMocks();
  });

  async function post(authorization?: string, conversationId = `auth-${Math.random()}`) {
    return fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(messageActivity(conversationId, 'hello')),
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

  it("prints nothing to the console for the tokens it refused: botbuilder's traces are in the log, at debug", () => {
    expect(printed).not.toHaveBeenCalled();
    const traces = lines.filter((line) => line.source === 'console');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((line) => line.level === 20)).toBe(true);
  });
});

describe('counting on /api/messages with an app id configured', () => {
  let running: RunningService;
  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    publishBotFrameworkKeys();
    running = await startService({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'app-password',
      RATE_LIMIT_CONVERSATION_TURNS: '3',
      RATE_LIMIT_REFUSED_REQUESTS_PER_MINUTE: '5',
    });
  });
  afterAll(async () => {
    await running.service.stop();
    jest.restoreAllMocks();
  });

  const post = (conversationId: string, authorization?: string) =>
    fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(messageActivity(conversationId, 'hello')),
    });

  it('counts a turn only once its request is authenticated: forged posts naming a conversation do not lock it out', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post('victim', `Bearer ${channelToken(attacker.privateKey)}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await post('victim', `Bearer ${channelToken(published.privateKey)}`)).status).toBe(200);
  });

  it('counts refused requests per client address: past the limit they get 429, and a valid token from that address is still served', async () => {
    const answers = [];
    for (let i = 0; i <= 5; i += 1) answers.push(await post('anyone'));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toContain(429);
    expect(statuses.slice(statuses.indexOf(429)).every((status) => status === 429)).toBe(true);
    expect(Number(answers.at(-1)!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post('victim', `Bearer ${channelToken(published.privateKey)}`)).status).toBe(200);
  });
});

describe('the service process refusing requests', () => {
  it('writes JSON lines only to stdout and nothing to stderr (botbuilder prints each refused token with its stack)', async () => {
    const port = await freePort();
    const child = runNode('index.js', {
      env: { PORT: String(port), MicrosoftAppId: appId, MicrosoftAppPassword: 'app-password', NODE_ENV: 'test', LOG_LEVEL: 'info' },
    });
    try {
      await waitUntilUp(`http://127.0.0.1:${port}/healthz`);
      for (const authorization of [undefined, 'Bearer not.a.token', `Bearer ${channelToken(attacker.privateKey)}`]) {
        const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(messageActivity('refused', 'hello')),
        });
        expect(response.status).toBe(401);
      }
    } finally {
      child.kill('SIGTERM');
    }
    const { stdout, stderr } = await child.finished;
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.filter((line) => line.includes('request refused: no valid Bot Framework token'))).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(stderr).toBe('');
  });
});
