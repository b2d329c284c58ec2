import { type Activity, Channels, type Middleware, type TurnContext } from 'botbuilder';
import type { LiveEvent } from './liveEvents';
import { fillTemplate, type Messages } from '../../content/messages';
import { hashId, type Logger } from '../../logger';
import { tenantOf, withoutBotMention } from '../teams/teamsMiddleware';
import type { DeliverToDriver } from './driverDelivery';
import { escalationCard, type LiveHandoffAction, liveHandoffActionSchema } from './escalationCard';
import type { LiveHandoff, LiveHandoffs, StaffMember } from './liveHandoffs';
import type { SupportChannel } from './supportChannel';

export interface StaffActionsDeps {
  handoffs: LiveHandoffs;
  channel: SupportChannel;
  deliver: DeliverToDriver;
  /** The turn guard: one action at a time per thread, a redelivered one dropped. */
  turnGuard: Middleware;
  /** The only tenant and channel whose people may take chats over. */
  support: { channelId: string; tenantId: string };
  texts: Messages['liveStaff'];
  logger: Logger;
  now?: () => Date;
}

/** The live event's own limit on a message (`liveEventSchema`). */
const maxMessageChars = 4000;
const endWords = /^\s*end(\s+(the\s+)?chat)?\s*[.!]?\s*$/i;

/** The Teams channel a channel conversation (or one of its threads, `<channel>;messageid=<id>`) belongs to. */
function teamsChannelOf(activity: Partial<Activity>): string | undefined {
  const data = activity.channelData as { teamsChannelId?: string; channel?: { id?: string } } | undefined;
  return data?.teamsChannelId ?? data?.channel?.id ?? activity.conversation?.id?.split(';')[0];
}

function staffOf(activity: Activity): StaffMember {
  return { id: activity.from.aadObjectId ?? activity.from.id, name: (activity.from.name?.trim() || 'Support').slice(0, 100) };
}

const answer = async (context: TurnContext, text: string): Promise<void> => {
  await context.sendActivity(text);
};

/** "Priya from our support team": the driver sees the first name. */
const firstName = (name: string) => name.split(/\s+/)[0];

/**
 * Adapter middleware for the Bot Framework endpoint, right after the metrics (before the Teams
 * tenant gate, the turn guard and the bot): what the support team does in an escalation's thread in
 * their Teams channel. Take over (the card's button) joins the driver's chat; the taker's messages
 * in the thread (the bot's mention removed) go to the driver; End chat, or "end", hands the driver
 * back to the bot. Each is delivered into the driver's conversation as a live event, and the card
 * follows. None of these reaches the conversation engine as a message of its own. The card's buttons
 * pressed anywhere but the configured tenant's channel are refused and logged; everything else goes
 * on to the bot as usual.
 */
