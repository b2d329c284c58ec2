import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { fillTemplate, type Messages } from '../content/messages';
import type { HandoffRequest } from '../handoff/handoffRequest';

/** The one entry point for handing a conversation to a person: begin this id with a HandoffRequest. */
export const handoffDialogId = 'handoff';

/**
 * Says why the conversation goes to a person and what happens next, then ends. Contact capture and
 * the escalation ticket come behind this same id and options.
 */
export class HandoffDialog extends Dialog<HandoffRequest> {
  constructor(private readonly messages: Messages) {
    super(handoffDialogId);
  }

  override async beginDialog(dc: DialogContext, request?: HandoffRequest): Promise<DialogTurnResult> {
    if (!request) throw new Error('The handoff dialog needs a HandoffRequest');
    const reason = this.messages.handoffReasons[request.reason];
    await dc.context.sendActivity(fillTemplate(this.messages.handoffStarting, { reason }));
    await dc.context.sendActivity(this.messages.handoffNext);
    return dc.endDialog({ reason: request.reason });
  }
}
