import { Cluster } from 'ioredis';
import type { RedisClient } from './redisClient';

/**
 * Redis key layout. botbuilder names state `channelId/conversations/conversationId/...` and
 * `channelId/users/userId/...`; the part up to the id becomes the Cluster hash tag, so every key of
 * one conversation (its state, lock and redelivery marks) lives in one slot, while different
 * conversations spread over the cluster.
 */
const scopePattern = /^[^/]*\/(?:conversations|users)\/[^/]*/;

/** `prefix` + `kind` + `{scope}` + rest of the key; the mapping is one-to-one for a given prefix and kind. */
export function redisKeyFor(prefix: string, kind: 'state' | 'lock' | 'seen', key: string): string {
  const scope = scopePattern.exec(key)?.[0] ?? key;
  return `${prefix}${kind}:{${scope}}${key.slice(scope.length)}`;
}

/** The conversation id in a botbuilder state key (`channelId/conversations/id/...`), if it is one. */
export function conversationIdInKey(key: string): string | undefined {
  return /^[^/]*\/conversations\/([^/]*)/.exec(key)?.[1];
}

/** The key botbuilder's ConversationState would use, without its namespace: what locks and marks hang on. */
export function conversationKey(channelId: string, conversationId: string): string {
  return `${channelId}/conversations/${conversationId}`;
}

/**
 * Deletes the keys under `prefix` only, on every master of a Cluster (never FLUSHDB: others may
 * share the server). For tests, the benchmark and measurements that write under a prefix of their own.
 */
export async function deleteKeysUnder(client: RedisClient, prefix: string): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      // One key per DEL: the keys of one page may sit in different Cluster slots.
      await Promise.all(keys.map((key) => node.del(key)));
      cursor = next;
    } while (cursor !== '0');
  }
}
