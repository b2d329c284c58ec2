import { MessageFactory } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  ComponentDialog,
  Dialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  ListStyle,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Content } from '../content/loadContent';
import type { HandoffRequest } from '../handoff/handoffRequest';
import type { Logger } from '../logger';
import type { Recognizer } from '../nlu/types';
import type { ProcedureMetrics } from '../observability/metrics';
import { turnSummary } from '../turnSummary';
import type { ConversationRecords } from './conversationRecord';
import { type Ending, Guide, type GuidePrompt, type GuideState, type GuideTurn } from './guide';
import { handoffDialogId, handoffPassedOn } from './handoffDialog';
import { KnowledgeSearch } from './knowledgeSearch';

export interface MainDialogDeps {
  recognizer: Recognizer;
  content: Content;
  records: ConversationRecords;
  /** Begun with a HandoffRequest; its id must be `handoffDialogId`. */
  handoffDialog: Dialog<HandoffRequest>;
  logger: Logger;
  metrics: ProcedureMetrics;
}

interface GuideStepOptions {
  state: GuideState;
  prompt: GuidePrompt;
}

const guideStepId = 'guideStep';
const ratingDialogId = 'rating';
const ratingPromptId = 'ratingChoice';
const ratings = ['1', '2', '3', '4', '5'];

/**
 * The root dialog: carries the guide's state from turn to turn in DialogState, asks each step with
 * suggested actions, and on the way out starts the rating or the handoff. What to say and what comes
 * next is decided by `Guide`, in plain TypeScript. It never ends: after a procedure it waits for the
 * next message, which starts a new one.
 */
export class MainDialog extends ComponentDialog {
  private readonly guide: Guide;

  constructor(private readonly deps: MainDialogDeps) {
    super('main');
    if (deps.handoffDialog.id !== handoffDialogId) throw new Error(`The handoff dialog must have the id "${handoffDialogId}"`);
    this.guide = new Guide({ recognizer: deps.recognizer, content: deps.content, search: new KnowledgeSearch(deps.content.knowledge) });
    const { messages } = deps.content;

    this.addDialog(new GuideStepDialog((dc, state, text) => this.play(dc, this.guide.continue(state, text), false)));

    // A rating that is not 1-5 is asked once more, then let go: the driver's cable is free already.
    this.addDialog(new ChoicePrompt(ratingPromptId, async (prompt) => prompt.recognized.succeeded || prompt.attemptCount >= 2));
    this.addDialog(
      new WaterfallDialog(ratingDialogId, [
        async (step) =>
          step.prompt(ratingPromptId, {
            prompt: messages.ratingPrompt,
            retryPrompt: messages.ratingRetry,
            choices: ChoiceFactory.toChoices(ratings),
            style: ListStyle.suggestedAction,
          }),
        async (step: WaterfallStepContext) => {
          const choice = step.result as FoundChoice | undefined;
          if (choice) await this.deps.records.rateLastOutcome(step.context, Number(choice.value));
          await step.context.sendActivity(choice ? messages.ratingThanks : messages.ratingSkipped);
          return step.endDialog();
        },
      ]),
    );
    this.addDialog(deps.handoffDialog);
  }

  protected override onBeginDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return this.onTurn(inner);
  }

  protected override onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return this.onTurn(inner);
  }

  private async onTurn(inner: DialogContext): Promise<DialogTurnResult> {
    await this.deps.records.recordTurn(inner.context);
    const handled = inner.activeDialog ? await inner.continueDialog() : undefined;
    // The handoff lets go of a message it does not need once its ticket exists: it starts afresh here.
    if (!handled || handoffPassedOn(handled.result)) await this.play(inner, this.guide.start(inner.context.activity.text ?? ''), true);
    return Dialog.EndOfTurn;
  }

  /** Says the turn's messages, then asks the next step, or concludes. `starting`: no procedure was running. */
  private async play(dc: DialogContext, turn: GuideTurn, starting: boolean): Promise<DialogTurnResult> {
    if (starting) this.countStart(turn);
    const summary = turnSummary(dc.context);
    summary.intent = turn.recognition.intent;
    summary.confidence = turn.recognition.confidence;
    if (turn.kind === 'ask') summary.step = `${turn.state.procedure}.${turn.state.step}`;

    for (const text of turn.say) await dc.context.sendActivity(text);
    if (turn.kind === 'ask') return dc.replaceDialog(guideStepId, { state: turn.state, prompt: turn.prompt } satisfies GuideStepOptions);
    return this.conclude(dc, turn.ending);
  }

  /** A procedure begins when the first message leads to a step, or straight to an outcome (freed, handoff). */
  private countStart(turn: GuideTurn): void {
    const procedure =
      turn.kind === 'ask'
        ? turn.state.procedure
        : turn.ending.outcome === 'freed'
          ? turn.ending.scenario
          : turn.ending.outcome === 'handoff'
            ? turn.ending.request.scenario
            : undefined;
    if (procedure) this.deps.metrics.proceduresStarted.inc({ procedure });
  }

  private async conclude(dc: DialogContext, ending: Ending): Promise<DialogTurnResult> {
    const { records, logger, metrics } = this.deps;
    switch (ending.outcome) {
      case 'freed':
        await records.addOutcome(dc.context, { result: 'freed', scenario: ending.scenario, step: ending.step });
        metrics.proceduresResolved.inc({ procedure: ending.scenario, step: ending.step });
        logger.info({ scenario: ending.scenario, step: ending.step }, 'cable freed');
        return dc.replaceDialog(ratingDialogId);
      case 'handoff': {
        const { request } = ending;
        await records.addOutcome(dc.context, { result: 'handoff', scenario: request.scenario, reason: request.reason });
        metrics.proceduresHandedOff.inc({ procedure: request.scenario, reason: request.reason });
        logger.info({ scenario: request.scenario, reason: request.reason }, 'handing off');
        const { transcript } = await records.get(dc.context);
        return dc.replaceDialog(handoffDialogId, { ...request, transcript: [...transcript] } satisfies HandoffRequest);
      }
      case 'cancelled':
        await records.addOutcome(dc.context, { result: 'cancelled', scenario: ending.scenario });
        return dc.endDialog();
      case 'closed':
        await records.addOutcome(dc.context, { result: 'closed' });
        return dc.endDialog();
    }
  }
}

/**
 * One step of the guide waiting for its answer: asks when it begins, keeps the guide's state, and
 * hands the next message to `answered`. A WaterfallDialog with a TextPrompt did the same with two
 * more DialogContexts a turn, and botbuilder-dialogs builds each of those at a real cost (README,
 * Benchmark).
 */
class GuideStepDialog extends Dialog<GuideStepOptions> {
  constructor(private readonly answered: (dc: DialogContext, state: GuideState, text: string) => Promise<DialogTurnResult>) {
    super(guideStepId);
  }

  override async beginDialog(dc: DialogContext, options?: GuideStepOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error(`${guideStepId} must be begun with the guide's state and prompt`);
    (dc.activeDialog!.state as { guide: GuideState }).guide = options.state;
    await dc.context.sendActivity(MessageFactory.suggestedActions(options.prompt.buttons, options.prompt.text));
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    // As with a prompt, only a message answers: other activities leave the step waiting.
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const { guide } = dc.activeDialog!.state as { guide: GuideState };
    return this.answered(dc, guide, dc.context.activity.text ?? '');
  }
}