export function staffActions(deps: StaffActionsDeps): Middleware {
  const { handoffs, texts, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /** Delivers into the driver's conversation; false (logged) when it did not get there. */
  async function toDriver(handoff: LiveHandoff, event: LiveEvent): Promise<boolean> {
    try {
      if (await deps.deliver(handoff.driver, event)) return true;
      logger.warn(
        { reference: handoff.reference, event: event.kind },
        "live handoff: the driver's conversation did not take the event (busy or unavailable)",
      );
    } catch (error) {
      logger.error(
        { err: error, reference: handoff.reference, event: event.kind },
        "live handoff: the event could not be delivered to the driver's conversation",
      );
    }
    return false;
  }

  /** The card shows where the handoff stands; a card that cannot be updated only costs the view. */
  async function refreshCard(handoff: LiveHandoff): Promise<void> {
    try {
      await deps.channel.updateCard(handoff.thread, escalationCard(handoff, texts));
    } catch (error) {
      logger.error({ err: error, reference: handoff.reference }, 'live handoff: the card could not be updated');
    }
  }

  async function takeOver(context: TurnContext, handoff: LiveHandoff, staff: StaffMember): Promise<void> {
    const claimed = await handoffs.change(handoff.reference, (current) =>
      current.takenBy || current.endedBy ? undefined : { ...current, takenBy: { ...staff, at: now().toISOString() } },
    );
    if (!claimed) return answer(context, texts.notOpen);
    const { takenBy, endedBy } = claimed.handoff;
    if (!claimed.changed) {
      return answer(
        context,
        endedBy
          ? texts.alreadyEnded
          : takenBy?.id === staff.id
            ? texts.alreadyYours
            : fillTemplate(texts.alreadyTaken, { name: takenBy?.name ?? '' }),
      );
    }
    const joined = await toDriver(claimed.handoff, {
      kind: 'liveJoined',
      staffName: firstName(staff.name),
      reference: handoff.reference,
      ticketId: handoff.ticket.id,
    });
    if (!joined) {
      // Nobody has it after all: the next press (theirs or a colleague's) tries again.
      await handoffs.change(handoff.reference, (current) =>
        current.takenBy?.id === staff.id && !current.endedBy ? { ...current, takenBy: undefined } : undefined,
      );
      return answer(context, texts.unreachable);
    }
    logger.info({ reference: handoff.reference, staff: hashId(staff.id) }, 'live handoff taken over');
    await refreshCard(claimed.handoff);
    await context.sendActivity(texts.joined);
  }

  async function end(context: TurnContext, handoff: LiveHandoff, staff: StaffMember): Promise<void> {
    const ended = await handoffs.change(handoff.reference, (current) =>
      current.endedBy ? undefined : { ...current, endedBy: { ...staff, at: now().toISOString() } },
    );
    if (!ended) return answer(context, texts.notOpen);
    if (!ended.changed) return answer(context, texts.alreadyEnded);
    const { takenBy } = ended.handoff;
    // Nobody had joined: the request is closed, and the driver, never told anyone joined, keeps the ticket.
    if (takenBy && !(await toDriver(ended.handoff, { kind: 'liveEnded', staffName: firstName(takenBy.name) }))) {
      await handoffs.change(handoff.reference, (current) =>
        current.endedBy?.id === staff.id ? { ...current, endedBy: undefined } : undefined,
      );
      return answer(context, texts.unreachable);
    }
    logger.info({ reference: handoff.reference, staff: hashId(staff.id), joined: Boolean(takenBy) }, 'live handoff ended');
    await refreshCard(ended.handoff);
  }

  async function write(context: TurnContext, handoff: LiveHandoff, staff: StaffMember, text: string): Promise<void> {
    const { takenBy, endedBy } = handoff;
    if (endedBy) return answer(context, texts.alreadyEnded);
    if (!takenBy) return answer(context, texts.notTaken);
    if (takenBy.id !== staff.id) return answer(context, fillTemplate(texts.notYours, { name: takenBy.name }));
    if (text.length > maxMessageChars) return answer(context, fillTemplate(texts.tooLong, { max: maxMessageChars }));
    if (!(await toDriver(handoff, { kind: 'liveMessage', staffName: firstName(takenBy.name), text })))
      await answer(context, texts.unreachable);
  }

  async function act(context: TurnContext, action: LiveHandoffAction | undefined): Promise<void> {
    const { activity } = context;
    // Read again under the thread's lock: an action before this one may have changed it.
    const handoff = await handoffs.ofThread(activity.conversation.id);
    if (!handoff || (action && action.reference !== handoff.reference)) return answer(context, texts.notOpen);
    const staff = staffOf(activity);
    if (action) return action.liveHandoff === 'accept' ? takeOver(context, handoff, staff) : end(context, handoff, staff);
    const text = activity.type === 'message' && typeof activity.text === 'string' ? withoutBotMention(activity) : '';
    if (!text) return;
    return endWords.test(text) ? end(context, handoff, staff) : write(context, handoff, staff, text);
  }

  return {
    async onTurn(context, next) {
      const { activity } = context;
      if (activity.channelId !== Channels.Msteams) return next();
      const action = liveHandoffActionSchema.safeParse(activity.value);
      const inSupportChannel = tenantOf(activity) === deps.support.tenantId && teamsChannelOf(activity) === deps.support.channelId;
      if (!inSupportChannel) {
        if (!action.success) return next();
        logger.warn(
          {
            tenant: tenantOf(activity),
            conversation: hashId(activity.conversation?.id),
            staff: hashId(activity.from?.aadObjectId ?? activity.from?.id),
          },
          "live handoff action refused: not from the support team's channel",
        );
        return answer(context, texts.refused);
      }
      // The support channel's other conversations are the bot's, as anywhere in Teams.
      if (!action.success && !(await handoffs.ofThread(activity.conversation.id))) return next();
      await deps.turnGuard.onTurn(context, () => act(context, action.success ? action.data : undefined));
    },
  };
}
