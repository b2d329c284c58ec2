import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'restify';
import { maxJsonDepth, nestsDeeperThan } from '../../src/security/requestBodies';
import { createHttpService } from '../../src/server';
import { capturedLogger } from '../tickets/fixtures';
import { directLineClient, userMessage } from '../support/directLine';
import { messageActivity } from '../support/http';
import { type RunningService, startService } from '../support/service';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('request bodies on every route', () => {
  let running: RunningService;
  let directLine: { post: (body: string, headers?: Record<string, string>) => Promise<globalThis.Response> };
  beforeAll(async () => {
    running = await startService({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'app-password' });
    const client = directLineClient(running.baseUrl);
    const { token, conversationId } = await client.session();
    directLine = {
      post: (body, headers = { 'content-type': 'application/json' }) =>
        fetch(`${running.baseUrl}/v3/directline/conversations/${conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, ...headers },
          body,
        }),
    };
  });
  afterAll(() => running.service.stop());

  const post = (path: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${running.baseUrl}${path}`, { method: 'POST', headers, body: body as string });

  describe('compressed bodies are refused from the headers, before authentication or inflating', () => {
    // Inflates to 40 times the body limit, as a "zip bomb" would (those go to hundreds of MB).
    const bomb = gzipSync(`{"type":"message","text":"${'0'.repeat(40 * 262_144)}"}`);

    it.each(['gzip', 'GZIP', 'x-gzip', 'deflate', 'br', 'gzip, identity'])(
      'Content-Encoding: %s gets 415 and says to send it uncompressed',
      async (encoding) => {
        const response = await post('/api/messages', bomb, { 'content-type': 'application/json', 'content-encoding': encoding });
        expect(response.status).toBe(415);
        expect(response.headers.get('accept-encoding')).toBe('identity');
        expect(await response.json()).toEqual({
          code: 'UnsupportedContentEncoding',
          message: 'Send the request body uncompressed (no Content-Encoding).',
        });
      },
    );

    it('on the Direct Line routes too', async () => {
      const response = await directLine.post(bomb as unknown as string, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(response.status).toBe(415);
    });

    it('an uncompressed body (Content-Encoding: identity) is read as usual', async () => {
      const response = await post('/api/messages', JSON.stringify(messageActivity('identity', 'hello')), {
        'content-type': 'application/json',
        'content-encoding': 'identity',
      });
      expect(response.status).toBe(401);
    });
  });

  it.each([
    ['form data', 'application/x-www-form-urlencoded', 'type=message&text=hi'],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--x--\r\n',
    ],
    ['plain text', 'text/plain', '{"type":"message"}'],
    ['octet stream', 'application/octet-stream', '{"type":"message"}'],
  ])('a body of %s gets 415: only JSON is read', async (_kind, contentType, body) => {
    const response = await post('/api/messages', body, { 'content-type': contentType });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'UnsupportedMediaType' });
  });

  describe(`JSON nested deeper than ${maxJsonDepth} levels gets 400 naming the problem, before anything walks it`, () => {
    const deepChannelData = `{"type":"message","text":"hi","channelId":"test","from":{"id":"u"},"conversation":{"id":"deep"},"channelData":${nested(7_000)}}`;
    const answer = { code: 'InvalidContent', message: `The JSON body nests deeper than ${maxJsonDepth} levels.` };

    it('on /api/messages', async () => {
      const response = await post('/api/messages', deepChannelData, { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(answer);
    });

    it('on a Direct Line post', async () => {
      const response = await directLine.post(JSON.stringify(userMessage('hi')).replace(/}$/, `,"channelData":${nested(7_000)}}`));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(answer);
    });

    it('brackets inside strings do not count, and the limit itself is accepted', () => {
      expect(nestsDeeperThan(JSON.stringify({ text: '['.repeat(1_000) }), 2)).toBe(false);
      expect(nestsDeeperThan(JSON.stringify({ text: '\\"[[[' }), 1)).toBe(false);
      expect(nestsDeeperThan(nested(maxJsonDepth), maxJsonDepth)).toBe(false);
      expect(nestsDeeperThan(nested(maxJsonDepth + 1), maxJsonDepth)).toBe(true);
    });
  });

  it("malformed JSON gets 400 without the parser's words (they quote the body)", async () => {
    const response = await post('/api/messages', '{"type": "message", "text": "secret', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'InvalidContent', message: 'The request body is not valid JSON.' });
  });

  it.each([
    ['an unknown route', () => fetch(`${running.baseUrl}/no/such/route-with-a-secret`), 404, 'NotFound'],
    ['a method the route does not take', () => fetch(`${running.baseUrl}/api/messages`), 405, 'MethodNotAllowed'],
    [
      'a body over the limit',
      () => post('/api/messages', JSON.stringify({ text: 'x'.repeat(300_000) }), { 'content-type': 'application/json' }),
      413,
      'PayloadTooLarge',
    ],
  ])('%s gets a fixed body that does not echo the request', async (_kind, request, status, code) => {
    const response = await request();
    expect(response.status).toBe(status);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ code });
    expect(body).not.toMatch(/secret|route-with|\d{6}/);
  });
});

describe('an error inside any route', () => {
  it('is answered 500 with a fixed body and logged; nothing of it reaches the client', async () => {
    const { logger, lines } = capturedLogger();
    const http = createHttpService({
      logger,
      maxBodyBytes: 10_000,
      shutdownGraceMs: 100,
      keepAliveTimeoutMs: 5_000,
      readinessChecks: [],
      routes: [
        (server) =>
          server.get('/fails', async (_req: Request, _res: Response) => {
            throw new RangeError('Maximum call stack size exceeded at /srv/app/dist/secret.js:42');
          }),
      ],
    });
    const port = await http.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${port}/fails`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({ code: 'InternalError', message: 'Something went wrong on our side.' });
      expect(body).not.toMatch(/Range|stack|secret|\.js/);
      expect(lines.find((line) => line.msg === 'request failed')).toMatchObject({ level: 50, path: '/fails', err: { type: 'RangeError' } });
    } finally {
      await http.shutdown();
    }
  });
});
