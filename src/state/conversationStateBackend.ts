import type { Storage } from 'botbuilder';
import type { Config } from '../config';
import { hashId, type Logger } from '../logger';
import { ConversationLock, MemoryLockBackend, RedisLockBackend } from './conversationLock';
import { ConversationTurnGuard, type GuardMessages, type TurnGuardDependencies } from './conversationTurnGuard';
import { ExpiringMemoryStorage } from './expiringMemoryStorage';
import { MemoryRedeliveryLedger, RedisRedeliveryLedger } from './redeliveryLedger';
import { closeRedisClient, isRedisReady, type RedisClient } from './redisClient';
import { conversationIdInKey } from './redisKeys';
import { RedisStorage } from './redisStorage';
import { SnapshotConversationState } from './snapshotConversationState';
import { StateUnavailableError } from './stateErrors';

/** Everything the composition root needs for conversation state, whichever store backs it. */
export interface ConversationStateBackend {
  readonly kind: 'redis' | 'memory';
  /** The bot's conversation state; the turn guard reads it with the lock and writes it with the release. */
  readonly conversationState: SnapshotConversationState;
  /** The store under it (same TTL and eTag checks), for other records that live as long as a conversation. */
  readonly storage: Storage;
  /** The guard to `adapter.use` before any other middleware that reads or writes state. */
  createTurnGuard(recoverTurn: TurnGuardDependencies['recoverTurn']): ConversationTurnGuard;
  /** For `/readyz`: false while Redis is unreachable; always true in memory. */
  isReady(): boolean;
  /** For shutdown: closes the Redis connection. */
  close(): Promise<void>;
}

function lockTimings(state: Config['conversationState']) {
  return { ttlMs: state.lockTtlMs, waitMs: state.lockWaitMs, retryMs: state.lockRetryMs };
}

/** State, lock and redelivery marks in Redis, shared by every instance using the same Redis. */
export function redisConversationState(
  client: RedisClient,
  config: Config,
  messages: GuardMessages,
  logger: Logger,
): ConversationStateBackend {
  const { keyPrefix } = config.redis;
  const state = config.conversationState;
  const onSetAside = (key: string, eTag: string) =>
    logger.error(
      { conversation: hashId(conversationIdInKey(key)), setAsideAs: `*:unreadable:${eTag}` },
      'unreadable conversation state set aside: the conversation starts afresh',
    );
  const storage = new RedisStorage(client, { keyPrefix, ttlSeconds: state.ttlSeconds, maxItemBytes: state.maxItemBytes, onSetAside });
  const conversationState = new SnapshotConversationState(storage);
  // One lock and one ledger for every guard made here: exclusion holds across adapters.
  const guarded = {
    lock: new ConversationLock(new RedisLockBackend(client, keyPrefix), lockTimings(state)),
    ledger: new RedisRedeliveryLedger(client, { keyPrefix, ttlSeconds: state.redeliveryTtlSeconds }),
    state: conversationState,
    messages,
    logger,
    // Raised by the Redis stores only for Redis itself: a channel's connector failing is not an outage of state.
    isStateUnavailable: (error: unknown) => error instanceof StateUnavailableError,
  };
  return {
    kind: 'redis',
    conversationState,
    storage,
    createTurnGuard: (recoverTurn) => new ConversationTurnGuard({ ...guarded, recoverTurn }),
    isReady: () => isRedisReady(client),
    close: () => closeRedisClient(client),
  };
}

/**
 * State in this process only: for development and a single instance; lost on restart, forgotten after
 * the TTL like Redis's. Tests may pass the storage to look into it.
 */
export function memoryConversationState(
  config: Config,
  messages: GuardMessages,
  logger: Logger,
  storage: Storage = new ExpiringMemoryStorage(config.conversationState.ttlSeconds),
): ConversationStateBackend {
  const state = config.conversationState;
  const conversationState = new SnapshotConversationState(storage);
  const guarded = {
    lock: new ConversationLock(new MemoryLockBackend(), lockTimings(state)),
    ledger: new MemoryRedeliveryLedger({ ttlSeconds: state.redeliveryTtlSeconds, maxEntries: 10_000 }),
    state: conversationState,
    messages,
    logger,
    isStateUnavailable: () => false,
  };
  return {
    kind: 'memory',
    conversationState,
    storage,
    createTurnGuard: (recoverTurn) => new ConversationTurnGuard({ ...guarded, recoverTurn }),
    isReady: () => true,
    close: async () => {},
  };
}
