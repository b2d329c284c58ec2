import type { Activity } from 'botbuilder';
import {
  type ConversationLog,
  InMemoryConversationLog,
  type LogEvent,
  type LogLimits,
} from '../../src/channels/directLine/conversationLog';
import { RedisConversationLog } from '../../src/channels/directLine/redisConversationLog';
import { parseWatermark } from '../../src/channels/directLine/watermark';
import { loadConfig } from '../../src/config';
import { silentLogger, useSharedRedis } from '../state/redisTestKit';
import { waitFor } from '../support/waitFor';

const roomy: LogLimits = { maxActivities: 1000, maxBytes: 1024 * 1024, maxPageBytes: 1024 * 1024 };
const texts = (activities: Partial<Activity>[]) => activities.map((activity) => activity.text);
const at = (watermark: string) => parseWatermark(watermark)!;

/** The same behaviour from the log in memory and the log in Redis. */
function logContract(name: string, makeLog: (limits: LogLimits) => ConversationLog, options: { confirmsSubscription: boolean }) {
  describe(name, () => {
    const logs: ConversationLog[] = [];
    const log = (limits = roomy) => {
      const made = makeLog(limits);
      logs.push(made);
      return made;
    };
    afterEach(async () => {
      await Promise.all(logs.splice(0).map((made) => made.close()));
    });

    test('a conversation starts once and reads back after a watermark', async () => {
      const conversations = log();
      expect(await conversations.start('c-1')).toBe(true);
      expect(await conversations.start('c-1')).toBe(false);
      await conversations.append('c-1', { text: 'one' });
      const first = await conversations.read('c-1', { position: 0 });
      expect(texts(first.activities)).toEqual(['one']);
      await conversations.append('c-1', { text: 'two' });
      const next = await conversations.read('c-1', at(first.watermark));
      expect(texts(next.activities)).toEqual(['two']);
      expect(await conversations.read('c-1', at(next.watermark))).toEqual({ activities: [], watermark: next.watermark });
    });

    test('keeps at most maxActivities: the oldest go, and a watermark from before still reads what is new', async () => {
      const conversations = log({ ...roomy, maxActivities: 3 });
      await conversations.append('c-1', { text: '1' });
      const early = (await conversations.read('c-1', { position: 0 })).watermark;
      for (const text of ['2', '3', '4', '5']) await conversations.append('c-1', { text });
      expect(texts((await conversations.read('c-1', { position: 0 })).activities)).toEqual(['3', '4', '5']);
      // The early watermark (after "1") points at "2", which was dropped: the client gets what is kept.
      expect(texts((await conversations.read('c-1', at(early))).activities)).toEqual(['3', '4', '5']);
      const late = (await conversations.read('c-1', { position: 0 })).watermark;
      expect(parseInt(late, 10)).toBe(5);
      await conversations.append('c-1', { text: '6' });
      expect(texts((await conversations.read('c-1', at(late))).activities)).toEqual(['6']);
    });

    test('keeps at most maxBytes, but always the newest activity', async () => {
      const conversations = log({ ...roomy, maxBytes: 200 });
      for (let i = 0; i < 10; i++) await conversations.append('c-1', { text: `${i}`.repeat(40) });
      const kept = (await conversations.read('c-1', { position: 0 })).activities;
      expect(JSON.stringify(kept).length).toBeLessThanOrEqual(200 + kept.length);
      expect(kept.at(-1)?.text).toBe('9'.repeat(40));
      await conversations.append('c-1', { text: 'x'.repeat(500) });
      expect(texts((await conversations.read('c-1', { position: 0 })).activities)).toEqual(['x'.repeat(500)]);
    });

    test('one read returns at most maxPageBytes (and at least one activity); the watermark leads to the rest', async () => {
      const conversations = log({ ...roomy, maxPageBytes: 100 });
      for (let i = 0; i < 6; i++) await conversations.append('c-1', { text: `${i}`.repeat(30) });
      const seen: string[] = [];
      let from = { position: 0 } as ReturnType<typeof at>;
      for (let reads = 0; reads < 10; reads++) {
        const page = await conversations.read('c-1', from);
        if (page.activities.length === 0) break;
        expect(page.activities.length).toBeLessThan(6);
        seen.push(...(texts(page.activities) as string[]));
        from = at(page.watermark);
      }
      expect(seen).toEqual(['0', '1', '2', '3', '4', '5'].map((digit) => digit.repeat(30)));
    });

    test('a watermark of another life of the log (a restart without Redis) gives everything, never nothing', async () => {
      const conversations = log();
      for (const text of ['hello', 'welcome back']) await conversations.append('c-1', { text });
      const page = await conversations.read('c-1', { position: 12, epoch: 'before' });
      expect(texts(page.activities)).toEqual(['hello', 'welcome back']);
      expect(texts((await conversations.read('c-1', { position: 1 })).activities)).toEqual(['hello', 'welcome back']);
    });

    test('tells watchers of appends and broadcasts; a broadcast is not kept', async () => {
      const conversations = log();
      const events: LogEvent[] = [];
      const unwatch = conversations.watch('c-1', (event) => events.push(event));
      // Redis confirms the subscription with an event of its own (read again: nothing was announced before it).
      if (options.confirmsSubscription) await waitFor(() => events.length > 0, 'the subscription');
      events.length = 0;
      await conversations.append('c-1', { text: 'one' });
      await conversations.broadcast('c-1', { type: 'typing' });
      await waitFor(() => events.length === 2, 'both announcements');
      expect(events).toEqual([{ kind: 'appended' }, { kind: 'ephemeral', activity: { type: 'typing' } }]);
      expect(texts((await conversations.read('c-1', { position: 0 })).activities)).toEqual(['one']);
      unwatch();
      await conversations.append('c-1', { text: 'two' });
      await conversations.append('c-2', { text: 'other' });
      expect(events).toHaveLength(2);
    });
  });
}

