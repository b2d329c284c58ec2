import { loadMessages } from '../../src/content/messages';
import { messageActivity, postActivity, textsOf } from '../support/http';
import { type RunningService, startService } from '../support/service';

const messages = loadMessages();

describe('the Bot Framework endpoint over a real socket', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  it('answers a message with the replies in the response body (expectReplies)', async () => {
    const { status, replies } = await postActivity(running.baseUrl, messageActivity('endpoint-1', 'hello'));
    expect(status).toBe(200);
    expect(textsOf(replies)[0]).toBe(messages.welcome);
    expect(replies.length).toBeGreaterThan(1);
  });

  it('keeps idle connections open for 65 s by default and says so, longer than a proxy in front keeps them', async () => {
    const response = await fetch(`${running.baseUrl}/healthz`);
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
    const shorter = await startService({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '30000' });
    try {
      expect((await fetch(`${shorter.baseUrl}/healthz`)).headers.get('keep-alive')).toBe('timeout=30');
    } finally {
      await shorter.service.stop();
    }
  });

  it('greets once per conversation', async () => {
    await postActivity(running.baseUrl, messageActivity('endpoint-2', 'hello'));
    const { replies } = await postActivity(running.baseUrl, messageActivity('endpoint-2', 'hello again'));
    expect(textsOf(replies)).not.toContain(messages.welcome);
  });

  it('greets a user who joins, and only once', async () => {
    const joined = messageActivity('endpoint-3', '', { type: 'conversationUpdate', membersAdded: [{ id: 'user-1', name: 'Driver' }] });
    const first = await postActivity(running.baseUrl, joined);
    expect(textsOf(first.replies)).toEqual([messages.welcome, messages.welcomePrompt]);
    const second = await postActivity(running.baseUrl, { ...joined, id: 'another-update' });
    expect(second.replies).toEqual([]);
  });

  it('does not greet when only the bot joins', async () => {
    const botJoined = messageActivity('endpoint-4', '', { type: 'conversationUpdate', membersAdded: [{ id: 'bot', name: 'Bot' }] });
    expect((await postActivity(running.baseUrl, botJoined)).replies).toEqual([]);
  });

  it('answers malformed JSON with 400 and a JSON error', async () => {
    const response = await fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'InvalidContent' });
  });

  it('answers a body over the size limit with 413', async () => {
    const huge = messageActivity('endpoint-5', 'x'.repeat(running.config.maxBodyBytes + 1));
    const response = await fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(huge),
    });
    expect(response.status).toBe(413);
  });

  it('answers an activity that is not one with 400, not a crash', async () => {
    const response = await fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1, 2, 3]',
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).not.toMatch(/at .*\.js/);
  });

  it('answers an invoke activity the bot does not handle with 400 saying so, not a server error', async () => {
    const invoke = messageActivity('endpoint-invoke', '', {
      type: 'invoke',
      name: 'composeExtension/query',
      deliveryMode: undefined,
      value: {},
    });
    const response = await fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(invoke),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'UnsupportedInvoke',
      message: 'This bot does not handle invoke activities of this name.',
    });
  });

  it('answers unknown routes with 404', async () => {
    const response = await fetch(`${running.baseUrl}/no/such/route`);
    expect(response.status).toBe(404);
  });

  it('reports liveness and readiness as JSON', async () => {
    const health = await fetch(`${running.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${running.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});

describe('activities the endpoint refuses', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService();
  });
  afterAll(() => running.service.stop());

  it.each([
    ['an empty object', {}, 'type'],
    ['an activity with no conversation', { ...messageActivity('x', 'hi'), conversation: undefined }, 'conversation'],
    ['an activity with no sender', { ...messageActivity('x', 'hi'), from: undefined }, 'from'],
    ['a type that is not a string', { ...messageActivity('x', 'hi'), type: 42 }, 'type'],
  ])('answers %s with 400 naming the field', async (_kind, body, field) => {
    const response = await fetch(`${running.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { code: string; problems: string[] };
    expect(answer.code).toBe('InvalidActivity');
    expect(answer.problems.join(' ')).toContain(field);
  });
});
