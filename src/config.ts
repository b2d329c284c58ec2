import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { type DutyHours, parseDutyHours } from './channels/liveAgents/dutyHours';
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
export const minTokenTtlSeconds = 20 * 60;
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

/** Each problem names the variable to fix. */
function checkRedisTopology(e: Env, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
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
  if (e.CONVERSATION_LOCK_WAIT_MS >= e.CONVERSATION_LOCK_TTL_MS) {
    problem('CONVERSATION_LOCK_WAIT_MS', 'must be shorter than CONVERSATION_LOCK_TTL_MS');
  }
}

/** The live handoff is on when its channel is set; its tenant and hours come with it. */
function checkLiveAgents(e: Env, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  if (!e.LIVE_AGENTS_TEAMS_CHANNEL_ID) {
    for (const name of ['LIVE_AGENTS_TEAMS_TENANT_ID', 'LIVE_AGENTS_HOURS'] as const) {
      if (e[name]) problem(name, 'only used with LIVE_AGENTS_TEAMS_CHANNEL_ID (the Teams channel where staff take chats over)');
    }
    return;
  }
  if (!e.LIVE_AGENTS_TEAMS_TENANT_ID) problem('LIVE_AGENTS_TEAMS_TENANT_ID', 'required with LIVE_AGENTS_TEAMS_CHANNEL_ID (the tenant of the support team)');
  if (!e.LIVE_AGENTS_HOURS) problem('LIVE_AGENTS_HOURS', 'required with LIVE_AGENTS_TEAMS_CHANNEL_ID: when staff are on duty, e.g. "Mon-Fri 08:00-18:00 Europe/London" or "always"');
}

/** Production faces the internet: no anonymous emulator endpoint, no guessable web chat secret. */
function refuseUnsafeProduction(env: Env, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV !== 'production') return;
  const missing = (variable: string, why: string) => ctx.addIssue({ code: 'custom', path: [variable], message: why });
  if (!env.MicrosoftAppId) missing('MicrosoftAppId', 'required when NODE_ENV=production');
  if (env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
    missing('MicrosoftAppPassword', `required when NODE_ENV=production and MicrosoftAppType=${env.MicrosoftAppType}`);
  }
  if (env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
    missing('MicrosoftAppTenantId', `required when NODE_ENV=production and MicrosoftAppType=${env.MicrosoftAppType}`);
  }
  if (!env.WEBCHAT_TOKEN_SECRET || Buffer.byteLength(env.WEBCHAT_TOKEN_SECRET) < 32) {
    missing('WEBCHAT_TOKEN_SECRET', 'must be at least 32 bytes when NODE_ENV=production');
  }
  if (env.INSIGHTS_TOKEN && Buffer.byteLength(env.INSIGHTS_TOKEN) < 32) {
    missing('INSIGHTS_TOKEN', 'must be at least 32 bytes when NODE_ENV=production (or unset: the insights stay closed)');
  }
  if (env.LIVE_AGENTS_TEAMS_CHANNEL_ID && !env.LIVE_AGENTS_TEAMS_SERVICE_URL.startsWith('https:')) {
    missing('LIVE_AGENTS_TEAMS_SERVICE_URL', 'must be https when NODE_ENV=production');
  }
}

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

  // Escalation tickets (see README "Escalation tickets")
  TICKET_ADAPTER: z.enum(['webhook', 'zendesk', 'outbox']).optional(),
  TICKET_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TICKET_WEBHOOK_SECRET: optionalString,
  ZENDESK_SUBDOMAIN: optionalString.pipe(
    z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'just the subdomain, e.g. "acme" for acme.zendesk.com').optional(),
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
    .transform((list) => list.split(',').map((id) => id.trim()).filter(Boolean)),
  TEAMS_DEVELOPER_NAME: z.string().trim().min(1).max(32).default(defaultTeamsDeveloper.name),
  TEAMS_DEVELOPER_URL: z.url({ protocol: /^https$/ }).default(defaultTeamsDeveloper.websiteUrl),
  // Teams takes an updated app only with a higher version: raise it for each upload.
  TEAMS_APP_VERSION: optionalString.pipe(z.string().regex(/^\d{1,5}\.\d{1,5}\.\d{1,5}$/, 'must be major.minor.patch, e.g. 1.0.3').optional()),

  // Live handoff: support staff take chats over from a Teams channel (README "Live handoff to support staff")
  LIVE_AGENTS_TEAMS_CHANNEL_ID: optionalString.pipe(
    z.string().regex(/^19:[^\s;]+@thread\.[a-z0-9]+$/i, 'must be a Teams channel id, e.g. 19:abc123...@thread.tacv2 (the channel link\'s part after /channel/, URL-decoded)').optional(),
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
  WEBCHAT_EMBED_ORIGINS: optionalString.transform((value) => (value ? value.split(',').map((o) => o.trim()).filter(Boolean) : [])).pipe(z.array(z.url({ protocol: /^https?$/ }))),

  // Insights for the support team (README "Insights")
  INSIGHTS_TOKEN: optionalString,
  INSIGHTS_RETENTION_DAYS: positiveInt.max(366).default(30),
});
const envSchema = envShape.superRefine(checkRedisTopology).superRefine(checkLiveAgents).superRefine(refuseUnsafeProduction);

