import { ConversationState, MemoryStorage } from 'botbuilder';
import { DialogSet, type DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { InProcessAdapter } from '../../src/channels/inProcessAdapter';
import { ConversationRecords } from '../../src/conversation/conversationRecord';
import { HandoffDialog, handoffDialogId } from '../../src/conversation/handoffDialog';
import type { HandoffRequest } from '../../src/handoff/handoffRequest';
import { createLogger } from '../../src/logger';
import { loadRecognizer } from '../../src/nlu/model';
import { content, memoryTicketDelivery } from '../support/guidedChat';

const { handoff } = content.messages;

/** The handoff on its own, begun by a channel that already knows who it is talking to. */
function teamsHandoff(request: HandoffRequest) {
  const delivery = memoryTicketDelivery();
  const conversationState = new ConversationState(new MemoryStorage());
  const logger = createLogger({ logLevel: 'silent', env: 'test' });
  const dialogs = new DialogSet(conversationState.createProperty<DialogState>('DialogState'));
  dialogs.add(
    new HandoffDialog({
      messages: content.messages,
      recognizer: loadRecognizer(),
      records: new ConversationRecords(conversationState, logger),
      delivery,
      responseTime: 'within 4 hours',
      logger,
    }),
  );
  const adapter = new InProcessAdapter();
  const say = async (text: string) => {
    const texts: string[] = [];
    await adapter.processActivity(
      { type: 'message', text, channelId: 'msteams', from: { id: 'staff-1', name: 'Alex Field' }, recipient: { id: 'bot', name: 'Bot' }, conversation: { id: 'teams-1' } as never },
      async (context) => {
        const dc = await dialogs.createContext(context);
        if ((await dc.continueDialog()).status === DialogTurnStatus.empty) await dc.beginDialog(handoffDialogId, request);
        await conversationState.saveChanges(context);
      },
      (reply) => void (reply.type === 'message' && texts.push(reply.text ?? '')),
    );
    return texts;
  };
  return { say, delivery };
}

describe('a channel that knows the user', () => {
  it('skips what it knows (checked like typed answers), asks the rest about the customer, then creates the ticket raised by the staff member', async () => {
    const { say, delivery } = teamsHandoff({
      reason: 'customer_request',
      stepsTried: [],
      entities: {},
      transcript: [],
      knownContact: { name: 'Jo Customer', email: 'JO@EXAMPLE.COM', phone: 'not a number', town: 'York' },
      raisedBy: { entraObjectId: '5b6f5a8e-1d2c-4b7a-9a0e-2f1c3d4e5f60', name: 'Alex Field' },
    });
    expect((await say('raise a ticket')).at(-1)).toBe(handoff.customerQuestions.charger.ask);
    await say(handoff.buttons.skip);
    expect((await say(handoff.buttons.skip))[0]).toContain('Email: jo@example.com');
    expect((await say(handoff.buttons.create))[0]).toContain('within 4 hours');
    expect(delivery.tickets()[0]).toMatchObject({
      channel: 'msteams',
      contact: { name: 'Jo Customer', email: 'jo@example.com' },
      site: { town: 'York' },
      raisedBy: { name: 'Alex Field' },
    });
  });
});
