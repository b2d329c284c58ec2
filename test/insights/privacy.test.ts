import pino from 'pino';
import { createInsightsRecorder } from '../../src/insights/recorder';
import { RedisInsightsStore } from '../../src/insights/redisInsightsStore';
import { redact } from '../../src/insights/redact';
import { MemoryInsightsStore } from '../../src/insights/store';
import { hashId } from '../../src/logger';
import { silentLogger, useSharedRedis } from '../state/redisTestKit';

/** What a driver told the bot in the contact interview, and what they typed elsewhere. */
const interview = { name: 'Priya Chandrasekhar', town: 'Market Harborough' };
const personalMessages = [
  'hi its Priya again, email priya.c+ev@example.co.uk if the chat drops',
  'call me on 07700 900123 or +44 (0)20 7946 0018 please',
  'the charger at LE16 7AB is beeping, and the one at le167ab too',
  'my name is Sam Okafor and I live at 14 Welland Avenue',
  'I am in market harborough, it is stuck',
];
const personalValues = [
  'Priya',
  'Chandrasekhar',
  'example.co.uk',
  '07700',
  '900123',
  '7946',
  'LE16',
  'le167ab',
  'Sam',
  'Okafor',
  'Welland',
  'harborough',
  'Harborough',
];
const conversationId = 'webchat-conversation-7f3a9c';

function recordPersonalConversation(recorder: ReturnType<typeof createInsightsRecorder>): void {
  recorder.record(conversationId, { type: 'procedure_started', procedure: 'stuck_in_car' });
  for (const text of personalMessages) {
    recorder.record(
      conversationId,
      { type: 'misunderstood', text, stage: 'step', procedure: 'stuck_in_car', step: 'unlock_car', topLabels: [], why: 'unreadable_reply' },
      { personal: [interview.name, interview.town] },
    );
  }
  recorder.record(conversationId, { type: 'handoff', reason: 'customer_request', procedure: 'stuck_in_car', step: 'unlock_car' });
}

describe('no personal data in the stored insights', () => {
  const redis = useSharedRedis();

  test('in Redis: after a conversation with contact details and a handoff, no key or value holds any of them', async () => {
    const store = new RedisInsightsStore(redis.client, { keyPrefix: redis.prefix, retentionDays: 30 });
    recordPersonalConversation(createInsightsRecorder({ store, logger: silentLogger, redis: redis.client }));
    const [today] = await store.read([new Date().toISOString().slice(0, 10)]);
    expect(today.misunderstood).toHaveLength(personalMessages.length);

    const keys = await redis.client.keys(`${redis.prefix}*`);
    const stored = [keys.join('\n')];
    for (const key of keys) {
      stored.push(
        (await redis.client.type(key)) === 'hash'
          ? JSON.stringify(await redis.client.hgetall(key))
          : (await redis.client.lrange(key, 0, -1)).join('\n'),
      );
    }
    const everything = stored.join('\n');
    for (const value of [...personalValues, conversationId]) expect(everything).not.toContain(value);
    expect(everything).toContain(hashId(conversationId));
    expect(today.misunderstood.map((m) => m.text).reverse()).toEqual([
      'hi its [personal] again, email [email] if the chat drops',
      'call me on [number] or [number] please',
      'the charger at [postcode] is beeping, and the one at [postcode] too',
      'my name is [name] and I live at [address]',
      'I am in [personal], it is stuck',
    ]);
  });

  test('in memory, the same', async () => {
    const store = new MemoryInsightsStore({ retentionDays: 30 });
    recordPersonalConversation(createInsightsRecorder({ store, logger: silentLogger }));
    const everything = JSON.stringify(await store.read([new Date().toISOString().slice(0, 10)]));
    for (const value of [...personalValues, conversationId]) expect(everything).not.toContain(value);
  });
});

describe('redact', () => {
  it.each([
    ['sam@example.com', '[email]'],
    ['07700900123', '[number]'],
    ['+33 1 23 45 67 89', '[number]'],
    ['SW1A 1AA', '[postcode]'],
    ['sw1a1aa', '[postcode]'],
    ["I'm Jo Bloggs", "I'm [name]"],
    ['4b mill lane', '[address]'],
  ])('takes out %s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it.each(['my Kia EV6 is stuck at the ID3 charger', "i'm stuck, the M3 won't let go", 'waited 20 minutes in the car park'])(
    'keeps what names nobody: %s',
    (text) => {
      expect(redact(text)).toBe(text);
    },
  );

  it('removes personal values whole and word by word, in any letter case, not inside other words', () => {
    expect(redact('jo from Bloggsville, JO BLOGGS here, Jonathan', ['Jo Bloggs'])).toBe(
      '[personal] from Bloggsville, [personal] here, Jonathan',
    );
  });
});

describe('recording never fails a turn', () => {
  function capturingLogger() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  test('an event not of the documented shape is dropped with a warning', () => {
    const { logger, lines } = capturingLogger();
    const store = new MemoryInsightsStore({ retentionDays: 30 });
    const recorder = createInsightsRecorder({ store, logger });
    recorder.record('c', { type: 'step_reached', procedure: 'Stuck In Car!', step: 'x|y' });
    recorder.record('c', { type: 'rating', score: 9 as 5 });
    expect(lines.map((l) => [l.level, l.msg, l.insight])).toEqual([
      [40, 'insight event dropped: not of the documented shape', 'step_reached'],
      [40, 'insight event dropped: not of the documented shape', 'rating'],
    ]);
  });

  test("a turn's events go to the store as one write, their counters summed", async () => {
    const writes: unknown[][] = [];
    const counting = { add: async (...args: unknown[]) => void writes.push(args), read: async () => [] };
    const recorder = createInsightsRecorder({ store: counting, logger: capturingLogger().logger });
    recorder.recordTurn('c', [
      { type: 'step_outcome', procedure: 'stuck_in_car', step: 'end_session', outcome: 'still_stuck' },
      { type: 'step_reached', procedure: 'stuck_in_car', step: 'unlock_car' },
      { type: 'step_reached', procedure: 'stuck_in_car', step: 'unlock_car' },
    ]);
    expect(writes).toEqual([
      [expect.any(String), { 'outcome|stuck_in_car|end_session|still_stuck': 1, 'reached|stuck_in_car|unlock_car': 2 }, undefined],
    ]);
  });

  test('a store that fails is logged with the error, and record returns as usual', async () => {
    const { logger, lines } = capturingLogger();
    const failing = { add: () => Promise.reject(new Error('disk on fire')), read: async () => [] };
    const recorder = createInsightsRecorder({ store: failing, logger });
    expect(() => recorder.record('c', { type: 'rating', score: 4 })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'insight event not recorded',
        insight: 'rating',
        err: expect.objectContaining({ message: 'disk on fire' }),
      }),
    ]);
  });
});
