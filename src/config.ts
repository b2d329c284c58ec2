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

  // Hardening: input and rate limits, metrics, web page embedding
  MAX_MESSAGE_CHARS: positiveInt.default(1000),
  RATE_LIMIT_CONVERSATION_TURNS: positiveInt.default(30),
  RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: positiveInt.default(60),
  RATE_LIMIT_TOKEN_REQUESTS: positiveInt.default(10),
  RATE_LIMIT_TOKEN_WINDOW_SECONDS: positiveInt.default(60),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  METRICS_TOKEN: optionalString,
  WEBCHAT_EMBED_ORIGINS: optionalString.transform((value) => (value ? value.split(',').map((o) => o.trim()).filter(Boolean) : [])).pipe(z.array(z.url({ protocol: /^https?$/ }))),
  // Read by the web chat channel; here for the production rule below.
  WEBCHAT_TOKEN_SECRET: optionalString,
}).superRefine((env, ctx) => {
  if (env.NODE_ENV !== 'production') return;
  // Production faces the internet: refuse to run as an anonymous emulator endpoint or with a guessable secret.
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
  readonly limits: {
    readonly maxMessageChars: number;
    readonly conversationTurns: RateLimitConfig;
    readonly tokenRequests: RateLimitConfig;
    /** How many proxies in front of the service append to X-Forwarded-For (0: use the socket address). */
    readonly trustedProxyHops: number;
  };
  readonly metrics: { readonly token?: string };
  /** Sites (origins) whose pages may show the chat page in a frame. */
  readonly webPage: { readonly embedOrigins: readonly string[] };
}

export interface RateLimitConfig {
  readonly points: number;
  readonly windowSeconds: number;
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
    limits: {
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      conversationTurns: { points: e.RATE_LIMIT_CONVERSATION_TURNS, windowSeconds: e.RATE_LIMIT_CONVERSATION_WINDOW_SECONDS },
      tokenRequests: { points: e.RATE_LIMIT_TOKEN_REQUESTS, windowSeconds: e.RATE_LIMIT_TOKEN_WINDOW_SECONDS },
      trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    },
    metrics: { token: e.METRICS_TOKEN },
    webPage: { embedOrigins: e.WEBCHAT_EMBED_ORIGINS },
  });
}
