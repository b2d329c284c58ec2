import { DeliveryModes, type Middleware, type TurnContext } from 'botbuilder';
import { hashId, type Logger } from '../logger';
import type { ConversationLock, HeldLock } from './conversationLock';
import type { RedeliveryLedger } from './redeliveryLedger';
import { conversationKey } from './redisKeys';
import { ETagConflictError } from './stateErrors';

/** What the guard says when a turn cannot run: the content's texts (knowledge/messages.yaml), passed in. */
export interface GuardMessages {
  turnBusy: string;
  stateUnavailable: string;
}

/** The turn's conversation state as the guard reads it with the lock and writes it with the release. */
export interface GuardedState {
  /** Reads the turn's state (`force`: again, though this turn has read it). */
  load(context: TurnContext, force: boolean): Promise<unknown>;
  /** From now on the turn's saves wait for `saveHeld`. */
  holdSaves(context: TurnContext): void;
  /**
   * Writes what the turn changed, if it held its saves; calls `alongside` as soon as the write has
   * gone out, so that what it sends runs after the write.
   */
  saveHeld(context: TurnContext, alongside: () => Promise<unknown>): Promise<void>;
}

/**
 * Where the endpoint leaves a turn's admission: its count against the conversation's turn limit,
 * sent just before the turn started and decided with the lock's first attempt.
 */
export const turnAdmissionKey = Symbol('turnAdmission');

export interface TurnAdmission {
  readonly allowed: boolean;
}

export interface TurnGuardDependencies {
  readonly lock: ConversationLock;
  readonly ledger: RedeliveryLedger;
  readonly state: GuardedState;
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
 * busy, so the guard sends what it can together (docs/benchmarks.md); ioredis sends the commands
 * of one event-loop tick in one write, and Redis runs them in order. Two round trips a turn: the
 * lock's first attempt with the redelivery check, the state read and the turn's admission (its
 * count against the conversation's turn limit, sent by the endpoint just before); then the state
 * save, the mark and the release. The turn's saves are held until its end for that; with
 * `expectReplies` the replies leave in the HTTP response after the turn, so their mark waits too.
 * A turn its admission refuses runs nothing and is not marked: the channel's retry runs in full.
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
    const { state } = this.deps;
    /** Whether the activity was processed before; reads the turn's state alongside. */
    const checkAndReadState = async (force: boolean) => {
      const [processed] = await Promise.all([
        activityId ? this.deps.ledger.wasProcessed(key, activityId) : false,
        state.load(context, force),
      ]);
      return processed;
    };
    const releaseOrWarn = (held: HeldLock) =>
      held.release().catch((error) => log().warn({ err: error }, 'lock not released; it expires by itself'));

    // Sent behind the lock's first attempt on the same connection, so Redis runs them after it.
    const acquiring = this.deps.lock.acquire(key);
    const checking = checkAndReadState(false);
    const admission = context.turnState.get<Promise<TurnAdmission> | undefined>(turnAdmissionKey);
    if (admission && !(await admission).allowed) {
      // The endpoint answers the refusal; the lock, when had, is given back without being waited for.
      acquiring.then((held) => held && releaseOrWarn(held)).catch(() => undefined);
      checking.catch(() => undefined);
      return;
    }
    const [lock, checkedWithLock] = await Promise.allSettled([acquiring, checking]);
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
    let saveAtEnd = false;
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
      state.holdSaves(context);
      saveAtEnd = true;
      await next();
      completed = true;
    } catch (error) {
      // After an outage or a refused save there is nothing to write; a recovered turn saves what it set right.
      if (await this.answeredAsStateFailure(context, log(), error, held.lost)) saveAtEnd = false;
      else await this.deps.recoverTurn(context, error as Error);
    } finally {
      turnOpen = false;
      if (held.lost) log().warn('conversation lock expired while the turn ran: a later turn may have run meanwhile; the saves are fenced');
      const markAndRelease = () => Promise.all([completed || repliesWaiting ? markOrWarn() : undefined, releaseOrWarn(held)]);
      // One round trip, in this order: the save and the mark are made under the lock.
      const [saved] = await Promise.allSettled([saveAtEnd ? state.saveHeld(context, markAndRelease) : markAndRelease()]);
      if (saved.status === 'rejected' && !(await this.answeredAsStateFailure(context, log(), saved.reason, held.lost))) {
        // After a recovery the apology has gone out already.
        if (completed) await this.deps.recoverTurn(context, saved.reason as Error);
        else log().error({ err: saved.reason }, 'state of a recovered turn not saved');
      }
    }
  }

  /** An outage of state or a save refused as late is answered here (true); any other error is not (false). */
  private async answeredAsStateFailure(context: TurnContext, log: Logger, error: unknown, lockLost: boolean): Promise<boolean> {
    if (this.deps.isStateUnavailable(error)) await this.answerOutage(context, log, error);
    else if (error instanceof ETagConflictError) await this.answerLateSave(context, log, error, lockLost);
    else return false;
    return true;
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
