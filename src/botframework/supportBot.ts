import { ActivityTypes, StatusCodes, type TurnContext } from 'botbuilder';
import { liveEventName } from '../channels/liveAgents/liveEvents';
import type { ConversationHost } from './conversationHost';

/**
 * Routes activities: a conversation opened by someone other than the bot is greeted, every message
 * goes to the conversation engine through the host, and a live handoff's events (delivered into the
 * driver's conversation by the live-agent hub) go there too. Every invoke is answered 501 Not
 * Implemented, as botbuilder's ActivityHandler answers one nobody handles; Teams rendering is the
 * host's (replyRendering), Teams input is channel middleware.
 *
 * A plain switch rather than a TeamsActivityHandler: its handler chain ran some fifteen downlevelled
 * `__awaiter` generators a turn (botbuilder is compiled to ES2015), about 100 µs of a turn's CPU in
 * a trial, for handlers this bot never registered (docs/benchmarks.md).
 */
export class SupportBot {
  constructor(private readonly host: ConversationHost) {}

  async run(context: TurnContext): Promise<void> {
    const { activity } = context;
    switch (activity.type) {
      case ActivityTypes.Message:
        return this.host.handle(context, 'message');
      case ActivityTypes.ConversationUpdate:
        if ((activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id)) return this.host.handle(context, 'start');
        return;
      case ActivityTypes.Event:
        if (activity.name === liveEventName) return this.host.handle(context, 'live');
        return;
      case ActivityTypes.Invoke:
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: StatusCodes.NOT_IMPLEMENTED } });
        return;
    }
  }
}
