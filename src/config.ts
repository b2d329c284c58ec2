import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseDutyHours } from './dutyHours';
import { projectRoot } from './paths';

/**
 * The whole environment the service reads, in one zod schema. Every variable is documented in
 * `.env.example` with its default. Add new variables here, in the section they belong to.
 */
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalString = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/** `host:port,host:port`, as Sentinel and Cluster seed lists are usually written. */
const hostPortList = optionalString.pipe(
  z
    .string()
    .transform((list, ctx) =>
      list.split(',').map((entry) => {
        const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry.trim());
        const portNumber = Number(match?.[2]);
        if (!match || portNumber < 1 || portNumber > 65535) {
          ctx.addIssue({ code: 'custom', message: `"${entry.trim()}" is not host:port` });
          return z.NEVER;
        }
        return { host: match[1], port: portNumber };
      }),
    )
    .optional(),
);
/** The shortest web chat token life accepted: the Direct Line client's 15-minute refresh, and 5 minutes for its retries. */
const minTokenTtlSeconds = 20 * 60;
/** The publisher shown in Teams when none is configured: placeholders, to be replaced before publishing. */
export const defaultTeamsDeveloper = { name: 'EV charger support', websiteUrl: 'https://www.example.com' } as const;
const booleanFlag = z.enum(['true', 'false', '1', '0', '']).transform((flag) => flag === 'true' || flag === '1');

/** Redis topology (one of single server, Sentinel, Cluster), keys and conversation-state timings. */
const redisEnv = {
  REDIS_SENTINELS: hostPortList,
  REDIS_SENTINEL_NAME: optionalString,
  REDIS_SENTINEL_PASSWORD: optionalString,
  REDIS_CLUSTER_NODES: hostPortList,
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_TLS: booleanFlag.default(false),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[^{}\s]*$/, 'must not contain braces or spaces (braces are the Cluster hash tag)')
    .default('evbot:'),
  REDIS_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(2_000),
  CONVERSATION_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  STATE_MAX_ITEM_BYTES: positiveInt.default(512 * 1024),
  CONVERSATION_LOCK_TTL_MS: positiveInt.default(30_000),
  CONVERSATION_LOCK_WAIT_MS: positiveInt.default(5_000),
  CONVERSATION_LOCK_RETRY_MS: positiveInt.default(20),
  REDELIVERY_TTL_SECONDS: positiveInt.default(24 * 3600),
};

