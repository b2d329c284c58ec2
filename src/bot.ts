import { type BotState, type StatePropertyAccessor, TeamsActivityHandler, type TurnContext } from 'botbuilder';
import { type Dialog, DialogSet, type DialogState, type DialogStateManagerConfiguration, DialogTurnStatus } from 'botbuilder-dialogs';
import type { Messages } from './content/messages';
import { hashId, type Logger } from './logger';
import { turnSummary } from './turnSummary';

/**
 * Where botbuilder-dialogs looks for the memory scopes of a turn's dialog contexts before building
 * them (memory/dialogStateManager.js); DialogManager keeps one configuration for all turns likewise.
 */
const dialogStateConfigurationKey = 'DialogStateManagerConfiguration';

export interface SupportBotDeps {
  conversationState: BotState;
  dialogState: StatePropertyAccessor<DialogState>;
  rootDialog: Dialog;
  messages: Messages;
  logger: Logger;
}

/**
 * Routes activities: greets once per conversation, hands every message to the root dialog, saves
 * state once at the end of the turn and logs one line for it. The conversation logic is in dialogs.
 * A TeamsActivityHandler, so Teams' own events are dispatched too; Teams rendering and input are
 * channel middleware (src/channels/teams), not here.
 */
export class SupportBot extends TeamsActivityHandler {
  private readonly welcomed: StatePropertyAccessor<boolean>;
  private readonly dialogs: DialogSet;
  /** The first turn's: the scopes hold no state of a turn, and building them was most of a dialog context's cost. */
  private dialogStateConfiguration?: DialogStateManagerConfiguration;

  constructor(private readonly deps: SupportBotDeps) {
    super();
    this.welcomed = deps.conversationState.createProperty<boolean>('welcomed');
    // A DialogSet rather than `runDialog`, which also sends a debug trace of the whole state.
    this.dialogs = new DialogSet(deps.dialogState).add(deps.rootDialog);

    this.onMembersAdded(async (context, next) => {
      const someoneElseJoined = (context.activity.membersAdded ?? []).some(
        (member) => member.id !== context.activity.recipient?.id,
      );
      if (someoneElseJoined) await this.welcomeOnce(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.welcomeOnce(context);
      if (this.dialogStateConfiguration) context.turnState.set(dialogStateConfigurationKey, this.dialogStateConfiguration);
      const dialogContext = await this.dialogs.createContext(context);
      this.dialogStateConfiguration ??= dialogContext.state.configuration;
      const result = await dialogContext.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dialogContext.beginDialog(deps.rootDialog.id);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const started = process.hrtime.bigint();
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
    const summary = turnSummary(context);
    this.deps.logger.info(
      {
        conversation: hashId(context.activity.conversation?.id),
        channel: context.activity.channelId,
        activityType: context.activity.type,
        intent: summary.intent,
        confidence: summary.confidence,
        step: summary.step,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      },
      'turn',
    );
  }

  private async welcomeOnce(context: TurnContext): Promise<void> {
    if (await this.welcomed.get(context, false)) return;
    await this.welcomed.set(context, true);
    await context.sendActivity(this.deps.messages.welcome);
  }
}
