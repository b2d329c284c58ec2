import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { loadMessages } from '../../src/content/messages';
import { createLogger } from '../../src/logger';
import { createHttpService } from '../../src/server';
import { redisConversationState } from '../../src/state/conversationStateBackend';
import { createStateRedisClient } from '../../src/state/redisClient';
import { RedisStorage } from '../../src/state/redisStorage';
import { content, handoffOpening, instruction } from '../support/guidedChat';
import { messageActivity, postActivity, textsOf } from '../support/http';
import { waitUntilUp } from '../support/process';
import { type RunningService, startService } from '../support/service';
import { freePort, OwnedRedisServer, sharedRedisUrl, useSharedRedis } from './redisTestKit';

const messages = loadMessages();

/**
 * A service instance whose bot records every message it applies in conversation state and answers
 * "applied N", so a test can see that each turn was applied exactly once. Same HTTP server,
 * adapter, Redis state and turn guard as the real service; only the bot is this recorder.
 */
async function startRecordingInstance(prefix: string) {
  const config = loadConfig({ REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const logger = createLogger(config);
  const state = redisConversationState(createStateRedisClient(config.redis, logger), config, messages, logger);
  const { conversationState } = state;
  // What the instances saved, read straight from Redis.
  const stored = new RedisStorage(redis.client, { keyPrefix: prefix, ttlSeconds: 60, maxItemBytes: 1_000_000 });
  const applied = conversationState.createProperty<string[]>('applied');
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  // None of these turns should fail: an error goes on to the adapter's own handler.
  adapter.use(
    state.createTurnGuard(async (_context, error) => {
      throw error;
    }),
  );
  const recorder = async (context: TurnContext) => {
    const texts = await applied.get(context, []);
    texts.push(context.activity.text ?? '');
    await context.sendActivity(`applied ${texts.length}`);
    await conversationState.saveChanges(context);
  };
  const http = createHttpService({
    logger,
    maxBodyBytes: 100_000,
    shutdownGraceMs: 1_000,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    readinessChecks: [{ name: 'conversationState', isReady: async () => state.isReady() }],
    routes: [(server) => server.post('/api/messages', async (req, res) => adapter.process(req, res, recorder))],
  });
  const baseUrl = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
  await waitUntilUp(`${baseUrl}/readyz`);
  return {
    baseUrl,
    appliedTexts: async (conversationId: string) =>
      (await stored.read([`test/conversations/${conversationId}/`]))[`test/conversations/${conversationId}/`]?.applied as string[],
    stop: async () => {
      await http.shutdown();
      await state.close();
    },
  };
}

const redis = useSharedRedis();

describe('turns of one conversation over HTTP with state in Redis', () => {
  async function postTwentyAtOnce(baseUrls: string[]) {
    const conversationId = `burst-${randomUUID()}`;
    const texts = Array.from({ length: 20 }, (_, i) => `message ${i + 1}`);
    const responses = await Promise.all(
      texts.map((text, i) => postActivity(baseUrls[i % baseUrls.length], messageActivity(conversationId, text))),
    );
    return { conversationId, texts, responses };
  }

  test('20 messages posted at once are each applied exactly once, and the final state has all of them', async () => {
    const instance = await startRecordingInstance(redis.prefix);
    try {
      const { conversationId, texts, responses } = await postTwentyAtOnce([instance.baseUrl]);
      expect(responses.map((r) => r.status)).toEqual(texts.map(() => 200));
      expect(responses.flatMap((r) => textsOf(r.replies)).sort()).toEqual(texts.map((_, i) => `applied ${i + 1}`).sort());
      expect((await instance.appliedTexts(conversationId)).sort()).toEqual([...texts].sort());
    } finally {
      await instance.stop();
    }
  });

  test('the same across two instances on two ports sharing one Redis', async () => {
    const instances = [await startRecordingInstance(redis.prefix), await startRecordingInstance(redis.prefix)];
    try {
      const { conversationId, texts, responses } = await postTwentyAtOnce(instances.map((i) => i.baseUrl));
      expect(responses.flatMap((r) => textsOf(r.replies)).sort()).toEqual(texts.map((_, i) => `applied ${i + 1}`).sort());
      expect((await instances[1].appliedTexts(conversationId)).sort()).toEqual([...texts].sort());
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
    }
  });
});

describe('the service with state in Redis', () => {
  test('a redelivered activity gets one reply and changes state once', async () => {
    const running = await startService({ REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: redis.prefix });
    try {
      await waitUntilUp(`${running.baseUrl}/readyz`);
      const conversationId = `redelivery-${randomUUID()}`;
      const activity = messageActivity(conversationId, 'hello');
      const stateKey = `${redis.prefix}state:{test/conversations/${conversationId}}/`;

      const first = await postActivity(running.baseUrl, activity);
      const eTagAfterFirst = await redis.client.hget(stateKey, 'eTag');
      const again = await postActivity(running.baseUrl, activity);

      expect(textsOf(first.replies)[0]).toBe(messages.welcome);
      expect(again).toEqual({ status: 200, replies: [] });
      expect(eTagAfterFirst).not.toBeNull();
      expect(await redis.client.hget(stateKey, 'eTag')).toBe(eTagAfterFirst);
    } finally {
      await running.service.stop();
    }
  });

  test('a conversation whose stored state cannot be read starts afresh, and the unreadable state is kept aside', async () => {
    const running = await startService({ REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: redis.prefix });
    try {
      await waitUntilUp(`${running.baseUrl}/readyz`);
      const conversationId = `unreadable-${randomUUID()}`;
      const stateKey = `${redis.prefix}state:{test/conversations/${conversationId}}/`;
      const say = async (text: string) => textsOf((await postActivity(running.baseUrl, messageActivity(conversationId, text))).replies);
      await say('hello');
      await say(content.messages.buttons.car);
      await redis.client.hset(stateKey, 'data', '{"DialogState": {"dialogStack": [');
      const eTag = await redis.client.hget(stateKey, 'eTag');

      expect(await say('hello')).toEqual([messages.welcome, content.messages.questions.whichEnd]);
      expect(await redis.client.hget(`${stateKey}:unreadable:${eTag}`, 'data')).toBe('{"DialogState": {"dialogStack": [');
    } finally {
      await running.service.stop();
    }
  });

  test("a procedure continues to its end while the conversation's turns alternate between two instances", async () => {
    const instances = [
      await startService({ REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: redis.prefix }),
      await startService({ REDIS_URL: sharedRedisUrl, REDIS_KEY_PREFIX: redis.prefix }),
    ];
    try {
      await Promise.all(instances.map((i) => waitUntilUp(`${i.baseUrl}/readyz`)));
      const conversationId = `procedure-${randomUUID()}`;
      let turn = 0;
      const say = async (text: string) =>
        textsOf((await postActivity(instances[turn++ % 2].baseUrl, messageActivity(conversationId, text))).replies);
      const { buttons, questions, nextStep, scenarios } = content.messages;

      expect((await say('hello'))[0]).toBe(messages.welcome);
      expect(await say(buttons.car)).toEqual([
        scenarios.stuck_in_car.intro.replace('{car}', 'car'),
        instruction('end_session', 'wait_after_stop'),
        questions.didItComeFree,
      ]);
      expect(await say(buttons.stillStuck)).toEqual([nextStep, instruction('unlock_car', 'port_release_button'), questions.didItComeFree]);
      expect(await say(buttons.stillStuck)).toEqual([nextStep, instruction('connector_technique'), questions.didItComeFree]);
      expect((await say(buttons.stillStuck))[1]).toBe(instruction('emergency_release', 'emergency_release_only_for_emergencies'));
      expect(await say(buttons.stillStuck)).toEqual([...handoffOpening('emergency_release_failed')]);
    } finally {
      await Promise.all(instances.map((i) => i.service.stop()));
    }
  });

  test('Redis stopped mid-conversation: a friendly reply, /readyz unready, then the conversation continues', async () => {
    const ownRedis = new OwnedRedisServer(await freePort(), ['--appendonly', 'yes', '--appendfsync', 'always']);
    let running: RunningService | undefined;
    try {
      await ownRedis.start();
      running = await startService({ REDIS_URL: ownRedis.url });
      const { baseUrl } = running;
      await waitUntilUp(`${baseUrl}/readyz`);
      const conversationId = `outage-${randomUUID()}`;
      const say = async (text: string) => textsOf((await postActivity(baseUrl, messageActivity(conversationId, text))).replies);
      const { buttons, questions, nextStep } = content.messages;
      await say('hello');
      expect((await say(buttons.car))[1]).toBe(instruction('end_session', 'wait_after_stop'));

      await ownRedis.stop();
      const duringOutage = await postActivity(baseUrl, messageActivity(conversationId, buttons.stillStuck));
      const readiness = await fetch(`${baseUrl}/readyz`);

      expect(duringOutage).toEqual({ status: 200, replies: [expect.objectContaining({ text: messages.stateUnavailable })] });
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toMatchObject({ checks: { conversationState: false } });

      await ownRedis.start();
      await waitUntilUp(`${baseUrl}/readyz`);
      // The procedure goes on from the step it was at: state survived and the bot is back.
      expect(await say(buttons.stillStuck)).toEqual([nextStep, instruction('unlock_car', 'port_release_button'), questions.didItComeFree]);
    } finally {
      await running?.service.stop();
      await ownRedis.remove();
    }
  });
});