export type Env = z.output<typeof envShape>;

type HostPort = { readonly host: string; readonly port: number };
type RedisCredentials = { readonly username?: string; readonly password?: string; readonly tls: boolean };
/** How to reach Redis; absent when conversation state stays in memory. */
export type RedisConnection =
  | { readonly kind: 'single'; readonly url: string }
  | ({ readonly kind: 'sentinel'; readonly sentinels: readonly HostPort[]; readonly name: string; readonly sentinelPassword?: string } & RedisCredentials)
  | ({ readonly kind: 'cluster'; readonly nodes: readonly HostPort[] } & RedisCredentials);

function redisConnection(e: Env): RedisConnection | undefined {
  const credentials = { username: e.REDIS_USERNAME, password: e.REDIS_PASSWORD, tls: e.REDIS_TLS };
  if (e.REDIS_URL) return { kind: 'single', url: e.REDIS_URL };
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) {
    return { kind: 'sentinel', sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME, sentinelPassword: e.REDIS_SENTINEL_PASSWORD, ...credentials };
  }
  if (e.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES, ...credentials };
  return undefined;
}

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly maxBodyBytes: number;
  readonly shutdownGraceMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly botFramework: {
    readonly appId?: string;
    readonly appPassword?: string;
    readonly appType: Env['MicrosoftAppType'];
    readonly tenantId?: string;
  };
  /** How long one call to a channel's connector (a reply), its retries included, may take. */
  readonly connectorTimeoutMs: number;
  readonly redis: {
    /** Kept for callers that only ask "single Redis URL set?"; `connection` covers every topology. */
    readonly url?: string;
    readonly connection?: RedisConnection;
    readonly keyPrefix: string;
    readonly connectTimeoutMs: number;
    readonly commandTimeoutMs: number;
  };
  readonly conversationState: {
    readonly ttlSeconds: number;
    readonly maxItemBytes: number;
    readonly lockTtlMs: number;
    readonly lockWaitMs: number;
    readonly lockRetryMs: number;
    readonly redeliveryTtlSeconds: number;
  };
  readonly tickets: TicketsConfig;
  readonly webchat: {
    /** Unset: a random secret per process (development only). */
    readonly tokenSecret?: string;
    readonly tokenTtlSeconds: number;
    readonly tokensPerMinutePerIp: number;
    readonly maxActivityBytes: number;
    /** What each conversation's Direct Line activity log keeps, and one read returns. */
    readonly log: { readonly maxActivities: number; readonly maxBytes: number; readonly maxPageBytes: number };
    /** Set: the widget uses Azure's Direct Line instead of the self-hosted one. */
    readonly azureDirectLine?: { readonly secret: string; readonly domain: string };
  };
  readonly teams: {
    readonly allowedTenantIds: readonly string[];
    /** Shown in the Teams app store entry; the URL also gives the privacy and terms pages. */
    readonly developer: { readonly name: string; readonly websiteUrl: string };
    /** The app package's version (TEAMS_APP_VERSION); unset: package.json's. */
    readonly appVersion?: string;
  };
  readonly limits: {
    readonly maxMessageChars: number;
    readonly conversationTurns: RateLimitConfig;
    /** Web chat token requests per client address (WEBCHAT_TOKENS_PER_MINUTE). */
    readonly tokenRequests: RateLimitConfig;
    /** Unauthenticated requests to /api/messages per client address, answered 401 until 429. */
    readonly refusedRequests: RateLimitConfig;
    /** How many proxies in front of the service append to X-Forwarded-For (0: use the socket address). */
    readonly trustedProxyHops: number;
  };
  readonly metrics: { readonly token?: string };
  /** How clients reach this service (https://bot.example.com): stream URLs and photo links; stream URLs come from the request when unset. */
  readonly publicUrl?: string;
  /** Unset token: the insights are open in development and test, closed in production. */
  readonly insights: { readonly token?: string; readonly retentionDays: number };
  /** Sites (origins) whose pages may show the chat page in a frame. */
  readonly webPage: { readonly embedOrigins: readonly string[] };
  /** Set: staff on duty can take a chat over from this Teams channel; unset: tickets only. */
  readonly liveAgents?: LiveAgentsConfig;
}

