import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
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

const envSchema = z.object({
  // Service
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3978),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: positiveInt.default(256 * 1024),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),

  // Bot Framework (names are Bot Framework's own)
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalString,

  // State
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),

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
});

export type Env = z.output<typeof envSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly maxBodyBytes: number;
  readonly shutdownGraceMs: number;
  readonly botFramework: {
    readonly appId?: string;
    readonly appPassword?: string;
    readonly appType: Env['MicrosoftAppType'];
    readonly tenantId?: string;
  };
  readonly redis: { readonly url?: string };
  readonly tickets: TicketsConfig;
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
    botFramework: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    redis: { url: e.REDIS_URL },
    tickets,
  });
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
  if (e.TICKET_WORKER === 'standalone' && !e.REDIS_URL) {
    problems.push('TICKET_WORKER: "standalone" needs REDIS_URL (without Redis, tickets are delivered in-process)');
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
