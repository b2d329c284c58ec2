import { type Activity, TurnContext } from 'botbuilder';
import { type LiveAgentHub, liveEventSchema } from '../channels/liveAgents/liveEvents';
import { raisedByOf } from '../channels/teams/fieldStaff';
import type { ConversationEngine, TurnInput, TurnResult } from '../conversation/engine';
import type { StoredConversation } from '../conversation/conversationState';
import type { Effect } from '../conversation/turn';
import { contactAnswersValueSchema } from '../handoff/contactInterview';
import type { InsightsRecorder } from '../insights/recorder';
import { insightEventsOf } from '../insights/turnEvents';
import { hashId, type Logger } from '../logger';
import { intentLabels } from '../nlu/types';
import { photosIn } from '../photos/photoReference';
import type { Metrics } from '../observability/metrics';
import type { SnapshotConversationState } from '../state/snapshotConversationState';
import type { Ticket } from '../tickets/ticket';
import { handoffInitiation } from './handoffInitiation';
import { legacyConversation, legacyProperties } from './legacyState';
import { renderReplies } from './replyRendering';

/** The one state property the bot keeps: the engine's `StoredConversation`. */
export const conversationProperty = 'conversation';

export interface ConversationHostDeps {
  engine: ConversationEngine;
  conversationState: SnapshotConversationState;
  metrics: Metrics;
  logger: Logger;
  liveAgents?: LiveAgentHub;
  /** What each turn tells the support team (GET /api/insights). */
  insights?: InsightsRecorder;
  /** A created ticket's photos are kept as long as the ticket. */
  keepTicketPhotos?: (ticket: Ticket) => Promise<void>;
}

type StateObject = Record<string, unknown>;

const knownIntents = new Set<string>(intentLabels);

/**
 * Runs the engine for one activity: loads the conversation (moving one stored by the previous
 * release into the new shape), turns the activity into the engine's input, sends the replies as the
 * channel shows them, carries out the effects, saves, and logs one line for the turn.
 */
export class ConversationHost {
  constructor(private readonly deps: ConversationHostDeps) {}

  async handle(context: TurnContext, kind: 'start' | 'message' | 'live'): Promise<void> {
    const started = process.hrtime.bigint();
    const { engine, conversationState, logger } = this.deps;
    const input = inputOf(context.activity, kind);
    if (!input) {
      logger.warn({ conversation: hashId(context.activity.conversation?.id) }, 'live handoff event not as expected: ignored');
      return;
    }
    const raw = (await conversationState.load(context)) as StateObject;
    const stored = raw[conversationProperty] ?? legacyConversation(raw);
    const { conversation, problems } = engine.restore(stored);
    if (problems.length > 0)
      logger.warn({ conversation: hashId(context.activity.conversation?.id), problems }, 'stored conversation not as expected: set right');

    const result = await engine.turn(conversation, input);
    this.recordInsights(context, conversation, result, input);
    raw[conversationProperty] = result.conversation;
    for (const property of legacyProperties) delete raw[property];

    if (result.replies.length > 0) await context.sendActivities(renderReplies(result.replies, context.activity.channelId));
    await this.carryOut(context, result.effects);
    await conversationState.saveChanges(context, false);
    this.logTurn(context, result, started);
  }

  private recordInsights(context: TurnContext, before: StoredConversation, result: TurnResult, input: TurnInput): void {
    const { insights } = this.deps;
    if (!insights) return;
    const conversationId = context.activity.conversation?.id ?? 'unknown';
    const events = insightEventsOf(before, result, input.kind === 'message' ? input.text : undefined);
    if (events.length > 0) insights.recordTurn(conversationId, events);
  }

