import path from 'node:path';
import { loadConfig, readDotEnv } from '../../src/config';
import { projectRoot } from '../../src/paths';
import { configProblems } from '../support/config';

describe('Redis configuration', () => {
  test('without Redis variables state stays in memory, with a seven-day conversation TTL', () => {
    const config = loadConfig({});
    expect(config.redis.connection).toBeUndefined();
    expect(config.conversationState.ttlSeconds).toBe(7 * 24 * 3600);
  });

  test('.env.example as shipped is valid and keeps state in memory', () => {
    const config = loadConfig(readDotEnv(path.join(projectRoot, '.env.example')));
    expect(config.redis.connection).toBeUndefined();
    expect(config.conversationState).toMatchObject({ ttlSeconds: 604800, lockWaitMs: 5000 });
  });

  test('REDIS_URL selects a single server, TLS and password included', () => {
    const config = loadConfig({ REDIS_URL: 'rediss://:secret@redis.example:6380' });
    expect(config.redis.connection).toEqual({ kind: 'single', url: 'rediss://:secret@redis.example:6380' });
  });

  test('REDIS_SENTINELS with REDIS_SENTINEL_NAME selects Sentinel', () => {
    const config = loadConfig({ REDIS_SENTINELS: 's1:26379, [::1]:26380', REDIS_SENTINEL_NAME: 'mymaster', REDIS_PASSWORD: 'pw' });
    expect(config.redis.connection).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      password: 'pw',
      tls: false,
    });
  });

  test('REDIS_CLUSTER_NODES selects Cluster', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001', REDIS_TLS: 'true' });
    expect(config.redis.connection).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      tls: true,
    });
  });

  test.each([
    [{ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'n1:7000' }, /^REDIS_URL: set only one of/],
    [{ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'n1:7000' }, /^REDIS_CLUSTER_NODES: set only one of/],
    [{ REDIS_SENTINELS: 's1:26379' }, /^REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, /^REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS/],
    [{ REDIS_CLUSTER_NODES: 'n1:7000,n2' }, /^REDIS_CLUSTER_NODES: "n2" is not host:port/],
    [{ REDIS_URL: 'http://a:6379' }, /^REDIS_URL: /],
    [{ REDIS_URL: 'redis://a:6379', REDIS_PASSWORD: 'pw' }, /^REDIS_PASSWORD: with REDIS_URL, put credentials/],
    [{ REDIS_KEY_PREFIX: 'bot{1}:' }, /^REDIS_KEY_PREFIX: must not contain braces/],
    [{ CONVERSATION_TTL_SECONDS: '0' }, /^CONVERSATION_TTL_SECONDS: /],
    [{ CONVERSATION_LOCK_TTL_MS: '1000', CONVERSATION_LOCK_WAIT_MS: '2000' }, /^CONVERSATION_LOCK_WAIT_MS: must be shorter/],
  ])('%j is refused, naming the variable', (env, problem) => {
    expect(configProblems(env)).toContainEqual(expect.stringMatching(problem));
  });
});
