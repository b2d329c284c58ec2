import { type Activity, Channels, MessageFactory, type Middleware, TurnContext } from 'botbuilder';
import type { Content } from '../../content/loadContent';
import { fillTemplate, handoffQuestions } from '../../content/messages';
import type { ContactAnswersValue, PromptLayout } from '../../conversation/handoffDialog';
import { findProcedureByName, procedureNames, procedureOverview } from '../../conversation/procedureOverview';
import type { Logger } from '../../logger';
import { isWellFormedEntity } from '../incomingActivity';
import { type SubmittedAnswer, type SubmittedContactForm, contactFormCard, procedureCard, stepCard, summaryCard } from './adaptiveCards';

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
function withoutBotMention(activity: Activity): string {
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
      const procedures = procedureNames(deps.content).map(({ names }) => names[0]).join(', ');
      await context.sendActivity(fillTemplate(messages.allStepsWhichProcedure, { procedures }));
      return;
    }
    const overview = procedureOverview(deps.content, scenario);
    await context.sendActivity(MessageFactory.attachment(procedureCard(fillTemplate(messages.allStepsTitle, { scenario: overview.name }), overview)));
  });
}

const isPlainText = (activity: Partial<Activity>) =>
  activity.type === 'message' && !!activity.text && !activity.attachments?.length && !activity.suggestedActions;

/**
 * In Teams, a question with suggested actions and the plain messages just before it (the step's
 * instructions) become one Adaptive Card with a button per answer; the handoff's questions become
 * one form and its summary a card of facts. Everything else is unchanged.
 */
export function renderForTeams(activities: Partial<Activity>[]): Partial<Activity>[] {
  const rendered: Partial<Activity>[] = [];
  let instructions: Partial<Activity>[] = [];
  for (const activity of activities) {
    const actions = activity.suggestedActions?.actions ?? [];
    if (isPlainText(activity)) {
      instructions.push(activity);
    } else if (activity.type === 'message' && actions.length > 0 && !activity.attachments?.length) {
      const said = instructions.map((held) => held.text as string);
      const { form, summary } = (activity.value ?? {}) as PromptLayout;
      const card = form ? contactFormCard(said, form) : summary ? summaryCard(said, summary, actions) : stepCard(said, activity.text ?? '', actions);
      rendered.push({ ...activity, text: undefined, suggestedActions: undefined, value: undefined, attachments: [card] });
      instructions = [];
    } else {
      rendered.push(...instructions, activity);
      instructions = [];
    }
  }
  return [...rendered, ...instructions];
}

/** Holds a Teams turn's replies until the turn ends, then sends them rendered for Teams. */
export function teamsCardRenderer(): Middleware {
  return middleware(async (context, next) => {
    const held: Partial<Activity>[] = [];
    let holding = true;
    context.onSendActivities(async (_context, activities, send) => {
      if (!holding) return send();
      held.push(...activities);
      return activities.map(() => ({ id: '' }));
    });
    try {
      await next();
    } finally {
      // Released even when the turn fails, so the turn error handler's apology goes out as well.
      holding = false;
      if (held.length > 0) await context.sendActivities(renderForTeams(held));
    }
  });
}
