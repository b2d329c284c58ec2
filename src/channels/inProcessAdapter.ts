import { randomUUID } from 'node:crypto';
import { type Activity, BotAdapter, type ResourceResponse, TurnContext } from 'botbuilder';

export type ReplySink = (activity: Partial<Activity>) => void | Promise<void>;

const sinkKey = Symbol('replySink');

/**
 * Runs the bot in this process, with no HTTP and no Bot Framework service: the terminal chat and
 * the self-hosted Direct Line both talk to the bot through it. Replies go to a sink per turn.
 */
export class InProcessAdapter extends BotAdapter {
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>, sink: ReplySink): Promise<void> {
    const context = new TurnContext(this, { id: randomUUID(), timestamp: new Date(), ...activity } as Activity);
    context.turnState.set(sinkKey, sink);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const sink = context.turnState.get(sinkKey) as ReplySink;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const id = activity.id ?? randomUUID();
      // Like the real channels, only what a user would see leaves the bot (no traces or delays).
      if (activity.type !== 'delay' && activity.type !== 'trace') await sink({ ...activity, id });
      responses.push({ id });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error('Updating a sent activity is not supported in-process');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('Deleting a sent activity is not supported in-process');
  }

  async continueConversation(): Promise<void> {
    throw new Error('Proactive messages are not supported in-process');
  }
}