export interface LiveAgentsConfig {
  /** Where escalations are posted as threads, and the only tenant and channel that may take them over. */
  readonly teams: { readonly channelId: string; readonly serviceUrl: string; readonly tenantId: string };
  readonly hours: DutyHours;
  /** How long the driver is told someone may take to join. */
  readonly waitMinutes: number;
}

export interface RateLimitConfig {
  readonly points: number;
  readonly windowSeconds: number;
}

export type TicketAdapterConfig =
  | { readonly kind: 'webhook'; readonly url: string; readonly secret: string }
  | { readonly kind: 'zendesk'; readonly subdomain: string; readonly email: string; readonly apiToken: string }
  | { readonly kind: 'outbox' };

export interface TicketsConfig {
  readonly adapter: TicketAdapterConfig;
  /** Absolute path of the JSONL outbox: the default adapter, and the fallback without Redis. */
  readonly outboxFile: string;
  /** What the user is told, e.g. "within 24 hours". */
  readonly responseTime: { readonly hours: number; readonly text: string };
  readonly retry: { readonly attempts: number; readonly backoffBaseMs: number; readonly backoffMaxMs: number };
  readonly timeoutMs: number;
  /** `standalone`: the service only enqueues and `npm run worker` delivers. */
  readonly worker: Env['TICKET_WORKER'];
  /** Delivered tickets stay in Redis this long, so a late duplicate is still recognised. */
  readonly keepDeliveredHours: number;
}

/** Thrown before the service listens; its message names every bad variable and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}

/** Variables from `.env` at the project root, if present; the real environment wins. */
export function readDotEnv(file = path.join(projectRoot, '.env')): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

export function loadConfig(env: Record<string, string | undefined> = { ...readDotEnv(), ...process.env }): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = result.data;
  const tickets = ticketsConfig(e);
  if (Array.isArray(tickets)) throw new ConfigError(tickets);
  return deepFreeze({
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
    connectorTimeoutMs: e.CONNECTOR_TIMEOUT_MS,
    redis: {
      url: e.REDIS_URL,
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
    tickets,
    webchat: {
      tokenSecret: e.WEBCHAT_TOKEN_SECRET,
      tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
      tokensPerMinutePerIp: e.WEBCHAT_TOKENS_PER_MINUTE,
      maxActivityBytes: e.DIRECT_LINE_MAX_ACTIVITY_BYTES,
      log: { maxActivities: e.DIRECT_LINE_LOG_MAX_ACTIVITIES, maxBytes: e.DIRECT_LINE_LOG_MAX_BYTES, maxPageBytes: e.DIRECT_LINE_PAGE_MAX_BYTES },
      azureDirectLine: e.DIRECT_LINE_SECRET
        ? { secret: e.DIRECT_LINE_SECRET, domain: e.DIRECT_LINE_DOMAIN.replace(/\/+$/, '') }
        : undefined,
    },
    teams: {
      allowedTenantIds: e.TEAMS_ALLOWED_TENANT_IDS,
      developer: { name: e.TEAMS_DEVELOPER_NAME, websiteUrl: e.TEAMS_DEVELOPER_URL.replace(/\/+$/, '') },
      appVersion: e.TEAMS_APP_VERSION,
    },
    limits: {
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      conversationTurns: { points: e.RATE_LIMIT_CONVERSATION_TURNS, windowSeconds: e.RATE_LIMIT_CONVERSATION_WINDOW_SECONDS },
      tokenRequests: { points: e.WEBCHAT_TOKENS_PER_MINUTE, windowSeconds: 60 },
      refusedRequests: { points: e.RATE_LIMIT_REFUSED_REQUESTS_PER_MINUTE, windowSeconds: 60 },
      trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    },
    metrics: { token: e.METRICS_TOKEN },
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    insights: { token: e.INSIGHTS_TOKEN, retentionDays: e.INSIGHTS_RETENTION_DAYS },
    webPage: { embedOrigins: e.WEBCHAT_EMBED_ORIGINS },
    liveAgents: liveAgentsConfig(e),
  });
}

