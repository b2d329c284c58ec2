import { createHash } from 'node:crypto';
import { format } from 'node:util';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/**
 * Paths that may hold secrets or what a user typed. They never reach the log: user text is logged
 * only at debug level under `debugText`, which is outside these paths on purpose.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
  'text',
  '*.text',
  'contact',
  '*.contact',
  'activity.text',
  'activity.from.name',
];

/** JSON logs by default; pretty-printed when a developer runs the service in a terminal. */
export function createLogger(config: Pick<Config, 'logLevel' | 'env'>, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: redactedPaths, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  const pretty = config.env === 'development' && process.stdout.isTTY;
  return pretty ? pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } }) : pino(options);
}

/** A stable, non-reversible id for a conversation, so logs can be correlated without exposing it. */
export function hashId(id: string | undefined): string {
  return id ? createHash('sha256').update(id).digest('hex').slice(0, 16) : 'unknown';
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * What libraries print to the console goes to `logger` instead, at debug, so that stdout carries
 * JSON lines only and stderr nothing: botbuilder prints every token it refuses, with its stack (an
 * unauthenticated request is answered 401 and logged by the endpoint). For the service's process:
 * it replaces the global console's methods.
 */
export function routeConsoleToLog(logger: Logger): void {
  const log = logger.child({ source: 'console' });
  for (const method of consoleMethods) {
    console[method] = (...args: unknown[]) => log.debug({ printed: format(...args).slice(0, 2000) }, `console.${method}`);
  }
}
