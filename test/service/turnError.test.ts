import { MemoryStorage } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogContext, type DialogState, type DialogTurnResult, WaterfallDialog } from 'botbuilder-dialogs';
import { SupportBot } from '../../src/bot';
import { loadMessages } from '../../src/content/messages';
import { createLogger } from '../../src/logger';
import { createTurnErrorHandler } from '../../src/turnErrorHandler';
import { SnapshotConversationState } from '../../src/state/snapshotConversationState';
import { conversationWith } from '../support/conversation';

const messages = loadMessages();

/** Asks a question, then breaks on the answer "crash" and echoes anything else. */
class FragileDialog extends ComponentDialog {
  constructor() {
    super('fragile');
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => {
          await step.context.sendActivity('question');
          return Dialog.EndOfTurn;
        },
        async (step) => {
          if (step.context.activity.text === 'crash') throw new Error('dialog broke');
          await step.context.sendActivity(`echo ${step.context.activity.text}`);
          return step.endDialog();
        },
      ]),
    );
  }

  protected override async onBeginDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return inner.beginDialog('steps');
  }
}

describe('a turn that throws', () => {
  function fragileBot(storage = new MemoryStorage()) {
    const conversationState = new SnapshotConversationState(storage);
    const dialogState = conversationState.createProperty<DialogState>('DialogState');
    const logger = createLogger({ env: 'test', logLevel: 'silent' });
    const bot = new SupportBot({ conversationState, dialogState, rootDialog: new FragileDialog(), messages, logger });
    return conversationWith(bot, createTurnErrorHandler({ conversationState, dialogState, messages, logger }));
  }

  it('gets a short apology, and the next message starts a fresh dialog', async () => {
    const chat = fragileBot();
    expect(await chat.say('hi')).toEqual([messages.welcome, 'question']);
    expect(await chat.say('crash')).toEqual([messages.turnError]);
    expect(await chat.say('hello again')).toEqual(['question']);
    expect(await chat.say('fine')).toEqual(['echo fine']);
  });

  it('still gets the apology when the broken dialog cannot be cleared', async () => {
    const storage = new MemoryStorage();
    const chat = fragileBot(storage);
    await chat.say('hi');
    jest.spyOn(storage, 'write').mockRejectedValue(new Error('storage refused the write'));
    expect(await chat.say('crash')).toEqual([messages.turnError]);
  });
});
