import type { ActivityPage } from '../../src/channels/directLine/conversationLog';
import type { WebChatSession } from '../../src/channels/webchat/sessions';

export type { ActivityPage, WebChatSession };

/** A Direct Line 3.0 client over HTTP, as Web Chat talks to the service (polling). */
export function directLineClient(baseUrl: string) {
  const directLine = `${baseUrl}/v3/directline`;
  const call = async (method: string, url: string, token?: string, body?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined };
  };

  return {
    call,
    async session(): Promise<WebChatSession> {
      const answer = await call('POST', `${baseUrl}/api/webchat/token`);
      if (answer.status !== 200) throw new Error(`token route answered ${answer.status}`);
      return answer.body as WebChatSession;
    },
    start: (token: string) => call('POST', `${directLine}/conversations`, token),
    reconnect: (token: string, conversationId: string) => call('GET', `${directLine}/conversations/${conversationId}?watermark=`, token),
    post: (token: string, conversationId: string, activity: unknown) =>
      call('POST', `${directLine}/conversations/${conversationId}/activities`, token, activity),
    poll: (token: string, conversationId: string, watermark = '') =>
      call('GET', `${directLine}/conversations/${conversationId}/activities?watermark=${watermark}`, token),
    refresh: (token: string) => call('POST', `${directLine}/tokens/refresh`, token),
  };
}

/** A user message as Web Chat posts it. */
export function userMessage(text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    text,
    textFormat: 'plain',
    locale: 'en-GB',
    from: { id: 'web-chat-user', name: '', role: 'user' },
    channelData: { clientActivityID: `client-${Math.random().toString(36).slice(2)}` },
    ...extra,
  };
}

export const botTexts = (page: ActivityPage): string[] =>
  page.activities.filter((activity) => activity.from?.role === 'bot' && activity.type === 'message').map((activity) => activity.text ?? '');
