import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, Redis, ReplyError, type RedisOptions } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { StateUnavailableError } from './stateErrors';

/** A single server (also behind Sentinel) or a Cluster: everything in `src/state` works with either. */
export type RedisClient = Redis | Cluster;

/** Reconnect forever, backing off to at most two seconds, so the service heals when Redis returns. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2_000);
}

/**
 * Builds the client for the configured topology. Commands fail fast while Redis is unreachable
 * (no offline queue, one retry, bounded timeouts) so a turn never hangs waiting for it; the
 * connection itself keeps retrying in the background. `overrides` replace those command options:
 * for clients that must wait instead (BullMQ's blocking worker connection), and to turn on
 * auto-pipelining (`createStateRedisClient`).
 */
export function createRedisClient(redis: Config['redis'], logger: Logger, overrides: RedisOptions = {}): RedisClient {
  const connection = redis.connection;
  if (!connection) throw new Error('createRedisClient: no Redis is configured (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES)');
  const failFast: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: redis.connectTimeoutMs,
    commandTimeout: redis.commandTimeoutMs,
    ...overrides,
  };
  const credentials = (c: { username?: string; password?: string; tls: boolean }): RedisOptions => ({
    username: c.username,
    password: c.password,
    tls: c.tls ? {} : undefined,
  });

  let client: RedisClient;
  switch (connection.kind) {
    case 'single':
      // ioredis reads host, port, user, password, db and TLS (rediss://) from the URL.
      client = new Redis(connection.url, { ...failFast, retryStrategy: reconnectDelayMs });
      break;
    case 'sentinel':
      client = new Redis({
        ...failFast,
        ...credentials(connection),
        sentinels: connection.sentinels.map((s) => ({ ...s })),
        name: connection.name,
        sentinelPassword: connection.sentinelPassword,
        enableTLSForSentinelMode: connection.tls,
        retryStrategy: reconnectDelayMs,
        sentinelRetryStrategy: reconnectDelayMs,
      });
      break;
    case 'cluster':
      client = new Cluster(
        connection.nodes.map((n) => ({ ...n })),
        {
          enableOfflineQueue: failFast.enableOfflineQueue,
          enableAutoPipelining: failFast.enableAutoPipelining,
          clusterRetryStrategy: reconnectDelayMs,
          redisOptions: { ...failFast, ...credentials(connection) },
        },
      );
      break;
  }
  let outageLogged = false;
  client.on('ready', () => {
    outageLogged = false;
    logger.info({ redis: connection.kind }, 'redis ready');
  });
  client.on('error', (error: Error) => {
    // ioredis emits an error for every failed reconnect: log an outage once, the retries quietly.
    logger[outageLogged ? 'debug' : 'error']({ err: error, redis: connection.kind }, 'redis unreachable');
    outageLogged = true;
  });
  return client;
}

/**
 * The client for conversation state, locks, redelivery marks and rate limits. Auto-pipelining sends
 * the commands of all turns in flight in one socket write per event-loop tick instead of one write
 * each: a write is a system call, and under load those were the largest single cost of a turn with
 * Redis (docs/benchmarks.md). BullMQ's connections keep it off (it is not known to work with them).
 */
export function createStateRedisClient(redis: Config['redis'], logger: Logger): RedisClient {
  return createRedisClient(redis, logger, { enableAutoPipelining: true });
}

/**
 * QUIT, or when that does not come through (Redis down: refused without an offline queue, or queued
 * behind waiting commands with one) within `waitMs`, drop the connection.
 */
export async function closeRedisClient(client: RedisClient, waitMs = 1_000): Promise<void> {
  const quit = client.quit().then(
    () => true,
    () => false,
  );
  if (!(await Promise.race([quit, sleep(waitMs, false, { ref: false })]))) client.disconnect();
}

/** A Lua script run as a command: its keys, then its other arguments; it answers a number unless told otherwise. */
export type ScriptCommand<Reply = number> = (...keysThenArgs: (string | number)[]) => Promise<Reply>;

/**
 * `lua` as the command `name` of `client` (EVALSHA, with EVAL when Redis lost the script), defined
 * once per client. The fixed key count puts the keys first: auto-pipelining on a Cluster routes a
 * command by its first argument. Define commands before the client is in use (when the store using
 * them is made): an auto-pipelined batch has only the commands defined when it began, and a command
 * defined while one was filling failed in it and made ioredis throw an uncaught TypeError.
 */
export function scriptCommand<Reply = number>(client: RedisClient, name: string, keyCount: number, lua: string): ScriptCommand<Reply> {
  if (!(name in client)) client.defineCommand(name, { numberOfKeys: keyCount, lua });
  return (client as unknown as Record<string, ScriptCommand<Reply>>)[name].bind(client);
}

/** True when the client can take commands right now: what `/readyz` reports. */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === 'ready';
}

/** Resolves once the client is connected, or rejects after `timeoutMs` (start-up and tests). */
export function whenRedisReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (isRedisReady(client)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** Redis error replies (their first word is the error code) that mean "not now": failover, loading, cluster down. */
const unavailableReplyCodes = new Set(['CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'LOADING', 'READONLY']);

/** Node's codes for a network between the service and Redis that failed: refused, reset, unreachable, unresolved. */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** ioredis's errors of a connection it cannot use: these classes, by name (ioredis does not export them)... */
const connectionErrorNames = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
/** ...and plain errors that carry no code, known only by their words (ioredis 5). */
const connectionErrorMessages = [
  'Connection is closed.',
  'Command timed out',
  "Stream isn't writeable and enableOfflineQueue options is false",
  "Cluster isn't ready and enableOfflineQueue options is false",
  'None of startup nodes is available',
  'Cluster is disconnected.',
  'Node is disconnected',
];

/**
 * True when a command of `client` failed because Redis cannot be reached right now rather than
 * because of a bug or bad data. While the client is not connected every failure is the outage's.
 * Otherwise by code first: a network error's, then a Redis error reply's; then by the kind of ioredis
 * error, and only for ioredis's errors that have no code, by their text. Anything else (a TypeError,
 * a reply such as WRONGTYPE) is not an outage.
 */
export function isRedisUnavailable(client: RedisClient, error: unknown): boolean {
  if (!isRedisReady(client)) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as NodeJS.ErrnoException;
  if (typeof code === 'string') return networkErrorCodes.has(code);
  if (error instanceof ReplyError) return unavailableReplyCodes.has(error.message.split(' ', 1)[0]);
  if (connectionErrorNames.has(error.name)) return true;
  return connectionErrorMessages.some((text) => error.message.startsWith(text));
}

/**
 * Runs a state command (`command` issues it before its first await, so pipelining is kept): a
 * failure because Redis is unreachable comes out as a `StateUnavailableError` with the client's
 * error as its cause, anything else as it was.
 */
export async function stateCommand<T>(client: RedisClient, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw isRedisUnavailable(client, error) ? new StateUnavailableError({ cause: error }) : error;
  }
}
