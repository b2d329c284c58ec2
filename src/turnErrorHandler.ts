import type { BotState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { Messages } from './content/messages';
import { hashId, type Logger } from './logger';

/**
 * A turn that throws: log it, apologise, and clear the dialog stack so the next message starts
 * fresh instead of landing in the broken dialog again. Everything else in the state is kept. The
 * apology goes out even when the clean-up fails, so the user is never left without an answer.
 */
export function createTurnErrorHandler(deps: {
  conversationState: BotState;
  dialogState: StatePropertyAccessor<DialogState>;
  messages: Messages;
  logger: Logger;
}): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    deps.logger.error({ err: error, conversation: hashId(context.activity.conversation?.id) }, 'turn failed');
    try {
      await deps.dialogState.delete(context);
      await deps.conversationState.saveChanges(context, false);
    } catch (cleanUpError) {
      deps.logger.error({ err: cleanUpError }, 'could not clear the failed dialog');
    }
    try {
      await context.sendActivity(deps.messages.turnError);
    } catch (sendError) {
      deps.logger.error({ err: sendError }, 'apology for a failed turn could not be sent');
    }
  };
}