const envShape = z.object({
  // Service
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3978),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: positiveInt.default(256 * 1024),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(65_000),

  // Bot Framework (names are Bot Framework's own)
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalString,
  CONNECTOR_TIMEOUT_MS: positiveInt.default(5_000),

  // State
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  ...redisEnv,

  // Escalation tickets (docs/tickets.md)
  TICKET_ADAPTER: z.enum(['webhook', 'zendesk', 'outbox']).optional(),
  TICKET_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TICKET_WEBHOOK_SECRET: optionalString,
  ZENDESK_SUBDOMAIN: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/i, 'just the subdomain, e.g. "acme" for acme.zendesk.com')
      .optional(),
  ),
  ZENDESK_EMAIL: optionalString.pipe(z.email().optional()),
  ZENDESK_API_TOKEN: optionalString,
  TICKET_OUTBOX_FILE: z.string().trim().min(1).default('data/tickets.jsonl'),
  TICKET_RESPONSE_HOURS: positiveInt.default(24),
  TICKET_RESPONSE_TIME_TEXT: optionalString,
  TICKET_DELIVERY_ATTEMPTS: positiveInt.default(15),
  TICKET_BACKOFF_BASE_MS: positiveInt.default(5_000),
  TICKET_BACKOFF_MAX_MS: positiveInt.default(600_000),
  TICKET_DELIVERY_TIMEOUT_MS: positiveInt.default(10_000),
  TICKET_WORKER: z.enum(['embedded', 'standalone']).default('embedded'),
  TICKET_KEEP_DELIVERED_HOURS: positiveInt.default(168),

  // Web chat widget and Direct Line
  WEBCHAT_TOKEN_SECRET: optionalString,
  // Direct Line clients refresh their token every 15 minutes and need it valid then, with time for retries.
  WEBCHAT_TOKEN_TTL_SECONDS: positiveInt
    .min(minTokenTtlSeconds, `must be at least ${minTokenTtlSeconds} (20 minutes): Direct Line clients refresh the token every 15 minutes`)
    .default(1800),
  WEBCHAT_TOKENS_PER_MINUTE: positiveInt.default(10),
  DIRECT_LINE_MAX_ACTIVITY_BYTES: positiveInt.default(16 * 1024),
  DIRECT_LINE_LOG_MAX_ACTIVITIES: positiveInt.default(300),
  DIRECT_LINE_LOG_MAX_BYTES: positiveInt.default(512 * 1024),
  DIRECT_LINE_PAGE_MAX_BYTES: positiveInt.default(128 * 1024),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DIRECT_LINE_SECRET: optionalString,
  DIRECT_LINE_DOMAIN: z.url({ protocol: /^https?$/ }).default('https://directline.botframework.com/v3/directline'),

  // Microsoft Teams
  TEAMS_ALLOWED_TENANT_IDS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  TEAMS_DEVELOPER_NAME: z.string().trim().min(1).max(32).default(defaultTeamsDeveloper.name),
  TEAMS_DEVELOPER_URL: z.url({ protocol: /^https$/ }).default(defaultTeamsDeveloper.websiteUrl),
  // Teams takes an updated app only with a higher version: raise it for each upload.
  TEAMS_APP_VERSION: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,5}\.\d{1,5}\.\d{1,5}$/, 'must be major.minor.patch, e.g. 1.0.3')
      .optional(),
  ),

  // Live handoff: support staff take chats over from a Teams channel (docs/channels.md, "Live handoff to support staff")
  LIVE_AGENTS_TEAMS_CHANNEL_ID: optionalString.pipe(
    z
      .string()
      .regex(
        /^19:[^\s;]+@thread\.[a-z0-9]+$/i,
        "must be a Teams channel id, e.g. 19:abc123...@thread.tacv2 (the channel link's part after /channel/, URL-decoded)",
      )
      .optional(),
  ),
  // The global Bot Connector endpoint of Teams, for messages the bot starts (Microsoft: proactive messages).
  LIVE_AGENTS_TEAMS_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('https://smba.trafficmanager.net/teams/'),
  LIVE_AGENTS_TEAMS_TENANT_ID: optionalString.pipe(z.guid('must be the Entra tenant id (a GUID) of the support team').optional()),
  LIVE_AGENTS_HOURS: optionalString.transform((text, ctx) => {
    if (text === undefined) return undefined;
    const parsed = parseDutyHours(text);
    if (parsed.ok) return parsed.hours;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }),
  LIVE_AGENTS_WAIT_MINUTES: positiveInt.max(240).default(10),

  // Hardening: input and rate limits, metrics, web page embedding
  MAX_MESSAGE_CHARS: positiveInt.default(1000),
  RATE_LIMIT_CONVERSATION_TURNS: positiveInt.default(30),
  RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: positiveInt.default(60),
  RATE_LIMIT_REFUSED_REQUESTS_PER_MINUTE: positiveInt.default(10),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  METRICS_TOKEN: optionalString,
  WEBCHAT_EMBED_ORIGINS: optionalString
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),

  // Photos drivers send (docs/channels.md, "Photos")
  PHOTO_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  PHOTO_MAX_PER_MESSAGE: positiveInt.max(10).default(4),
  PHOTO_MAX_PER_CONVERSATION: positiveInt.default(10),
  PHOTO_MAX_BYTES_PER_CONVERSATION: positiveInt.default(40 * 1024 * 1024),
  PHOTO_LINK_SECRET: optionalString,

  // Insights for the support team (docs/operations.md, "Insights")
  INSIGHTS_TOKEN: optionalString,
  INSIGHTS_RETENTION_DAYS: positiveInt.max(366).default(30),
});
type Env = z.output<typeof envShape>;
/** Adds a problem, naming the variable to fix. */
type Problem = (variable: string, message: string) => void;

