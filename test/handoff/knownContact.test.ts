import { ConversationEngine } from '../../src/conversation/engine';
import { newConversation, type StoredConversation } from '../../src/conversation/conversationState';
import { createLogger } from '../../src/logger';
import { loadRecognizer } from '../../src/nlu/model';
import { content, memoryTicketDelivery } from '../support/guidedChat';

const { handoff } = content.messages;

/** The engine on its own, talking to a channel that already knows who the customer is. */
function teamsEngine() {
  const tickets = memoryTicketDelivery();
  const engine = new ConversationEngine({
    content,
    recognizer: loadRecognizer(),
    tickets,
    responseTime: 'within 4 hours',
    logger: createLogger({ logLevel: 'silent', env: 'test' }),
  });
  let conversation: StoredConversation = { ...newConversation(), welcomed: true };
  const say = async (text: string) => {
    const result = await engine.turn(conversation, {
      kind: 'message',
      text,
      conversationId: 'teams-1',
      channelId: 'msteams',
      staff: { entraObjectId: '5b6f5a8e-1d2c-4b7a-9a0e-2f1c3d4e5f60', name: 'Alex Field' },
      knownContact: { name: 'Jo Customer', email: 'JO@EXAMPLE.COM', phone: 'not a number', town: 'York' },
    });
    conversation = result.conversation;
    return result.replies.map((reply) => reply.text);
  };
  return { say, tickets };
}

describe('a channel that knows the user', () => {
  it('skips what it knows (checked like typed answers), asks the rest about the customer, then creates the ticket raised by the staff member', async () => {
    const { say, tickets } = teamsEngine();
    expect((await say('raise a ticket')).at(-1)).toBe(handoff.customerQuestions.charger.ask);
    await say(handoff.buttons.skip);
    expect((await say(handoff.buttons.skip))[0]).toContain('Email: jo@example.com');
    expect((await say(handoff.buttons.create))[0]).toContain('within 4 hours');
    expect(tickets.tickets()[0]).toMatchObject({
      channel: 'msteams',
      contact: { name: 'Jo Customer', email: 'jo@example.com' },
      site: { town: 'York' },
      raisedBy: { name: 'Alex Field' },
    });
  });
});
