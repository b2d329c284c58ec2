import { MemoryStorage } from 'botbuilder';
import { Dialog, type DialogContext, type DialogState, type DialogStateManagerConfiguration, type DialogTurnResult } from 'botbuilder-dialogs';
import { SupportBot } from '../../src/bot';
import { loadMessages } from '../../src/content/messages';
import { createLogger } from '../../src/logger';
import { SnapshotConversationState } from '../../src/state/snapshotConversationState';
import { createTurnErrorHandler } from '../../src/turnErrorHandler';
import { conversationWith } from '../support/conversation';

const messages = loadMessages();

/** Keeps the memory configuration of every turn's dialog context, and of a child context too. */
class ConfigurationWatcher extends Dialog {
  readonly seen: DialogStateManagerConfiguration[] = [];
  constructor() {
    super('watcher');
  }
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.continueDialog(dc);
  }
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    this.seen.push(dc.state.configuration);
    await dc.context.sendActivity('ok');
    return Dialog.EndOfTurn;
  }
}

test("the dialogs' memory scopes are built on the first turn and reused by the later ones", async () => {
  const conversationState = new SnapshotConversationState(new MemoryStorage());
  const dialogState = conversationState.createProperty<DialogState>('DialogState');
  const logger = createLogger({ env: 'test', logLevel: 'silent' });
  const watcher = new ConfigurationWatcher();
  const bot = new SupportBot({ conversationState, dialogState, rootDialog: watcher, messages, logger });
  const chat = conversationWith(bot, createTurnErrorHandler({ conversationState, dialogState, messages, logger }));

  for (const text of ['one', 'two', 'three']) expect(await chat.say(text)).toContain('ok');
  expect(watcher.seen).toHaveLength(3);
  expect(watcher.seen[0].memoryScopes.length).toBeGreaterThan(0);
  expect(new Set(watcher.seen).size).toBe(1);
});
