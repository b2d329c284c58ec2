import { ConversationEngine, type TurnInput } from '../../src/conversation/engine';
import { newConversation, type StoredConversation } from '../../src/conversation/conversationState';
import { fillTemplate } from '../../src/content/messages';
import type { LiveAgents } from '../../src/handoff/liveAgents';
import { createLogger } from '../../src/logger';
import { loadRecognizer } from '../../src/nlu/model';
import { content, item, memoryTicketDelivery } from '../support/guidedChat';

const { messages } = content;
const { live, handoff } = messages;
const recognizer = loadRecognizer();

const onDuty = (open: boolean): LiveAgents => ({ availableAt: () => open, nextAvailable: () => 'Monday at 08:00', waitMinutes: 10 });

/** The engine with staff on duty or not, and a conversation played through it. */
function liveChat(open: boolean) {
  const tickets = memoryTicketDelivery();
  const engine = new ConversationEngine({
    content,
    recognizer,
    tickets,
    liveAgents: onDuty(open),
    responseTime: 'within 24 hours',
    logger: createLogger({ env: 'test', logLevel: 'silent' }),
  });
  let conversation: StoredConversation = { ...newConversation(), welcomed: true };
  const send = async (input: Partial<TurnInput>) => {
    const result = await engine.turn(conversation, {
      kind: 'message',
      text: '',
      conversationId: 'live-1',
      channelId: 'directline',
      ...input,
    });
    conversation = result.conversation;
    return result;
  };
  const say = (text: string) => send({ text });
  return { send, say, tickets, stored: () => conversation };
}

async function untilTicket(chat: ReturnType<typeof liveChat>) {
  await chat.say('cable stuck in my car, i want a person');
  for (const answer of ['Sam Taylor', 'sam@example.com', 'LS1 4AP', handoff.buttons.skip, handoff.buttons.skip]) await chat.say(answer);
  return chat.say(handoff.buttons.create);
}

describe('a live handoff', () => {
  it('during hours: the ticket is offered to staff, and the driver hears someone may join', async () => {
    const chat = liveChat(true);
    const created = await untilTicket(chat);
    const [ticket] = chat.tickets.tickets();
    expect(created.replies.map((r) => r.text)).toContain(fillTemplate(live.offered, { minutes: 10, responseTime: 'within 24 hours' }));
    expect(created.effects).toContainEqual({ kind: 'liveHandoffRequested', ticket });
  });

  it('outside hours: no offer, and the driver hears when staff are back', async () => {
    const chat = liveChat(false);
    const created = await untilTicket(chat);
    expect(created.replies.map((r) => r.text)).toContain(
      fillTemplate(live.closed, { next: 'Monday at 08:00', responseTime: 'within 24 hours' }),
    );
    expect(created.effects.map((e) => e.kind)).not.toContain('liveHandoffRequested');
  });

  it('relays both ways, speaks only for a hazard, and asks whether the cable is free when the person leaves', async () => {
    const chat = liveChat(true);
    await untilTicket(chat);
    const [ticket] = chat.tickets.tickets();
    const joined = await chat.send({
      kind: 'liveJoined',
      staffName: 'Priya',
      liveTicket: { reference: ticket.reference, ticketId: ticket.id },
    });
    expect(joined.replies.map((r) => r.text)).toEqual([fillTemplate(live.joined, { name: 'Priya' })]);

    const driver = await chat.say('still stuck, the car is a kia');
    expect(driver.replies).toEqual([]);
    expect(driver.effects).toEqual([
      { kind: 'relayToStaff', reference: ticket.reference, text: 'still stuck, the car is a kia', hazard: false },
    ]);

    const staff = await chat.send({
      kind: 'liveMessage',
      staffName: 'Priya',
      text: 'Try holding the unlock button on the fob for 3 seconds.',
    });
    expect(staff.replies).toEqual([{ text: '**Priya:** Try holding the unlock button on the fob for 3 seconds.', speaker: 'Priya' }]);

    const hazard = await chat.say('wait there is smoke coming from the port');
    expect(hazard.replies.map((r) => r.text)).toEqual([item('safety_instruction')]);
    expect(hazard.effects).toContainEqual(expect.objectContaining({ kind: 'relayToStaff', hazard: true }));

    const ended = await chat.send({ kind: 'liveEnded', staffName: 'Priya' });
    expect(ended.replies.at(-1)).toEqual({
      text: fillTemplate(live.left, { name: 'Priya' }),
      buttons: [messages.buttons.freed, messages.buttons.stillStuck],
    });
    const [liveEnded] = ended.effects;
    expect(liveEnded).toMatchObject({ kind: 'liveEnded', reference: ticket.reference, ticketId: ticket.id });
    if (liveEnded.kind !== 'liveEnded') throw new Error('expected the live part');
    expect(liveEnded.transcript.map((entry) => entry.from)).toEqual(['bot', 'user', 'staff', 'user', 'bot']);

    const stillStuck = await chat.say(messages.buttons.stillStuck);
    expect(stillStuck.replies.map((r) => r.text)).toEqual([
      fillTemplate(live.stillStuck, { reference: ticket.reference, responseTime: 'within 24 hours' }),
    ]);
    expect(chat.stored().stage).toEqual({ kind: 'idle' });
  });

  it('the cable freed after the person left is recorded and rated', async () => {
    const chat = liveChat(true);
    await untilTicket(chat);
    const [ticket] = chat.tickets.tickets();
    await chat.send({ kind: 'liveJoined', staffName: 'Priya', liveTicket: { reference: ticket.reference, ticketId: ticket.id } });
    await chat.send({ kind: 'liveEnded', staffName: 'Priya' });
    const freed = await chat.say('yes its out now thanks');
    expect(freed.replies.map((r) => r.text)).toEqual([messages.freed, messages.ratingPrompt]);
    expect(chat.stored().record.outcomes.at(-1)).toMatchObject({ result: 'freed', step: 'live' });
  });
});
