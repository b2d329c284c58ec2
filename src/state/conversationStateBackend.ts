import type { Storage } from 'botbuilder';
import type { Config } from '../config';
import type { Messages } from '../content/messages';
import type { Logger } from '../logger';
import { ConversationLock, MemoryLockBackend, RedisLockBackend } from './conversationLock';
import { ConversationTurnGuard } from './conversationTurnGuard';
import { ExpiringMemoryStorage } from './expiringMemoryStorage';
import { MemoryRedeliveryLedger, RedisRedeliveryLedger } from './redeliveryLedger';
import { isRedisReady, isRedisUnavailable, type RedisClient } from './redisClient';
import { RedisStorage } from './redisStorage';

/** Everything the composition root needs for conversation state, whichever store backs it. */
export interface ConversationStateBackend {
  readonly kind: 'redis' | 'memory';
  /** For the conversation state (SnapshotConversationState). */
  readonly storage: Storage;
  /** `adapter.use(turnGuard)` before any other middleware that reads or writes state. */
  readonly turnGuard: ConversationTurnGuard;
  /** For `/readyz`: false while Redis is unreachable; always true in memory. */
  isReady(): boolean;
  /** For shutdown: closes the Redis connection. */
  close(): Promise<void>;
}

type GuardMessages = Pick<Messages, 'turnBusy' | 'stateUnavailable'>;

function lockTimings(state: Config['conversationState']) {
  return { ttlMs: state.lockTtlMs, waitMs: state.lockWaitMs, retryMs: state.lockRetryMs };
}

/** State, lock and redelivery marks in Redis, shared by every instance using the same Redis. */
export function redisConversationState(client: RedisClient, config: Config, messages: GuardMessages, logger: Logger): ConversationStateBackend {
  const { keyPrefix } = config.redis;
  const state = config.conversationState;
  return {
    kind: 'redis',
    storage: new RedisStorage(client, { keyPrefix, ttlSeconds: state.ttlSeconds, maxItemBytes: state.maxItemBytes }),
    turnGuard: new ConversationTurnGuard({
      lock: new ConversationLock(new RedisLockBackend(client, keyPrefix), lockTimings(state)),
      ledger: new RedisRedeliveryLedger(client, { keyPrefix, ttlSeconds: state.redeliveryTtlSeconds }),
      messages,
      logger,
      isStateUnavailable: (error) => isRedisUnavailable(client, error),
    }),
    isReady: () => isRedisReady(client),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** State in this process only: for development and a single instance; lost on restart, forgotten after the TTL like Redis's. */
export function memoryConversationState(config: Config, messages: GuardMessages, logger: Logger): ConversationStateBackend {
  const state = config.conversationState;
  return {
    kind: 'memory',
    storage: new ExpiringMemoryStorage(state.ttlSeconds),
    turnGuard: new ConversationTurnGuard({
      lock: new ConversationLock(new MemoryLockBackend(), lockTimings(state)),
      ledger: new MemoryRedeliveryLedger({ ttlSeconds: state.redeliveryTtlSeconds, maxEntries: 10_000 }),
      messages,
      logger,
      isStateUnavailable: () => false,
    }),
    isReady: () => true,
    close: async () => {},
  };
}
