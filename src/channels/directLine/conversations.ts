import { randomUUID } from 'node:crypto';
import { type Activity, type ChannelAccount, type ConversationReference, DeliveryModes, type TurnContext } from 'botbuilder';
import type { InProcessAdapter } from '../inProcessAdapter';
import type { PostedActivity } from './activitySchema';
import type { ActivityPage, ConversationLog } from './conversationLog';
import { directLineChannels, type TokenGrant } from './tokens';
import type { LogPosition } from './watermark';

/** The service URL of every activity of these conversations: what tells their conversation references apart. */
const inProcessServiceUrl = 'directline://in-process';

/** A user in a conversation of this Direct Line, as a conversation reference names them. */
export type DirectLineParty = TokenGrant & { userName?: string };

export interface DirectLineConversationsDeps {
  /** Configured by the composition root with the same middleware and turn error handler as the other adapters. */
  adapter: InProcessAdapter;
  logic: (context: TurnContext) => Promise<void>;
  log: ConversationLog;
  bot: ChannelAccount;
}

/**
 * Direct Line conversations run in this process: a posted activity goes into the conversation's
 * log, the bot's turn runs through the in-process adapter, and every reply is appended to the
 * same log, where the client's stream or next poll finds it. Typing is shown, never kept: the
 * bot's goes to the open streams only, and the user's is acknowledged and goes nowhere (the bot
 * has no use for it, and it would take the conversation's turn and rate limit from messages).
 */
export class DirectLineConversations {
  private readonly bot: ChannelAccount;

  constructor(private readonly deps: DirectLineConversationsDeps) {
    this.bot = { ...deps.bot, role: 'bot' };
  }

  /** Starts the conversation the first time only: the bot then sees the user join and greets. */
  async start(grant: TokenGrant): Promise<void> {
    if (!(await this.deps.log.start(grant.conversationId))) return;
    await this.runTurn(grant, { type: 'conversationUpdate', membersAdded: [this.user(grant)] });
  }

  /** Logs what the user posted, runs the bot's turn on it and returns the activity's id. */
  async post(grant: TokenGrant, posted: PostedActivity): Promise<string> {
    const activity: Partial<Activity> = {
      ...(posted as Partial<Activity>),
      id: randomUUID(),
      timestamp: new Date(),
      from: this.user(grant, posted.from?.name),
    };
    if (activity.type === 'typing') return activity.id as string;
    await this.deps.log.append(grant.conversationId, this.addressed(grant, activity));
    await this.runTurn(grant, activity);
    return activity.id as string;
  }

  read(grant: TokenGrant, from: LogPosition): Promise<ActivityPage> {
    return this.deps.log.read(grant.conversationId, from);
  }

  /** The conversation of this Direct Line that `reference` is of (its replies go to the log, on any instance sharing it), if it is one. */
  conversationOf(reference: Partial<ConversationReference>): DirectLineParty | undefined {
    const { serviceUrl, conversation, user } = reference;
    const channelId = directLineChannels.find((channel) => channel === reference.channelId);
    if (serviceUrl !== inProcessServiceUrl || !conversation?.id || !user?.id || !channelId) return undefined;
    return { conversationId: conversation.id, userId: user.id, channelId, userName: user.name };
  }

  /**
   * Runs a turn on an activity from inside the service (a live handoff's event) in one of these
   * conversations (`conversationOf`): the bot's replies go to its log like any others.
   */
  async runInConversation(
    conversation: DirectLineParty,
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    await this.runTurn(conversation, { ...activity, from: this.user(conversation, conversation.userName) }, logic);
  }

  private async runTurn(grant: TokenGrant, activity: Partial<Activity>, logic = this.deps.logic): Promise<void> {
    await this.deps.adapter.processActivity(this.addressed(grant, activity), logic, async (reply) => {
      const stamped = { ...reply, timestamp: new Date() };
      await (reply.type === 'typing'
        ? this.deps.log.broadcast(grant.conversationId, stamped)
        : this.deps.log.append(grant.conversationId, stamped));
    });
  }

  /**
   * The fields a channel sets on every activity, from the token rather than from the client. Replies
   * always go to the log: a client's `expectReplies` would have kept them in the turn, and lost.
   */
  private addressed(grant: TokenGrant, activity: Partial<Activity>): Partial<Activity> {
    return {
      ...activity,
      deliveryMode: DeliveryModes.Normal,
      channelId: grant.channelId,
      serviceUrl: inProcessServiceUrl,
      conversation: { id: grant.conversationId } as Activity['conversation'],
      recipient: this.bot,
    };
  }

  private user(grant: TokenGrant, name = ''): ChannelAccount {
    return { id: grant.userId, name, role: 'user' };
  }
}
