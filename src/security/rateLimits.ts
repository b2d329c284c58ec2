import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Request, Response } from 'restify';
import type { Config, RateLimitConfig } from '../config';
import type { Logger } from '../logger';
import type { RedisClient } from '../state/redisClient';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One limit: so many requests per key (a conversation, a client address) in a sliding window. */
export interface RateLimit {
  readonly name: string;
  take(key: string): Promise<RateDecision>;
}

export interface RateLimits {
  /** Turns per conversation: `/api/messages` (once the request is authenticated) and the Direct Line posting route. */
  conversationTurns: RateLimit;
  /** Web Chat token requests per client address: `/api/webchat/token`. */
  tokenRequests: RateLimit;
  /** Requests to `/api/messages` refused for want of a valid Bot Framework token, per client address. */
  refusedRequests: RateLimit;
}

export interface RateLimitDeps {
  limits: Config['limits'];
  /** Shared counters across instances; without it each instance counts for itself. */
  redis?: RedisClient;
  keyPrefix?: string;
  logger: Logger;
  /** Counts a request refused by the named limit (the metrics' `evc_rate_limited_total`). */
  onRefused: (limit: string) => void;
}

function rateLimit(name: string, settings: RateLimitConfig, deps: RateLimitDeps): RateLimit {
  const options = { keyPrefix: `${deps.keyPrefix ?? 'evc:'}ratelimit:${name}`, points: settings.points, duration: settings.windowSeconds };
  // While Redis is unreachable each instance keeps counting in memory rather than failing requests.
  const limiter: RateLimiterAbstract = deps.redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: deps.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      })
    : new RateLimiterMemory(options);
  return {
    name,
    async take(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          deps.onRefused(name);
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
        }
        deps.logger.warn({ err: refusal, limit: name }, 'rate limit could not be checked; request allowed');
        return { allowed: true };
      }
    },
  };
}

export function createRateLimits(deps: RateLimitDeps): RateLimits {
  return {
    conversationTurns: rateLimit('conversation', deps.limits.conversationTurns, deps),
    tokenRequests: rateLimit('token', deps.limits.tokenRequests, deps),
    refusedRequests: rateLimit('refused', deps.limits.refusedRequests, deps),
  };
}

/** Answers a refused request: 429 with Retry-After. Direct Line answers in its own error shape instead. */
export function sendTooManyRequests(
  res: Response,
  decision: Extract<RateDecision, { allowed: false }>,
  message = `Too many requests; retry in ${decision.retryAfterSeconds} s.`,
): void {
  res.setHeader('Retry-After', String(decision.retryAfterSeconds));
  res.send(429, { code: 'TooManyRequests', message });
}

/**
 * The caller's address. Behind `trustedProxyHops` proxies that each append to X-Forwarded-For, the
 * client is that many entries from the right; anything further left was written by the client.
 */
export function clientAddressOf(trustedProxyHops: number): (req: Request) => string {
  return (req) => {
    const socketAddress = req.socket.remoteAddress ?? 'unknown';
    if (trustedProxyHops === 0) return socketAddress;
    const forwarded = String(req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    return forwarded[forwarded.length - trustedProxyHops] ?? forwarded[0] ?? socketAddress;
  };
}