logContract('InMemoryConversationLog', (limits) => new InMemoryConversationLog({ ttlSeconds: 60, limits }), {
  confirmsSubscription: false,
});

describe('the log in Redis', () => {
  const redis = useSharedRedis();

  test('with the default caps, 400 posts of 14 KB leave at most 512 KiB in Redis and a poll from the start at most 128 KiB', async () => {
    const limits = loadConfig({}).webchat.log;
    const log = new RedisConversationLog(redis.client, { keyPrefix: redis.prefix, ttlSeconds: 60, limits, logger: silentLogger });
    const padding = 'y'.repeat(14_000);
    for (let i = 0; i < 400; i++) await log.append('c-big', { type: 'message', text: `${i}`, entities: [{ type: 'padding', padding }] });
    const [length, bytes] = await Promise.all([
      redis.client.llen(`${redis.prefix}directline:{c-big}:activities`),
      redis.client.hget(`${redis.prefix}directline:{c-big}:meta`, 'bytes'),
    ]);
    expect(Number(bytes)).toBeLessThanOrEqual(512 * 1024);
    expect(length).toBe(Math.floor((512 * 1024) / 14_060));
    const page = await log.read('c-big', { position: 0 });
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThanOrEqual(128 * 1024 + 100);
    expect(page.activities[0].text).toBe(String(400 - length));
    expect(parseInt(page.watermark, 10)).toBe(400 - length + page.activities.length);
    await log.close();
  });

  logContract(
    'RedisConversationLog',
    (limits) => new RedisConversationLog(redis.client, { keyPrefix: redis.prefix, ttlSeconds: 60, limits, logger: silentLogger }),
    {
      confirmsSubscription: true,
    },
  );
});

describe('InMemoryConversationLog expiry', () => {
  let clock = 0;
  const log = () => new InMemoryConversationLog({ ttlSeconds: 60, limits: roomy }, () => clock);
  beforeEach(() => {
    clock = 0;
  });

  test('each append starts the TTL again; a conversation left for the TTL is forgotten', async () => {
    const conversations = log();
    await conversations.start('c-1');
    clock = 50_000;
    await conversations.append('c-1', { text: 'one' });
    clock = 100_000;
    expect(texts((await conversations.read('c-1', { position: 0 })).activities)).toEqual(['one']);
    clock = 110_000;
    expect((await conversations.read('c-1', { position: 0 })).activities).toEqual([]);
    expect(await conversations.start('c-1')).toBe(true);
  });

  test('an expired conversation is gone from memory even if nobody asks for it again', async () => {
    const conversations = log();
    await conversations.append('c-1', { text: 'old' });
    clock = 60_000;
    await conversations.start('c-2');
    clock = 0; // were it still held, it would be live again at this time
    expect((await conversations.read('c-1', { position: 0 })).activities).toEqual([]);
  });
});
