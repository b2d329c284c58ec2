import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, OwnedRedisServer } from '../state/redisTestKit';
import { content } from './guidedChat';
import { messageActivity, postActivity, textsOf } from './http';
import { type RunningService, startService } from './service';
import { waitFor } from './waitFor';

const { buttons, handoff } = content.messages;

/**
 * The installers' webhook as a local HTTP server the test controls: `down` answers 503, `failNext(n)`
 * answers 503 to the next n requests; tickets taken are counted by their Idempotency-Key.
 */
export async function localTicketEndpoint() {
  const arrivals = new Map<string, number>();
  const references: string[] = [];
  const bodies: Record<string, unknown>[] = [];
  const state = { down: false, failuresLeft: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      state.requests += 1;
      if (state.down || state.failuresLeft > 0) {
        state.failuresLeft = Math.max(0, state.failuresLeft - 1);
        res.writeHead(503);
        res.end('maintenance');
        return;
      }
      const key = String(req.headers['idempotency-key']);
      arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
      bodies.push(JSON.parse(body) as Record<string, unknown>);
      references.push((JSON.parse(body) as { reference: string }).reference);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"id":"installer-ticket"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tickets`,
    arrivals,
    /** The reference of every ticket (and ticket update) taken, in order of arrival. */
    references,
    /** What was taken, parsed, in order of arrival. */
    bodies,
    state,
    failNext(requests: number) {
      state.failuresLeft = requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type LocalTicketEndpoint = Awaited<ReturnType<typeof localTicketEndpoint>>;

/** A redis-server of the test's own (not started yet) with an append-only file, so its data survives a restart. */
export async function persistentRedis(): Promise<OwnedRedisServer> {
  return new OwnedRedisServer(await freePort(), ['--appendonly', 'yes']);
}

/**
 * A channel connector that takes `delayMs` to accept each reply, so that turns are still running
 * when the service is told to stop. Keeps the texts each conversation received.
 */
export function slowChannel(delayMs: number, conversations: number) {
  const received: string[] = [];
  const texts = new Map<string, string[]>();
  const started = new Set<string>();
  let allStarted: () => void;
  const everyTurnReplying = new Promise<void>((resolve) => (allStarted = resolve));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const reply = JSON.parse(body) as { conversation: { id: string }; text?: string };
      const conversation = reply.conversation.id;
      started.add(conversation);
      if (started.size === conversations) allStarted();
      setTimeout(() => {
        received.push(conversation);
        texts.set(conversation, [...(texts.get(conversation) ?? []), reply.text ?? '']);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"reply"}');
      }, delayMs);
    });
  });
  return { server, received, texts, everyTurnReplying };
}

/** Service settings: Redis under a fresh prefix, tickets to `endpoint` with tiny, patient retries. */
export function faultEnv(redis: OwnedRedisServer, endpoint: LocalTicketEndpoint): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `faults:${randomUUID()}:`,
    TICKET_WEBHOOK_URL: endpoint.url,
    TICKET_WEBHOOK_SECRET: 'fault-test-secret',
    TICKET_DELIVERY_ATTEMPTS: '1000',
    TICKET_BACKOFF_BASE_MS: '10',
    TICKET_BACKOFF_MAX_MS: '100',
    TICKET_DELIVERY_TIMEOUT_MS: '2000',
  };
}

/**
 * For a test file: before all its tests, a Redis of its own (restartable), the ticket endpoint and the
 * service between them, ready; after them, all three gone.
 */
export function serviceWithFaultableDependencies() {
  let redis: OwnedRedisServer | undefined;
  let endpoint: LocalTicketEndpoint | undefined;
  let running: RunningService | undefined;

  beforeAll(async () => {
    redis = await persistentRedis();
    endpoint = await localTicketEndpoint();
    await redis.start();
    running = await startService(faultEnv(redis, endpoint));
    await whenReady(running.baseUrl);
  });

  afterAll(async () => {
    await running?.service.stop().catch(() => undefined);
    await endpoint?.close();
    await redis?.remove();
  });

  return { redis: () => redis!, endpoint: () => endpoint!, baseUrl: () => running!.baseUrl };
}

/** A driver's side of one conversation over /api/messages (replies in the response). */
export function driver(baseUrl: () => string, conversationId = `fault-${randomUUID()}`) {
  return {
    conversationId,
    async say(text: string): Promise<{ status: number; texts: string[] }> {
      const { status, replies } = await postActivity(baseUrl(), messageActivity(conversationId, text));
      return { status, texts: textsOf(replies) };
    },
  };
}

/** A conversation that asks for a person, answers the contact questions and confirms; its last texts. */
export const handoffTurns = [
  'my cable is stuck in the car',
  buttons.person,
  'Sam Taylor',
  '07700 900123',
  'Leeds',
  handoff.buttons.skip,
  handoff.buttons.skip,
];
export const confirmTicket = handoff.buttons.create;

export function referenceIn(texts: string[]): string {
  const reference = texts.join(' ').match(/EVC-[2-9A-HJKMNP-Z]{6}/)?.[0];
  if (!reference) throw new Error(`no ticket reference in ${JSON.stringify(texts)}`);
  return reference;
}

/** Until the service reports ready (its Redis is reachable). */
export async function whenReady(baseUrl: string): Promise<void> {
  await waitFor(async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.status === 200, `${baseUrl}/readyz`);
}
