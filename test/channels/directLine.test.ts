import jwt from 'jsonwebtoken';
import { loadMessages } from '../../src/content/messages';
import { type ActivityPage, botTexts, directLineClient, userMessage } from '../support/directLine';
import { type RunningService, startService } from '../support/service';

const messages = loadMessages();
const secret = 'test-secret-of-at-least-thirty-two-bytes!';

describe('the self-hosted Direct Line, over HTTP', () => {
  let running: RunningService;
  let client: ReturnType<typeof directLineClient>;
  beforeAll(async () => {
    running = await startService({ WEBCHAT_TOKEN_SECRET: secret, WEBCHAT_TOKENS_PER_MINUTE: '1000' });
    client = directLineClient(running.baseUrl);
  });
  afterAll(() => running.service.stop());

  it('issues a token bound to a new conversation, valid for 30 minutes', async () => {
    const session = await client.session();
    expect(session.conversationId).toEqual(expect.any(String));
    expect(session.userId).toMatch(/^dl_/);
    expect(session.expires_in).toBe(1800);
    expect(session.domain).toBeUndefined();
    const claims = jwt.verify(session.token, secret) as jwt.JwtPayload;
    expect(claims.conv).toBe(session.conversationId);
    expect(claims.exp! - claims.iat!).toBe(1800);
  });

  it('starts the conversation the token names, and the bot greets in it', async () => {
    const session = await client.session();
    const started = await client.start(session.token);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ conversationId: session.conversationId, token: session.token });

    const first = await client.poll(session.token, session.conversationId);
    expect(first.status).toBe(200);
    expect(botTexts(first.body)).toEqual([messages.welcome, messages.welcomePrompt]);
    expect(first.body.watermark).toMatch(/^2\./);
  });

  it('echoes what the user posted, then the replies, and a watermark returns only what is new', async () => {
    const session = await client.session();
    await client.start(session.token);
    const greeted = (await client.poll(session.token, session.conversationId)).body as ActivityPage;

    const message = userMessage('hello');
    const posted = await client.post(session.token, session.conversationId, message);
    expect(posted.status).toBe(200);
    expect(posted.body.id).toEqual(expect.any(String));

    const next = (await client.poll(session.token, session.conversationId, greeted.watermark)).body as ActivityPage;
    const [echo, ...replies] = next.activities;
    expect(echo).toMatchObject({
      id: posted.body.id,
      text: 'hello',
      from: { id: session.userId, role: 'user' },
      conversation: { id: session.conversationId },
      channelData: { clientActivityID: message.channelData.clientActivityID },
    });
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) {
      expect(reply).toMatchObject({ type: 'message', replyToId: posted.body.id, from: { role: 'bot' }, channelId: 'webchat' });
    }
    expect(parseInt(next.watermark, 10)).toBe(parseInt(greeted.watermark, 10) + next.activities.length);

    const nothingNew = (await client.poll(session.token, session.conversationId, next.watermark)).body as ActivityPage;
    expect(nothingNew).toEqual({ activities: [], watermark: next.watermark });
  });

  it('puts the replies in the conversation even when the client asks for them in the response (expectReplies)', async () => {
    const session = await client.session();
    await client.start(session.token);
    const greeted = (await client.poll(session.token, session.conversationId)).body as ActivityPage;

    const posted = await client.post(session.token, session.conversationId, userMessage('hello', { deliveryMode: 'expectReplies' }));
    const next = (await client.poll(session.token, session.conversationId, greeted.watermark)).body as ActivityPage;
    expect(posted).toMatchObject({ status: 200, body: { id: expect.any(String) } });
    expect(botTexts(next).length).toBeGreaterThan(0);
  });

  it('on reconnect (page reload) keeps the conversation: the history, and no second greeting', async () => {
    const session = await client.session();
    await client.start(session.token);
    await client.post(session.token, session.conversationId, userMessage('hello'));
    const before = (await client.poll(session.token, session.conversationId)).body as ActivityPage;
    expect(before.activities.map((activity) => activity.text).slice(0, 3)).toEqual([messages.welcome, messages.welcomePrompt, 'hello']);

    const reconnected = await client.reconnect(session.token, session.conversationId);
    expect(reconnected.status).toBe(200);
    expect(reconnected.body.conversationId).toBe(session.conversationId);
    const history = (await client.poll(session.token, session.conversationId, '0')).body as ActivityPage;
    expect(history).toEqual(before);
  });

  it('refreshes a valid token into a new one for the same conversation', async () => {
    const session = await client.session();
    await client.start(session.token);
    const refreshed = await client.refresh(session.token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ conversationId: session.conversationId, expires_in: 1800 });
    expect((await client.poll(refreshed.body.token, session.conversationId)).status).toBe(200);
  });

  it('does not let a token read or post in another conversation (403)', async () => {
    const mine = await client.session();
    const theirs = await client.session();
    await client.start(theirs.token);
    await client.post(theirs.token, theirs.conversationId, userMessage('my address is 1 Private Road'));

    const read = await client.poll(mine.token, theirs.conversationId);
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain('Private Road');
    expect((await client.post(mine.token, theirs.conversationId, userMessage('hi'))).status).toBe(403);
    expect((await client.reconnect(mine.token, theirs.conversationId)).status).toBe(403);
  });

  it.each([
    ['no token', undefined, 'TokenMissing'],
    [
      'a forged token',
      jwt.sign({ conv: 'c', ch: 'webchat' }, 'another-secret', {
        subject: 'dl_x',
        issuer: 'evc-cable-release-bot',
        audience: 'directline',
      }),
      'TokenInvalid',
    ],
    ['an unsigned token', jwt.sign({ conv: 'c', ch: 'webchat', sub: 'dl_x' }, '', { algorithm: 'none' }), 'TokenInvalid'],
    ['garbage', 'not-a-token', 'TokenInvalid'],
  ])('refuses %s with 401', async (_kind, token, code) => {
    const answer = await client.poll(token as string, 'c');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe(code);
  });

  it('refuses an expired token with 403, as Direct Line does, and will not refresh it', async () => {
    const session = await client.session();
    const expired = jwt.sign({ conv: session.conversationId, ch: 'webchat', exp: Math.floor(Date.now() / 1000) - 60 }, secret, {
      subject: session.userId,
      issuer: 'evc-cable-release-bot',
      audience: 'directline',
    });
    const read = await client.poll(expired, session.conversationId);
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe('TokenExpired');
    expect((await client.refresh(expired)).status).toBe(403);
  });

  it('accepts typing and endOfConversation from the client, as Direct Line does: typing is not kept, the end is', async () => {
    const session = await client.session();
    await client.start(session.token);
    const greeted = (await client.poll(session.token, session.conversationId)).body as ActivityPage;
    const typing = await client.post(session.token, session.conversationId, { type: 'typing', from: { id: 'x' } });
    expect(typing).toMatchObject({ status: 200, body: { id: expect.any(String) } });
    expect(((await client.poll(session.token, session.conversationId, greeted.watermark)).body as ActivityPage).activities).toEqual([]);

    const ended = await client.post(session.token, session.conversationId, { type: 'endOfConversation', from: { id: 'x' } });
    expect(ended.status).toBe(200);
    const after = (await client.poll(session.token, session.conversationId, greeted.watermark)).body as ActivityPage;
    expect(after.activities[0]).toMatchObject({ id: ended.body.id, type: 'endOfConversation', from: { role: 'user' } });
  });

  it.each([
    ['an unknown type', userMessage('hi', { type: 'conversationUpdate' }), 'type'],
    ['a foreign channel', userMessage('hi', { channelId: 'msteams' }), 'channelId'],
    ['text that is far too long', userMessage('x'.repeat(5000)), 'text'],
    ['an activity over the size limit', userMessage('hi', { entities: [{ type: 'padding', data: 'y'.repeat(20_000) }] }), 'bytes'],
    ['not an object', [1, 2, 3], 'expected object'],
  ])('answers %s with 400 naming the problem', async (_kind, activity, problem) => {
    const session = await client.session();
    const answer = await client.post(session.token, session.conversationId, activity);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BadArgument');
    expect(answer.body.error.problems.join(' ')).toContain(problem);
  });

  it('answers a watermark that is not a number with 400', async () => {
    const session = await client.session();
    const answer = await client.poll(session.token, session.conversationId, 'abc');
    expect(answer.status).toBe(400);
  });
});

