import { DeliveryModes, type Middleware, type TurnContext } from 'botbuilder';
import { hashId, type Logger } from '../logger';
import type { ConversationLock } from './conversationLock';
import type { RedeliveryLedger } from './redeliveryLedger';
import { conversationKey } from './redisKeys';
import { ETagConflictError } from './stateErrors';

/** What the guard says when a turn cannot run: the content's texts (knowledge/messages.yaml), passed in. */
export interface GuardMessages {
  turnBusy: string;
  stateUnavailable: string;
}

export interface TurnGuardDependencies {
  readonly lock: ConversationLock;
  readonly ledger: RedeliveryLedger;
  /** Reads the turn's conversation state (`force`: again, though this turn has read it). */
  readonly loadState: (context: TurnContext, force: boolean) => Promise<unknown>;
  /** `turnBusy`: the lock could not be had within its wait; `stateUnavailable`: state is unreachable. */
  readonly messages: GuardMessages;
  readonly logger: Logger;
  /** Whether an error means the state store is unreachable (an outage) rather than a bug. */
  readonly isStateUnavailable: (error: unknown) => boolean;
  /**
   * A turn that threw for another reason (the turn error handler). Run here, under the lock: after
   * it, a later turn of the conversation could already have saved what its state save overwrites.
   */
  readonly recoverTurn: (context: TurnContext, error: Error) => Promise<void>;
}

/**
 * Adapter middleware, ahead of all that reads or writes state: one turn at a time per conversation,
 * across instances, and a channel's redelivery of an already processed activity is dropped without
 * a reply.
 *
 * When is an activity "processed"? Marked just before its first reply goes out, or when its turn
 * ends without error, whichever comes first. So a turn that failed before doing anything visible
 * (say, state could not be read) is not marked and the channel's retry runs it in full, while a
 * turn that already answered is never answered twice. Marking happens under the lock, so two
 * deliveries of one activity cannot both pass the check.
 *
 * Round trips: each one a turn waits for is a wait in the event loop's queue when the service is
 * busy, so the guard sends what it can together (docs/benchmarks.md). The redelivery check and the
 * state read go right behind the lock's first attempt, the mark and the release together at the
 * end; with `expectReplies` the replies leave in the HTTP response after the turn, so their mark
 * waits for the end too.
 *
 * A state outage never escapes: the user gets the `stateUnavailable` message (safe general steps
 * and how to reach a person) and the turn is logged. A save refused because a later turn saved
 * first (this turn outlived its lock: the lock renews itself, so only a stalled process or Redis
 * unreachable for a whole TTL gets there) is logged and the user asked to send the message again
 * (`turnBusy`); the later turn's state stands. Other errors go to `recoverTurn`, still under the
 * lock, so its replies are marked like any others.
 */
export class ConversationTurnGuard implements Middleware {
  constructor(private readonly deps: TurnGuardDependencies) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { channelId, conversation, id: activityId, type, deliveryMode } = context.activity;
    if (!conversation?.id) return next();
    const key = conversationKey(channelId, conversation.id);
    // Most turns log nothing here; a child logger (its redaction set-up, the hashed id) is made when one does.
    let child: Logger | undefined;
    // Hashed like every other log line's conversation: the id alone.
    const log = () => (child ??= this.deps.logger.child({ conversation: hashId(conversation.id), activityId, activityType: type }));
    /** Whether the activity was processed before; reads the turn's state alongside. */
    const checkAndReadState = async (force: boolean) => {
      const [processed] = await Promise.all([
        activityId ? this.deps.ledger.wasProcessed(key, activityId) : false,
        this.deps.loadState(context, force),
      ]);
      return processed;
    };

    // Sent behind the lock's first attempt on the same connection, so Redis runs them after it.
    const [lock, checkedWithLock] = await Promise.allSettled([this.deps.lock.acquire(key), checkAndReadState(false)]);
    if (lock.status === 'rejected') return this.answerOutage(context, log(), lock.reason);
    const held = lock.value;
    if (!held) {
      log().warn('conversation busy: lock not had within the wait');
      if (type === 'message') await context.sendActivity(this.deps.messages.turnBusy);
      return;
    }

    let turnOpen = true;
    let repliesWaiting = false;
    let completed = false;
    let marked = false;
    const markProcessed = async () => {
      if (marked || !activityId) return;
      marked = true;
      await this.deps.ledger.markProcessed(key, activityId);
    };
    const markOrWarn = () => markProcessed().catch((error) => log().warn({ err: error }, 'could not mark activity processed'));
    try {
      // After a wait the check and the read ran before the lock was ours: both again, under it.
      const processed = !held.waited && checkedWithLock.status === 'fulfilled' ? checkedWithLock.value : await checkAndReadState(true);
      if (processed) {
        log().info('redelivered activity dropped');
        return;
      }
      context.onSendActivities(async (_context, _activities, send) => {
        // A reply matters more than the mark: if Redis is failing, answer anyway.
        if (deliveryMode === DeliveryModes.ExpectReplies && turnOpen) repliesWaiting = true;
        else await markOrWarn();
        return send();
      });
      await next();
      completed = true;
    } catch (error) {
      if (this.deps.isStateUnavailable(error)) await this.answerOutage(context, log(), error);
      else if (error instanceof ETagConflictError) await this.answerLateSave(context, log(), error, held.lost);
      else await this.deps.recoverTurn(context, error as Error);
    } finally {
      turnOpen = false;
      if (held.lost) log().warn('conversation lock expired while the turn ran: a later turn may have run meanwhile; the saves are fenced');
      // One round trip: the mark goes out first, so it is still made under the lock.
      await Promise.all([
        completed || repliesWaiting ? markOrWarn() : undefined,
        held.release().catch((error) => log().warn({ err: error }, 'lock not released; it expires by itself')),
      ]);
    }
  }

  private async answerLateSave(context: TurnContext, log: Logger, error: ETagConflictError, lockLost: boolean): Promise<void> {
    log.error({ err: error, lockLost }, 'turn state save refused: a later turn of the conversation saved first; its state stands');
    if (context.activity.type !== 'message') return;
    try {
      await context.sendActivity(this.deps.messages.turnBusy);
    } catch (sendError) {
      log.error({ err: sendError }, 'request to send the message again could not be sent');
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
