import type { Middleware, TurnContext } from 'botbuilder';
import type { Messages } from '../content/messages';
import { hashId, type Logger } from '../logger';
import type { ConversationLock } from './conversationLock';
import type { RedeliveryLedger } from './redeliveryLedger';
import { conversationKey } from './redisKeys';

export interface TurnGuardDependencies {
  readonly lock: ConversationLock;
  readonly ledger: RedeliveryLedger;
  /** `turnBusy`: the lock could not be had within its wait; `stateUnavailable`: state is unreachable. */
  readonly messages: Pick<Messages, 'turnBusy' | 'stateUnavailable'>;
  readonly logger: Logger;
  /** Whether an error means the state store is unreachable (an outage) rather than a bug. */
  readonly isStateUnavailable: (error: unknown) => boolean;
}

/**
 * Adapter middleware, first in the pipeline: one turn at a time per conversation, across instances,
 * and a channel's redelivery of an already processed activity is dropped without a reply.
 *
 * When is an activity "processed"? Marked just before its first reply goes out, or when its turn
 * ends without error, whichever comes first. So a turn that failed before doing anything visible
 * (say, state could not be read) is not marked and the channel's retry runs it in full, while a
 * turn that already answered is never answered twice. Marking happens under the lock, so two
 * deliveries of one activity cannot both pass the check.
 *
 * A state outage never escapes: the user gets the `stateUnavailable` message (safe general steps
 * and how to reach a person) and the turn is
 * logged. Other errors go on to the adapter's onTurnError.
 */
export class ConversationTurnGuard implements Middleware {
  constructor(private readonly deps: TurnGuardDependencies) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { channelId, conversation, id: activityId, type } = context.activity;
    if (!conversation?.id) return next();
    const key = conversationKey(channelId, conversation.id);
    // Most turns log nothing here; a child logger (its redaction set-up, the hashed id) is made when one does.
    let child: Logger | undefined;
    const log = () => (child ??= this.deps.logger.child({ conversation: hashId(key), activityId, activityType: type }));

    let held;
    try {
      held = await this.deps.lock.acquire(key);
    } catch (error) {
      return this.answerOutage(context, log(), error);
    }
    if (!held) {
      log().warn('conversation busy: lock not had within the wait');
      if (type === 'message') await context.sendActivity(this.deps.messages.turnBusy);
      return;
    }

    try {
      if (activityId && (await this.deps.ledger.wasProcessed(key, activityId))) {
        log().info('redelivered activity dropped');
        return;
      }
      let marked = false;
      const markProcessed = async () => {
        if (marked || !activityId) return;
        marked = true;
        await this.deps.ledger.markProcessed(key, activityId);
      };
      context.onSendActivities(async (_context, _activities, send) => {
        // A reply matters more than the mark: if Redis is failing, answer anyway.
        await markProcessed().catch((error) => log().warn({ err: error }, 'could not mark activity processed'));
        return send();
      });
      await next();
      await markProcessed();
    } catch (error) {
      if (!this.deps.isStateUnavailable(error)) throw error;
      await this.answerOutage(context, log(), error);
    } finally {
      await held.release().catch((error) => log().warn({ err: error }, 'lock not released; it expires by itself'));
    }
  }

  private async answerOutage(context: TurnContext, log: Logger, error: unknown): Promise<void> {
    log.error({ err: error }, 'conversation state unavailable: turn answered with the outage message');
    try {
      await context.sendActivity(this.deps.messages.stateUnavailable);
    } catch (sendError) {
      log.error({ err: sendError }, 'outage message could not be sent');
    }
  }
}