/** One Redis topology at most, and the variables each one takes. */
function checkRedisTopology(e: Env, problem: Problem): void {
  const chosen = [
    e.REDIS_URL && 'REDIS_URL',
    e.REDIS_SENTINELS && 'REDIS_SENTINELS',
    e.REDIS_CLUSTER_NODES && 'REDIS_CLUSTER_NODES',
  ].filter((name): name is string => Boolean(name));
  if (chosen.length > 1) {
    for (const name of chosen) problem(name, `set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (got ${chosen.join(', ')})`);
  }
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME) problem('REDIS_SENTINEL_NAME', 'required with REDIS_SENTINELS (the master group name)');
  if (!e.REDIS_SENTINELS && (e.REDIS_SENTINEL_NAME || e.REDIS_SENTINEL_PASSWORD)) {
    problem(e.REDIS_SENTINEL_NAME ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINEL_PASSWORD', 'only used with REDIS_SENTINELS');
  }
  if (e.REDIS_URL) {
    for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'] as const) {
      if (e[name]) problem(name, 'with REDIS_URL, put credentials and TLS in the URL (rediss://user:password@host:port)');
    }
  }
}

function checkLockTimings(e: Env, problem: Problem): void {
  if (e.CONVERSATION_LOCK_WAIT_MS >= e.CONVERSATION_LOCK_TTL_MS) {
    problem('CONVERSATION_LOCK_WAIT_MS', 'must be shorter than CONVERSATION_LOCK_TTL_MS');
  }
}

/** The ticket system the variables choose: TICKET_ADAPTER, else the one whose variables are set, else the outbox file. */
function ticketAdapterKind(e: Env) {
  const webhookSet = e.TICKET_WEBHOOK_URL !== undefined || e.TICKET_WEBHOOK_SECRET !== undefined;
  const zendeskSet = [e.ZENDESK_SUBDOMAIN, e.ZENDESK_EMAIL, e.ZENDESK_API_TOKEN].some((value) => value !== undefined);
  return { webhookSet, zendeskSet, kind: e.TICKET_ADAPTER ?? (webhookSet ? 'webhook' : zendeskSet ? 'zendesk' : 'outbox') };
}

/** The chosen ticket system has everything it needs, and nothing half-configured is left beside it. */
function checkTicketAdapter(e: Env, problem: Problem): void {
  const { webhookSet, zendeskSet, kind } = ticketAdapterKind(e);
  if (!e.TICKET_ADAPTER && webhookSet && zendeskSet) {
    problem('TICKET_ADAPTER', 'both the webhook and Zendesk are configured; set TICKET_ADAPTER=webhook or zendesk');
  }
  if (kind === 'webhook' || webhookSet) {
    if (!e.TICKET_WEBHOOK_URL) problem('TICKET_WEBHOOK_URL', 'required for the webhook adapter');
    if (!e.TICKET_WEBHOOK_SECRET) problem('TICKET_WEBHOOK_SECRET', 'required with TICKET_WEBHOOK_URL (receivers verify the signature)');
  }
  if (kind === 'zendesk' || zendeskSet) {
    for (const name of ['ZENDESK_SUBDOMAIN', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] as const) {
      if (e[name] === undefined) problem(name, 'required for the Zendesk adapter (with the other ZENDESK_ variables)');
    }
  }
}

function checkTicketDelivery(e: Env, problem: Problem): void {
  if (e.TICKET_BACKOFF_BASE_MS > e.TICKET_BACKOFF_MAX_MS) problem('TICKET_BACKOFF_BASE_MS', 'must not exceed TICKET_BACKOFF_MAX_MS');
  if (e.TICKET_WORKER === 'standalone' && !redisConnection(e)) {
    problem(
      'TICKET_WORKER',
      '"standalone" needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES); without it tickets are delivered in-process',
    );
  }
}

/** Production faces the internet: no anonymous emulator endpoint, no guessable web chat secret. */
function refuseUnsafeProduction(e: Env, problem: Problem): void {
  if (e.NODE_ENV !== 'production') return;
  if (!e.MicrosoftAppId) problem('MicrosoftAppId', 'required when NODE_ENV=production');
  if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    problem('MicrosoftAppPassword', `required when NODE_ENV=production and MicrosoftAppType=${e.MicrosoftAppType}`);
  }
  if (e.MicrosoftAppType !== 'MultiTenant' && !e.MicrosoftAppTenantId) {
    problem('MicrosoftAppTenantId', `required when NODE_ENV=production and MicrosoftAppType=${e.MicrosoftAppType}`);
  }
  if (!e.WEBCHAT_TOKEN_SECRET || Buffer.byteLength(e.WEBCHAT_TOKEN_SECRET) < 32) {
    problem('WEBCHAT_TOKEN_SECRET', 'must be at least 32 bytes when NODE_ENV=production');
  }
  if (!e.PHOTO_LINK_SECRET || Buffer.byteLength(e.PHOTO_LINK_SECRET) < 32) {
    problem('PHOTO_LINK_SECRET', 'must be at least 32 bytes when NODE_ENV=production (it signs the photo links installers get)');
  }
  if (e.INSIGHTS_TOKEN && Buffer.byteLength(e.INSIGHTS_TOKEN) < 32) {
    problem('INSIGHTS_TOKEN', 'must be at least 32 bytes when NODE_ENV=production (or unset: the insights stay closed)');
  }
  if (e.LIVE_AGENTS_TEAMS_CHANNEL_ID && !e.LIVE_AGENTS_TEAMS_SERVICE_URL.startsWith('https:')) {
    problem('LIVE_AGENTS_TEAMS_SERVICE_URL', 'must be https when NODE_ENV=production');
  }
}

