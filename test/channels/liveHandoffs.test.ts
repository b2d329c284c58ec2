import type { Storage } from 'botbuilder';
import { escalationCard } from '../../src/channels/liveAgents/escalationCard';
import { type LiveHandoff, LiveHandoffs } from '../../src/channels/liveAgents/liveHandoffs';
import { loadMessages } from '../../src/content/messages';
import { ExpiringMemoryStorage } from '../../src/state/expiringMemoryStorage';
import { RedisStorage } from '../../src/state/redisStorage';
import { useSharedRedis } from '../state/redisTestKit';
import { cardText, type CardJson } from '../support/teams';
import { sampleTicket } from '../tickets/fixtures';

const { liveStaff } = loadMessages();
const redis = useSharedRedis();
const ttlSeconds = 600;
const storages: [string, () => Storage][] = [
  ['in memory', () => new ExpiringMemoryStorage(ttlSeconds)],
  ['on Redis', () => new RedisStorage(redis.client, { keyPrefix: redis.prefix, ttlSeconds, maxItemBytes: 100_000 })],
];

const ticket = sampleTicket();
const thread = { conversationId: '19:live-chats@thread.tacv2;messageid=1700000000001', cardActivityId: '1700000000001' };
const handoff: LiveHandoff = {
  reference: ticket.reference,
  ticket,
  driver: {
    channelId: 'directline',
    serviceUrl: 'directline://in-process',
    conversation: { id: 'dl-1' } as never,
    user: { id: 'dl_user', name: '' },
  },
  thread,
  offeredAt: '2025-01-15T09:30:00.000Z',
};
const priya = { id: 'priya', name: 'Priya Sharma' };
const tom = { id: 'tom', name: 'Tom Baker' };
const takeOver = (staff: typeof priya) => (current: LiveHandoff) =>
  current.takenBy ? undefined : { ...current, takenBy: { ...staff, at: '2025-01-15T09:31:00.000Z' } };

describe.each(storages)('the live handoffs %s', (_where, storage) => {
  it('are found by reference and by thread', async () => {
    const handoffs = new LiveHandoffs(storage());
    await handoffs.open(handoff);
    expect(await handoffs.get(ticket.reference)).toEqual(handoff);
    expect(await handoffs.ofThread(thread.conversationId)).toEqual(handoff);
    expect(await handoffs.ofThread('19:live-chats@thread.tacv2;messageid=2')).toBeUndefined();
    expect(await handoffs.change('EVC-NONE22', takeOver(priya))).toBeUndefined();
  });

  it('give a chat to one person only, however many press Take over at once', async () => {
    const handoffs = new LiveHandoffs(storage());
    await handoffs.open(handoff);
    const presses = await Promise.all([priya, tom, priya, tom].map((staff) => handoffs.change(ticket.reference, takeOver(staff))));
    const winners = presses.filter((press) => press!.changed);
    expect(winners).toHaveLength(1);
    const taker = winners[0]!.handoff.takenBy!.id;
    expect(presses.every((press) => press!.handoff.takenBy?.id === taker)).toBe(true);
    expect((await handoffs.get(ticket.reference))!.takenBy!.id).toBe(taker);
  });
});

describe('the live handoffs in Redis', () => {
  it('expire like the conversation they belong to', async () => {
    await new LiveHandoffs(new RedisStorage(redis.client, { keyPrefix: redis.prefix, ttlSeconds, maxItemBytes: 100_000 })).open(handoff);
    const keys = await redis.client.keys(`${redis.prefix}*liveHandoff*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await redis.client.ttl(key)).toBeGreaterThan(ttlSeconds - 10);
  });
});

describe('the escalation card', () => {
  const card = (state: Partial<LiveHandoff> = {}) => escalationCard({ ...handoff, ...state }, liveStaff).content as CardJson;
  const at = '2025-01-15T09:31:00.000Z';

  it('shows what the driver typed as text, not as markdown', () => {
    const named = card({ ticket: sampleTicket({ contact: { name: 'Sam *Bold* [link](https://x.example)', email: 'sam@example.com' } }) });
    expect(named.body.find((block) => block.type === 'FactSet')?.facts).toContainEqual({
      title: liveStaff.labels.contact,
      value: 'Sam \\*Bold\\* \\[link\\]\\(https://x.example\\), sam@example.com',
    });
  });

  it('lists the steps tried and the last messages', () => {
    const text = cardText(card());
    expect(text).toContain('- stuck in car / end session: tried before\n- stuck in car / emergency release: still stuck');
    expect(text).toContain('**Driver:** still stuck');
    expect(text).toContain('**Bot:** Pull the emergency release cord in the boot.');
  });

  it("offers Take over and End chat while waiting, End chat while taken, nothing once ended; the time in the reader's zone", () => {
    expect(card().actions!.map((action) => action.title)).toEqual([liveStaff.buttons.takeOver, liveStaff.buttons.end]);
    expect(cardText(card())).toContain('offered {{TIME(2025-01-15T09:30:00Z)}}');
    expect(card({ takenBy: { ...priya, at } }).actions!.map((action) => action.title)).toEqual([liveStaff.buttons.end]);
    const ended = card({ takenBy: { ...priya, at }, endedBy: { ...priya, at } });
    expect(ended.actions).toEqual([]);
    expect(cardText(ended)).toContain('Priya Sharma ended the chat at {{TIME(2025-01-15T09:31:00Z)}}');
  });
});