  private async carryOut(context: TurnContext, effects: Effect[]): Promise<void> {
    const { metrics, logger } = this.deps;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'procedureStarted':
          metrics.proceduresStarted.inc({ procedure: effect.procedure });
          break;
        case 'procedureResolved':
          metrics.proceduresResolved.inc({ procedure: effect.procedure, step: effect.step });
          break;
        case 'procedureHandedOff':
          metrics.proceduresHandedOff.inc({ procedure: effect.procedure, reason: effect.reason });
          break;
        case 'ticketCreated':
          await this.keepTicketPhotos(effect.ticket);
          // Channels without a live-agent hub may refuse the event: the ticket is what counts, so only log.
          try {
            await context.sendActivity(handoffInitiation(context, effect.ticket));
          } catch (error) {
            logger.warn(
              { err: error, ticketId: effect.ticket.id, channel: context.activity.channelId },
              'handoff.initiate event not accepted by the channel',
            );
          }
          break;
        case 'rated':
          break;
        case 'liveHandoffRequested':
          await this.toLiveAgents('offer', () =>
            this.deps.liveAgents?.offer(effect.ticket, TurnContext.getConversationReference(context.activity)),
          );
          break;
        case 'relayToStaff':
          await this.toLiveAgents('relay', () => this.deps.liveAgents?.relay(effect.reference, effect.text, effect.hazard));
          break;
        case 'liveEnded':
          await this.toLiveAgents('end', () => this.deps.liveAgents?.ended(effect.reference, effect.ticketId, effect.transcript));
          break;
      }
    }
  }

  /** A photo kept only for its conversation's life would expire before an installer looks: logged, never failing the turn. */
  private async keepTicketPhotos(ticket: Ticket): Promise<void> {
    if (!ticket.photos?.length || !this.deps.keepTicketPhotos) return;
    try {
      await this.deps.keepTicketPhotos(ticket);
    } catch (error) {
      this.deps.logger.error({ err: error, ticketId: ticket.id }, "ticket photos not kept for the ticket's life");
    }
  }

  /** The staff side failing must not fail the driver's turn: the ticket stands whatever happens there. */
  private async toLiveAgents(what: string, call: () => Promise<void> | undefined): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.deps.logger.error({ err: error, what }, 'live handoff: the staff side could not be reached');
    }
  }

  private logTurn(context: TurnContext, result: TurnResult, started: bigint): void {
    const { intent, confidence, step } = result.summary;
    const { metrics, logger } = this.deps;
    if (intent === 'none') metrics.fallbacks.inc();
    else if (intent) metrics.intents.inc({ intent: knownIntents.has(intent) ? intent : 'other' });
    logger.info(
      {
        conversation: hashId(context.activity.conversation?.id),
        channel: context.activity.channelId,
        activityType: context.activity.type,
        intent,
        confidence,
        step,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      },
      'turn',
    );
  }
}

/** The engine's view of an activity: its words, a form's answers, who writes and on which channel. */
function inputOf(activity: Partial<Activity>, kind: 'start' | 'message' | 'live'): TurnInput | undefined {
  const where = {
    conversationId: activity.conversation?.id ?? '',
    channelId: activity.channelId ?? '',
    locale: activity.locale,
  };
  if (kind === 'live') {
    const event = liveEventSchema.safeParse(activity.value);
    if (!event.success) return undefined;
    const { data } = event;
    const liveTicket = data.kind === 'liveJoined' ? { reference: data.reference, ticketId: data.ticketId } : undefined;
    return { ...where, kind: data.kind, text: data.kind === 'liveMessage' ? data.text : '', staffName: data.staffName, liveTicket };
  }
  // Most activities carry no value: a failed parse would build its issues for nothing.
  const answers = activity.value === undefined ? undefined : contactAnswersValueSchema.safeParse(activity.value);
  const photos = photosIn(activity.channelData);
  return {
    ...where,
    kind,
    ...(photos.length > 0 ? { photos } : {}),
    text: typeof activity.text === 'string' ? activity.text : '',
    contactAnswers: answers?.success ? answers.data.contactAnswers : undefined,
    staff: raisedByOf(activity),
  };
}