/** The live handoff is on when its channel is set; its tenant and hours come with it. */
function checkLiveAgents(e: Env, problem: Problem): void {
  if (!e.LIVE_AGENTS_TEAMS_CHANNEL_ID) {
    for (const name of ['LIVE_AGENTS_TEAMS_TENANT_ID', 'LIVE_AGENTS_HOURS'] as const) {
      if (e[name]) problem(name, 'only used with LIVE_AGENTS_TEAMS_CHANNEL_ID (the Teams channel where staff take chats over)');
    }
    return;
  }
  if (!e.LIVE_AGENTS_TEAMS_TENANT_ID)
    problem('LIVE_AGENTS_TEAMS_TENANT_ID', 'required with LIVE_AGENTS_TEAMS_CHANNEL_ID (the tenant of the support team)');
  if (!e.LIVE_AGENTS_HOURS)
    problem(
      'LIVE_AGENTS_HOURS',
      'required with LIVE_AGENTS_TEAMS_CHANNEL_ID: when staff are on duty, e.g. "Mon-Fri 08:00-18:00 Europe/London" or "always"',
    );
}

/** The rules between variables; each is judged on variables that are valid by themselves. */
const crossChecks = [
  checkRedisTopology,
  checkLockTimings,
  checkTicketAdapter,
  checkTicketDelivery,
  checkLiveAgents,
  refuseUnsafeProduction,
];
const skipped = Symbol('reads a variable already reported bad');

/**
 * Runs the cross checks even when some variables are bad, so that one message names every problem.
 * A check that reads a bad variable is left out: that variable's own problem is already named, and
 * its value is not of its type.
 */
function checkAcrossVariables(e: Env, ctx: z.RefinementCtx): void {
  const bad = new Set(ctx.issues.map((issue) => issue.path?.[0]));
  const valid = new Proxy(e, {
    get: (target, name) => {
      if (bad.has(name as string)) throw skipped;
      return target[name as keyof Env];
    },
  });
  for (const check of crossChecks) {
    const found: [string, string][] = [];
    try {
      check(valid, (variable, message) => found.push([variable, message]));
    } catch (error) {
      if (error === skipped) continue;
      throw error;
    }
    for (const [variable, message] of found) ctx.addIssue({ code: 'custom', path: [variable], message });
  }
}

type HostPort = { readonly host: string; readonly port: number };
type RedisCredentials = { readonly username?: string; readonly password?: string; readonly tls: boolean };
/** How to reach Redis; absent when conversation state stays in memory. */
export type RedisConnection =
  | { readonly kind: 'single'; readonly url: string }
  | ({
      readonly kind: 'sentinel';
      readonly sentinels: readonly HostPort[];
      readonly name: string;
      readonly sentinelPassword?: string;
    } & RedisCredentials)
  | ({ readonly kind: 'cluster'; readonly nodes: readonly HostPort[] } & RedisCredentials);

function redisConnection(e: Env): RedisConnection | undefined {
  const credentials = { username: e.REDIS_USERNAME, password: e.REDIS_PASSWORD, tls: e.REDIS_TLS };
  if (e.REDIS_URL) return { kind: 'single', url: e.REDIS_URL };
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) {
    return {
      kind: 'sentinel',
      sentinels: e.REDIS_SENTINELS,
      name: e.REDIS_SENTINEL_NAME,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
      ...credentials,
    };
  }
  if (e.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES, ...credentials };
  return undefined;
}