describe('after a restart without Redis', () => {
  it('a watermark from before the restart does not swallow what the new log holds', async () => {
    const env = { WEBCHAT_TOKEN_SECRET: secret };
    const before = await startService(env);
    const session = await directLineClient(before.baseUrl).session();
    let watermark: string;
    try {
      const client = directLineClient(before.baseUrl);
      await client.start(session.token);
      for (const text of ['hello', 'my charging cable is stuck in the car'])
        await client.post(session.token, session.conversationId, userMessage(text));
      watermark = ((await client.poll(session.token, session.conversationId)).body as ActivityPage).watermark;
      expect(parseInt(watermark, 10)).toBeGreaterThan(3);
    } finally {
      await before.service.stop();
    }

    const after = await startService(env);
    try {
      const client = directLineClient(after.baseUrl);
      // Web Chat reconnects with its watermark (the bot greets in the new log) and polls with it.
      expect((await client.reconnect(session.token, session.conversationId)).status).toBe(200);
      await client.post(session.token, session.conversationId, userMessage('hello'));
      const page = (await client.poll(session.token, session.conversationId, watermark)).body as ActivityPage;
      expect(botTexts(page)[0]).toBe(messages.welcome);
      expect(page.activities.map((activity) => activity.text)).toContain('hello');
    } finally {
      await after.service.stop();
    }
  });
});

describe('the web chat token route', () => {
  it('limits tokens per client IP with 429 and Retry-After', async () => {
    const running = await startService({ WEBCHAT_TOKENS_PER_MINUTE: '2' });
    try {
      const client = directLineClient(running.baseUrl);
      const statuses = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 3; i += 1) {
        const answer = await client.call('POST', `${running.baseUrl}/api/webchat/token`);
        statuses.push(answer.status);
        retryAfter = answer.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await running.service.stop();
    }
  });
});