/** Checked by `checkLiveAgents`: with a channel, the tenant and the hours are there. */
function liveAgentsConfig(e: Env): LiveAgentsConfig | undefined {
  if (!e.LIVE_AGENTS_TEAMS_CHANNEL_ID || !e.LIVE_AGENTS_TEAMS_TENANT_ID || !e.LIVE_AGENTS_HOURS) return undefined;
  return {
    teams: { channelId: e.LIVE_AGENTS_TEAMS_CHANNEL_ID, serviceUrl: e.LIVE_AGENTS_TEAMS_SERVICE_URL, tenantId: e.LIVE_AGENTS_TEAMS_TENANT_ID },
    hours: e.LIVE_AGENTS_HOURS,
    waitMinutes: e.LIVE_AGENTS_WAIT_MINUTES,
  };
}

/** The ticket section, or the problems with how its variables combine. */
function ticketsConfig(e: Env): TicketsConfig | string[] {
  const problems: string[] = [];
  const webhookSet = e.TICKET_WEBHOOK_URL !== undefined || e.TICKET_WEBHOOK_SECRET !== undefined;
  const zendeskVars = { ZENDESK_SUBDOMAIN: e.ZENDESK_SUBDOMAIN, ZENDESK_EMAIL: e.ZENDESK_EMAIL, ZENDESK_API_TOKEN: e.ZENDESK_API_TOKEN };
  const zendeskSet = Object.values(zendeskVars).some((value) => value !== undefined);
  const kind = e.TICKET_ADAPTER ?? (webhookSet ? 'webhook' : zendeskSet ? 'zendesk' : 'outbox');

  if (!e.TICKET_ADAPTER && webhookSet && zendeskSet) {
    problems.push('TICKET_ADAPTER: both the webhook and Zendesk are configured; set TICKET_ADAPTER=webhook or zendesk');
  }
  if (kind === 'webhook' || webhookSet) {
    if (!e.TICKET_WEBHOOK_URL) problems.push('TICKET_WEBHOOK_URL: required for the webhook adapter');
    if (!e.TICKET_WEBHOOK_SECRET) problems.push('TICKET_WEBHOOK_SECRET: required with TICKET_WEBHOOK_URL (receivers verify the signature)');
  }
  if (kind === 'zendesk' || zendeskSet) {
    for (const [name, value] of Object.entries(zendeskVars)) {
      if (value === undefined) problems.push(`${name}: required for the Zendesk adapter (with the other ZENDESK_ variables)`);
    }
  }
  if (e.TICKET_BACKOFF_BASE_MS > e.TICKET_BACKOFF_MAX_MS) {
    problems.push('TICKET_BACKOFF_BASE_MS: must not exceed TICKET_BACKOFF_MAX_MS');
  }
  if (e.TICKET_WORKER === 'standalone' && !redisConnection(e)) {
    problems.push('TICKET_WORKER: "standalone" needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES); without it tickets are delivered in-process');
  }
  if (problems.length) return problems;

  const adapter: TicketAdapterConfig =
    kind === 'webhook'
      ? { kind, url: e.TICKET_WEBHOOK_URL!, secret: e.TICKET_WEBHOOK_SECRET! }
      : kind === 'zendesk'
        ? { kind, subdomain: e.ZENDESK_SUBDOMAIN!, email: e.ZENDESK_EMAIL!, apiToken: e.ZENDESK_API_TOKEN! }
        : { kind };
  return {
    adapter,
    outboxFile: path.resolve(projectRoot, e.TICKET_OUTBOX_FILE),
    responseTime: { hours: e.TICKET_RESPONSE_HOURS, text: e.TICKET_RESPONSE_TIME_TEXT ?? `within ${e.TICKET_RESPONSE_HOURS} hours` },
    retry: { attempts: e.TICKET_DELIVERY_ATTEMPTS, backoffBaseMs: e.TICKET_BACKOFF_BASE_MS, backoffMaxMs: e.TICKET_BACKOFF_MAX_MS },
    timeoutMs: e.TICKET_DELIVERY_TIMEOUT_MS,
    worker: e.TICKET_WORKER,
    keepDeliveredHours: e.TICKET_KEEP_DELIVERED_HOURS,
  };
}
