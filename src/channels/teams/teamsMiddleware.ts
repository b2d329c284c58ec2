import { type Activity, Channels, MessageFactory, type Middleware, TurnContext } from 'botbuilder';
import type { Content } from '../../content/loadContent';
import { fillTemplate, handoffQuestions } from '../../content/messages';
import type { ContactAnswersValue } from '../../handoff/contactInterview';
import { findProcedureByName, procedureNames, procedureOverview } from '../../conversation/procedureOverview';
import type { Logger } from '../../logger';
import { isWellFormedEntity } from '../incomingActivity';
import { type SubmittedAnswer, type SubmittedContactForm, procedureCard } from './adaptiveCards';

const isTeams = (context: TurnContext) => context.activity.channelId === Channels.Msteams;

const middleware = (onTeamsTurn: (context: TurnContext, next: () => Promise<void>) => Promise<void>): Middleware => ({
  onTurn: (context, next) => (isTeams(context) ? onTeamsTurn(context, next) : next()),
});

/** The Entra tenant a Teams activity comes from. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  return (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId;
}

/**
 * Serves only the allowed tenants. Anyone else gets one polite refusal per message and nothing
 * more: the bot does not run, so no dialog starts and no state is written.
 */
export function teamsTenantGate(deps: { allowedTenantIds: readonly string[]; refusal: string; logger: Logger }): Middleware {
  const allowed = new Set(deps.allowedTenantIds);
  return middleware(async (context, next) => {
    const tenant = tenantOf(context.activity);
    if (tenant && allowed.has(tenant)) return next();
    deps.logger.info({ tenant, activityType: context.activity.type }, 'teams tenant refused');
    if (context.activity.type === 'message') await context.sendActivity(deps.refusal);
  });
}

/**
 * Teams messages as the dialogs understand them: the bot's @mention is removed (group chats and
 * channels), a card button's submitted value becomes the answer text, and a submitted contact form
 * becomes the handoff's answers (each field under its question).
 */
export function teamsInput(): Middleware {
  return middleware(async (context, next) => {
    const { activity } = context;
    if (activity.type === 'message') {
      const submitted = activity.value as (Partial<SubmittedAnswer> & Partial<SubmittedContactForm> & Record<string, unknown>) | undefined;
      if (!activity.text?.trim() && typeof submitted?.answer === 'string') activity.text = submitted.answer;
      else if (!activity.text?.trim() && submitted?.contactForm === true) activity.value = contactAnswersOf(submitted);
      else if (activity.text) activity.text = withoutBotMention(activity);
    }
    return next();
  });
}

/**
 * The text without the bot's @mention. A message with no recipient or with entities botbuilder
 * cannot read (Teams never sends those, a forged request might) keeps its text as it is.
 */
export function withoutBotMention(activity: Activity): string {
  if (!activity.recipient?.id) return activity.text.trim();
  const entities = Array.isArray(activity.entities) ? activity.entities.filter(isWellFormedEntity) : undefined;
  return TurnContext.removeRecipientMention({ ...activity, entities }).trim();
}

function contactAnswersOf(form: Record<string, unknown>): ContactAnswersValue {
  const answered = handoffQuestions.flatMap((question) => (typeof form[question] === 'string' ? [[question, form[question]]] : []));
  return { contactAnswers: Object.fromEntries(answered) };
}

/**
 * Field staff ask for a procedure by name ("steps stuck in car") and get all of its steps in one
 * card, without starting a conversation; running it step by step is the ordinary chat.
 */
export function fieldStaffSteps(deps: { content: Content }): Middleware {
  const { messages } = deps.content;
  return middleware(async (context, next) => {
    const command = /^\s*(?:all\s+)?steps\b(.*)$/is.exec(context.activity.type === 'message' ? (context.activity.text ?? '') : '');
    if (!command) return next();
    const scenario = findProcedureByName(deps.content, command[1]);
    if (!scenario) {
      const procedures = procedureNames(deps.content)
        .map(({ names }) => names[0])
        .join(', ');
      await context.sendActivity(fillTemplate(messages.allStepsWhichProcedure, { procedures }));
      return;
    }
    const overview = procedureOverview(deps.content, scenario);
    await context.sendActivity(
      MessageFactory.attachment(procedureCard(fillTemplate(messages.allStepsTitle, { scenario: overview.name }), overview)),
    );
  });
}