export type TicketAdapterConfig =
  | { readonly kind: 'webhook'; readonly url: string; readonly secret: string }
  | { readonly kind: 'zendesk'; readonly subdomain: string; readonly email: string; readonly apiToken: string }
  | { readonly kind: 'outbox' };

/** The adapter `checkTicketAdapter` accepted: its variables are there. */
function ticketAdapter(e: Env): TicketAdapterConfig {
  const { kind } = ticketAdapterKind(e);
  if (kind === 'webhook') return { kind, url: e.TICKET_WEBHOOK_URL!, secret: e.TICKET_WEBHOOK_SECRET! };
  if (kind === 'zendesk') return { kind, subdomain: e.ZENDESK_SUBDOMAIN!, email: e.ZENDESK_EMAIL!, apiToken: e.ZENDESK_API_TOKEN! };
  return { kind };
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/** The service's view of valid variables, grouped by the module that reads them. */
function toConfig(e: Env) {
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    botFramework: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    /** How long one call to a channel's connector (a reply), its retries included, may take. */
    connectorTimeoutMs: e.CONNECTOR_TIMEOUT_MS,
    redis: {
      connection: redisConnection(e),
      keyPrefix: e.REDIS_KEY_PREFIX,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    conversationState: {
      ttlSeconds: e.CONVERSATION_TTL_SECONDS,
      maxItemBytes: e.STATE_MAX_ITEM_BYTES,
      lockTtlMs: e.CONVERSATION_LOCK_TTL_MS,
      lockWaitMs: e.CONVERSATION_LOCK_WAIT_MS,
      lockRetryMs: e.CONVERSATION_LOCK_RETRY_MS,
      redeliveryTtlSeconds: e.REDELIVERY_TTL_SECONDS,
    },
    tickets: {
      adapter: ticketAdapter(e),
      /** Absolute path of the JSONL outbox: the default adapter, and the fallback without Redis. */
      outboxFile: path.resolve(projectRoot, e.TICKET_OUTBOX_FILE),
      /** What the user is told, e.g. "within 24 hours". */
      responseTime: e.TICKET_RESPONSE_TIME_TEXT ?? `within ${e.TICKET_RESPONSE_HOURS} hours`,
      retry: { attempts: e.TICKET_DELIVERY_ATTEMPTS, backoffBaseMs: e.TICKET_BACKOFF_BASE_MS, backoffMaxMs: e.TICKET_BACKOFF_MAX_MS },
      timeoutMs: e.TICKET_DELIVERY_TIMEOUT_MS,
      /** `standalone`: the service only enqueues and `npm run worker` delivers. */
      worker: e.TICKET_WORKER,
      /** Delivered tickets stay in Redis this long, so a late duplicate is still recognised. */
      keepDeliveredHours: e.TICKET_KEEP_DELIVERED_HOURS,
    },
    webchat: {
      /** Unset: a random secret per process (development only). */
      tokenSecret: e.WEBCHAT_TOKEN_SECRET,
      tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
      maxActivityBytes: e.DIRECT_LINE_MAX_ACTIVITY_BYTES,
      /** What each conversation's Direct Line activity log keeps, and one read returns. */
      log: {
        maxActivities: e.DIRECT_LINE_LOG_MAX_ACTIVITIES,
        maxBytes: e.DIRECT_LINE_LOG_MAX_BYTES,
        maxPageBytes: e.DIRECT_LINE_PAGE_MAX_BYTES,
      },
      /** Set: the widget uses Azure's Direct Line instead of the self-hosted one. */
      azureDirectLine: e.DIRECT_LINE_SECRET
        ? { secret: e.DIRECT_LINE_SECRET, domain: withoutTrailingSlash(e.DIRECT_LINE_DOMAIN) }
        : undefined,
    },
    teams: {
      allowedTenantIds: e.TEAMS_ALLOWED_TENANT_IDS,
      /** Shown in the Teams app store entry; the URL also gives the privacy and terms pages. */
      developer: { name: e.TEAMS_DEVELOPER_NAME, websiteUrl: withoutTrailingSlash(e.TEAMS_DEVELOPER_URL) },
      /** The app package's version (TEAMS_APP_VERSION); unset: package.json's. */
      appVersion: e.TEAMS_APP_VERSION,
    },
    limits: {
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      conversationTurns: { points: e.RATE_LIMIT_CONVERSATION_TURNS, windowSeconds: e.RATE_LIMIT_CONVERSATION_WINDOW_SECONDS },
      /** Web chat token requests per client address (WEBCHAT_TOKENS_PER_MINUTE). */
      tokenRequests: { points: e.WEBCHAT_TOKENS_PER_MINUTE, windowSeconds: 60 },
      /** Unauthenticated requests to /api/messages per client address, answered 401 until 429. */
      refusedRequests: { points: e.RATE_LIMIT_REFUSED_REQUESTS_PER_MINUTE, windowSeconds: 60 },
      /** How many proxies in front of the service append to X-Forwarded-For (0: use the socket address). */
      trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    },
    metrics: { token: e.METRICS_TOKEN },
    /** How clients reach this service (https://bot.example.com): stream URLs and photo links; stream URLs come from the request when unset. */
    publicUrl: e.PUBLIC_URL === undefined ? undefined : withoutTrailingSlash(e.PUBLIC_URL),
    photos: {
      maxFileBytes: e.PHOTO_MAX_BYTES,
      maxPerMessage: e.PHOTO_MAX_PER_MESSAGE,
      maxPerConversation: e.PHOTO_MAX_PER_CONVERSATION,
      maxBytesPerConversation: e.PHOTO_MAX_BYTES_PER_CONVERSATION,
      /** Unset: a random secret per process (development only; links die on restart). */
      linkSecret: e.PHOTO_LINK_SECRET,
      /** A ticket's photos, and its links to them, last as long as a delivered ticket is kept. */
      ticketRetentionSeconds: e.TICKET_KEEP_DELIVERED_HOURS * 3600,
    },
    /** Unset token: the insights are open in development and test, closed in production. */
    insights: { token: e.INSIGHTS_TOKEN, retentionDays: e.INSIGHTS_RETENTION_DAYS },
    /** Sites (origins) whose pages may show the chat page in a frame. */
    webPage: { embedOrigins: e.WEBCHAT_EMBED_ORIGINS },
    /** Set: staff on duty can take a chat over from this Teams channel; unset: tickets only. */
    liveAgents: liveAgentsConfig(e),
  };
}

/** Checked by `checkLiveAgents`: with a channel, the tenant and the hours are there. */
function liveAgentsConfig(e: Env) {
  if (!e.LIVE_AGENTS_TEAMS_CHANNEL_ID || !e.LIVE_AGENTS_TEAMS_TENANT_ID || !e.LIVE_AGENTS_HOURS) return undefined;
  return {
    /** Where escalations are posted as threads, and the only tenant and channel that may take them over. */
    teams: {
      channelId: e.LIVE_AGENTS_TEAMS_CHANNEL_ID,
      serviceUrl: e.LIVE_AGENTS_TEAMS_SERVICE_URL,
      tenantId: e.LIVE_AGENTS_TEAMS_TENANT_ID,
    },
    hours: e.LIVE_AGENTS_HOURS,
    /** How long the driver is told someone may take to join. */
    waitMinutes: e.LIVE_AGENTS_WAIT_MINUTES,
  };
}

const configSchema = envShape.superRefine(checkAcrossVariables, { when: () => true }).transform(toConfig);

type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What the service is configured with, frozen: derived from the schema, so a variable is written down once. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
export type TicketsConfig = Config['tickets'];
export type RateLimitConfig = Config['limits']['conversationTurns'];

/** Thrown before the service listens; its message names every bad variable and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T extends object>(value: T): DeepReadonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value) as DeepReadonly<T>;
}

/** Variables from `.env` at the project root, if present. */
export function readDotEnv(file = path.join(projectRoot, '.env')): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * The variables the process is configured with: its environment over `.env`. Under NODE_ENV=test
 * (jest sets it) no `.env` is read, so a developer's own settings never change what the tests see.
 */
export function configuredEnvironment(
  env: Record<string, string | undefined> = process.env,
  dotEnvFile?: string,
): Record<string, string | undefined> {
  return env.NODE_ENV === 'test' ? { ...env } : { ...readDotEnv(dotEnvFile), ...env };
}

export function loadConfig(env: Record<string, string | undefined> = configuredEnvironment()): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return deepFreeze(result.data);
}

export type LiveAgentsConfig = NonNullable<Config['liveAgents']>;
