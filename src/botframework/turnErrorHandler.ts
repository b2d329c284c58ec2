import type { TurnContext } from 'botbuilder';
import type { StoredConversation } from '../conversation/conversationState';
import { ReplyNotDeliveredError } from '../channels/connectorReplies';
import { hashId, type Logger } from '../logger';
import type { SnapshotConversationState } from '../state/snapshotConversationState';
import { conversationProperty } from './conversationHost';

/** Turns in a row that may fail at the same place before the conversation is moved back to the start. */
const failuresBeforeRestart = 2;

type Failing = StoredConversation & { failedTurns?: number };

/**
 * A turn that throws: log it and apologise. The conversation stays where it was (the failed turn
 * saved nothing), so one bad message does not cost the driver their place; only when turns keep
 * failing at the same place is the conversation moved back to the start, its record kept. The
 * apology goes out even when this clean-up fails, so the user is never left without an answer.
 */
export function createTurnErrorHandler(deps: {
  conversationState: SnapshotConversationState;
  messages: { turnError: string; turnErrorRestart: string };
  logger: Logger;
}): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    deps.logger.error({ err: error, conversation: hashId(context.activity.conversation?.id) }, 'turn failed');
    let restarted = false;
    // A reply the channel did not take is no fault of the place the driver is at: it is not counted.
    const countsAgainstThePlace = !(error instanceof ReplyNotDeliveredError);
    try {
      // As stored before this turn: whatever the failed turn changed in memory is not kept.
      const raw = (await deps.conversationState.load(context, true)) as Record<string, unknown>;
      const conversation = raw[conversationProperty] as Failing | undefined;
      if (conversation && countsAgainstThePlace) {
        const failedTurns = (conversation.failedTurns ?? 0) + 1;
        restarted = failedTurns >= failuresBeforeRestart;
        raw[conversationProperty] = restarted
          ? { ...conversation, stage: { kind: 'idle' }, failedTurns: undefined }
          : { ...conversation, failedTurns };
        await deps.conversationState.saveChanges(context, false);
      }
    } catch (cleanUpError) {
      deps.logger.error({ err: cleanUpError }, 'could not note the failed turn');
    }
    try {
      await context.sendActivity(restarted ? deps.messages.turnErrorRestart : deps.messages.turnError);
    } catch (sendError) {
      deps.logger.error({ err: sendError }, 'apology for a failed turn could not be sent');
    }
  };
}
