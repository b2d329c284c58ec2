import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Messages } from '../content/messages';

/** Placeholder root dialog until the guided procedures land: asks where the cable is stuck. */
export class MainDialog extends ComponentDialog {
  constructor(private readonly messages: Messages) {
    super('main');
  }

  protected override async onBeginDialog(inner: DialogContext): Promise<DialogTurnResult> {
    await inner.context.sendActivity(this.messages.welcomePrompt);
    return inner.endDialog();
  }
}
