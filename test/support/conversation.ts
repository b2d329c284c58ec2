import { randomUUID } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { InProcessAdapter } from '../../src/channels/inProcessAdapter';

export interface TurnRunner {
  run(context: TurnContext): Promise<void>;
}

/** A conversation with the bot in this process: each `say` returns what the bot answered. */
export function conversationWith(
  bot: TurnRunner,
  onTurnError: InProcessAdapter['onTurnError'],
  channelId = 'test',
  from?: Activity['from'],
) {
  const adapter = new InProcessAdapter();
  adapter.onTurnError = onTurnError;
  const user = from ?? { id: 'user-1', name: 'Driver' };
  const conversation = { id: `conversation-${randomUUID()}`, name: 'test', isGroup: false, conversationType: 'personal' };
  const activities: Partial<Activity>[] = [];

  async function send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    const replies: Partial<Activity>[] = [];
    await adapter.processActivity(
      { channelId, from: user, recipient: { id: 'bot', name: 'Bot' }, conversation, ...activity },
      (context) => bot.run(context),
      (reply) => {
        replies.push(reply);
        activities.push(reply);
      },
    );
    return replies.filter((reply) => reply.type === 'message');
  }

  return {
    conversationId: conversation.id,
    user,
    /** Everything the bot sent in this conversation, events included. */
    activities,
    send,
    say: async (text: string) => (await send({ type: 'message', text })).map((reply) => reply.text ?? ''),
  };
}
