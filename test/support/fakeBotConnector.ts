import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { type CardJson, cardsIn } from './teams';

export interface ConnectorCall {
  method: string;
  /** The conversation and activity of the path, URL-decoded. */
  conversationId?: string;
  activityId?: string;
  authorization?: string;
  body: Record<string, unknown>;
}

/**
 * The Bot Connector of a channel (Teams, or any channel the bot answers proactively), as a local
 * HTTP server: `POST /v3/conversations` starts a channel thread (`<channel>;messageid=<id>`, its
 * first message the activity given), and activities sent to, replied in or updated in a
 * conversation are kept, in order, for the test to read.
 */
export async function fakeBotConnector() {
  const calls: ConnectorCall[] = [];
  let nextId = 1_700_000_000_000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      const [conversationId, activityId] = (/^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?)?$/.exec(req.url ?? '') ?? [])
        .slice(1)
        .map((part) => part && decodeURIComponent(part));
      const id = String(nextId++);
      const answer = (reply: object) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
      };
      if (req.method === 'POST' && req.url === '/v3/conversations') {
        const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
        const thread = `${channel};messageid=${id}`;
        calls.push({ method: 'create', conversationId: thread, activityId: id, authorization: req.headers.authorization, body });
        return answer({ id: thread, activityId: id });
      }
      if (!conversationId) {
        res.writeHead(404);
        return res.end();
      }
      calls.push({
        method: req.method === 'PUT' ? 'update' : 'send',
        conversationId,
        activityId,
        authorization: req.headers.authorization,
        body,
      });
      answer({ id: activityId && req.method === 'PUT' ? activityId : id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const activityOf = (call: ConnectorCall) => (call.method === 'create' ? call.body.activity : call.body) as Partial<Activity>;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    calls,
    /** Threads started, with the card each began with. */
    threads: () =>
      calls
        .filter((call) => call.method === 'create')
        .map((call) => ({ conversationId: call.conversationId!, cardId: call.activityId!, card: cardsIn([activityOf(call)])[0], call })),
    /** The texts sent into a conversation (replies included), in order. */
    textsIn: (conversationId: string) =>
      calls
        .filter((call) => call.method === 'send' && call.conversationId === conversationId && typeof call.body.text === 'string')
        .map((call) => call.body.text as string),
    /** The card of a thread as it stands after its updates. */
    cardOf(conversationId: string): CardJson | undefined {
      const versions = calls.filter(
        (call) => call.conversationId === conversationId && (call.method === 'create' || call.method === 'update'),
      );
      return cardsIn(versions.slice(-1).map(activityOf))[0];
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeBotConnector = Awaited<ReturnType<typeof fakeBotConnector>>;
