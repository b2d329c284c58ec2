import { conversationProperty } from '../../src/botframework/conversationHost';
import type { ConversationRecord } from '../../src/conversation/conversationRecord';
import { loadRecognizer } from '../../src/nlu/model';
import { content, guidedChat, memoryTicketDelivery } from '../support/guidedChat';

const { buttons, handoff } = content.messages;
const recognizer = loadRecognizer();

/** A chat whose stored record can be read, and edited as a hand edit or an older release might have left it. */
async function chatWithRecord() {
  const tickets = memoryTicketDelivery();
  const bot = await guidedChat(recognizer, { ticketDelivery: tickets });
  const record = async () => (await bot.stored())!.record;
  const storeRecord = async (edit: (stored: ConversationRecord) => unknown) => {
    const key = `test/conversations/${bot.conversationId}/`;
    const item = (await bot.storage.read([key]))[key];
    const conversation = item[conversationProperty];
    await bot.storage.write({
      [key]: { ...item, [conversationProperty]: { ...conversation, record: edit(conversation.record) }, eTag: '*' },
    });
  };
  return { bot, tickets, record, storeRecord };
}

describe('what is kept with the conversation', () => {
  it('stores the outcome and the rating after the cable came free', async () => {
    const { bot, record } = await chatWithRecord();
    await bot.user('my cable is stuck in the car');
    await bot.user(buttons.stillStuck);
    await bot.user(buttons.freed);
    await bot.user('4');
    expect((await record()).outcomes).toEqual([
      expect.objectContaining({ result: 'freed', scenario: 'stuck_in_car', step: 'unlock_car', rating: 4 }),
    ]);
  });

  it('gives the ticket the reason, the scenario, the steps tried with outcomes, the entities and the transcript', async () => {
    const { bot, tickets, record } = await chatWithRecord();
    await bot.user('my Tesla has the cable stuck in the car and I already stopped it');
    await bot.user('nope');
    await bot.user(buttons.person);
    for (const answer of ['Sam Taylor', 'sam@example.com', 'LS1 4AP', handoff.buttons.skip, handoff.buttons.skip, handoff.buttons.create])
      await bot.user(answer);
    const [ticket] = tickets.tickets();
    expect(ticket).toMatchObject({ reason: 'customer_request', scenario: 'stuck_in_car', entities: { side: 'car', vehicleMake: 'Tesla' } });
    expect(ticket.stepsTried).toEqual([
      { procedure: 'stuck_in_car', step: 'end_session', outcome: 'tried_before' },
      { procedure: 'stuck_in_car', step: 'unlock_car', outcome: 'still_stuck' },
    ]);
    expect(ticket.transcript.map((entry) => entry.from)).toContain('bot');
    expect(
      ticket.transcript
        .filter((entry) => entry.from === 'user')
        .map((entry) => entry.text)
        .slice(0, 3),
    ).toEqual(['my Tesla has the cable stuck in the car and I already stopped it', 'nope', buttons.person]);
    expect((await record()).outcomes).toEqual([expect.objectContaining({ result: 'handoff', reason: 'customer_request' })]);
    expect((await record()).tickets).toEqual([expect.objectContaining({ id: ticket.id, reference: ticket.reference })]);
  });

  it('caps the transcript', async () => {
    const { bot, record } = await chatWithRecord();
    await bot.user('my cable is stuck in the car');
    for (let i = 0; i < 40; i += 1) await bot.user('help');
    const { transcript } = await record();
    expect(transcript).toHaveLength(60);
    expect(transcript.at(-1)!.from).toBe('bot');
  });

  it.each([
    ['a transcript that is not a list', (stored: ConversationRecord) => ({ ...stored, transcript: 'lost' }), false],
    [
      'a broken transcript entry',
      (stored: ConversationRecord) => ({ ...stored, transcript: [...stored.transcript, { from: 'nobody' }] }),
      true,
    ],
    ['outcomes with a broken entry', (stored: ConversationRecord) => ({ ...stored, outcomes: [null] }), true],
    ['no record object at all', () => 'lost', false],
  ])('a stored record with %s: the conversation goes on, and what is whole is kept', async (_, edit, transcriptKept) => {
    const { bot, record, storeRecord } = await chatWithRecord();
    await bot.user('my cable is stuck in the car');
    const before = await record();
    await storeRecord(edit);

    expect((await bot.user(buttons.stillStuck)).texts).not.toContain(content.messages.turnError);
    const after = await record();
    expect(after).toEqual({ transcript: expect.any(Array), outcomes: expect.any(Array), tickets: expect.any(Array) });
    expect(after.outcomes).not.toContain(null);
    const earlierTurns = transcriptKept ? before.transcript : [];
    expect(after.transcript.slice(0, earlierTurns.length + 1)).toEqual([
      ...earlierTurns,
      expect.objectContaining({ from: 'user', text: buttons.stillStuck }),
    ]);
  });

  it('a repaired record keeps the tickets it lists, even one under a reason since renamed, so none is created twice', async () => {
    const { bot, record, storeRecord } = await chatWithRecord();
    await bot.user('my cable is stuck in the car');
    const ticket = {
      id: 'tkt_0123456789abcdef0123456789abcdef',
      reference: 'EVC-7K2Q9M',
      reason: 'renamed_reason',
      at: '2026-01-01T00:00:00.000Z',
    };
    await storeRecord((stored) => ({ ...stored, outcomes: 'broken', tickets: [ticket, { id: 42 }] }));

    await bot.user(buttons.stillStuck);
    expect((await record()).tickets).toEqual([ticket]);
  });
});
