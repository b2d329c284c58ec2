import type { ConversationReference, TurnContext } from 'botbuilder';
import { type LiveEvent, liveEventName } from './liveEvents';
import type { EndpointAdapter } from '../botFrameworkEndpoint';
import type { DirectLineConversations } from '../directLine/conversations';

/**
 * Delivers a live handoff's event into the driver's conversation, as a turn of it; resolves whether
 * the bot ran that turn to its end (not when the conversation's lock could not be had, or its
 * state could not be read or saved: then the driver saw nothing).
 */
export type DeliverToDriver = (driver: Partial<ConversationReference>, event: LiveEvent) => Promise<boolean>;

/**
 * The event goes the way the driver's own messages come, through the same middleware (turn guard,
 * metrics): on the self-hosted Direct Line through its in-process adapter, so the replies land in
 * the conversation's log and its streams (Web Chat shows them at once, whichever instance it is
 * connected to); on any other channel as a proactive turn to the channel's connector.
 */
export function driverDelivery(deps: {
  directLine: DirectLineConversations;
  endpoint: EndpointAdapter;
  botAppId?: string;
  logic: (context: TurnContext) => Promise<void>;
}): DeliverToDriver {
  return async (driver, event) => {
    let ranToTheEnd = false;
    const logic = async (context: TurnContext) => {
      await deps.logic(context);
      ranToTheEnd = true;
    };
    const activity = { type: 'event', name: liveEventName, value: event };
    const directLine = deps.directLine.conversationOf(driver);
    if (directLine) await deps.directLine.runInConversation(directLine, activity, logic);
    else await deps.endpoint.runProactiveTurn(deps.botAppId, driver, activity, logic);
    return ranToTheEnd;
  };
}
