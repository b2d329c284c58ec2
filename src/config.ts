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

  // Web chat widget and Direct Line
  WEBCHAT_TOKEN_SECRET: optionalString,
  WEBCHAT_TOKEN_TTL_SECONDS: positiveInt.default(1800),
  WEBCHAT_CONVERSATION_TTL_SECONDS: positiveInt.default(86_400),
  WEBCHAT_TOKENS_PER_MINUTE: positiveInt.default(10),
  DIRECT_LINE_MAX_ACTIVITY_BYTES: positiveInt.default(16 * 1024),
  DIRECT_LINE_SECRET: optionalString,
  DIRECT_LINE_DOMAIN: z.url({ protocol: /^https?$/ }).default('https://directline.botframework.com/v3/directline'),

  // Microsoft Teams
  TEAMS_ALLOWED_TENANT_IDS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((id) => id.trim()).filter(Boolean)),
  TEAMS_DEVELOPER_NAME: z.string().trim().min(1).max(32).default('EV charger support'),
  TEAMS_DEVELOPER_URL: z.url({ protocol: /^https$/ }).default('https://www.example.com'),
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
  readonly webchat: {
    /** Unset: a random secret per process (development only). */
    readonly tokenSecret?: string;
    readonly tokenTtlSeconds: number;
    readonly conversationTtlSeconds: number;
    readonly tokensPerMinutePerIp: number;
    readonly maxActivityBytes: number;
    /** Set: the widget uses Azure's Direct Line instead of the self-hosted one. */
    readonly azureDirectLine?: { readonly secret: string; readonly domain: string };
  };
  readonly teams: {
    readonly allowedTenantIds: readonly string[];
    /** Shown in the Teams app store entry; the URL also gives the privacy and terms pages. */
    readonly developer: { readonly name: string; readonly websiteUrl: string };
  };
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
    webchat: {
      tokenSecret: e.WEBCHAT_TOKEN_SECRET,
      tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
      conversationTtlSeconds: e.WEBCHAT_CONVERSATION_TTL_SECONDS,
      tokensPerMinutePerIp: e.WEBCHAT_TOKENS_PER_MINUTE,
      maxActivityBytes: e.DIRECT_LINE_MAX_ACTIVITY_BYTES,
      azureDirectLine: e.DIRECT_LINE_SECRET
        ? { secret: e.DIRECT_LINE_SECRET, domain: e.DIRECT_LINE_DOMAIN.replace(/\/+$/, '') }
        : undefined,
    },
    teams: {
      allowedTenantIds: e.TEAMS_ALLOWED_TENANT_IDS,
      developer: { name: e.TEAMS_DEVELOPER_NAME, websiteUrl: e.TEAMS_DEVELOPER_URL.replace(/\/+$/, '') },
    },
  });
}
