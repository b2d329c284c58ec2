import { TeamsActivityHandler } from 'botbuilder';
import { liveEventName } from '../channels/liveAgents/liveEvents';
import type { ConversationHost } from './conversationHost';

/**
 * Routes activities: a conversation opened by someone other than the bot is greeted, every message
 * goes to the conversation engine through the host. A TeamsActivityHandler, so Teams' own events are
 * dispatched too; Teams rendering is the host's (replyRendering), Teams input is channel middleware.
 */
export class SupportBot extends TeamsActivityHandler {
  constructor(host: ConversationHost) {
    super();
    this.onMembersAdded(async (context, next) => {
      const someoneElseJoined = (context.activity.membersAdded ?? []).some((member) => member.id !== context.activity.recipient?.id);
      if (someoneElseJoined) await host.handle(context, 'start');
      await next();
    });
    this.onMessage(async (context, next) => {
      await host.handle(context, 'message');
      await next();
    });
    // A live handoff's events, delivered into the driver's conversation by the live-agent hub.
    this.onEvent(async (context, next) => {
      if (context.activity.name === liveEventName) await host.handle(context, 'live');
      await next();
    });
  }
}
