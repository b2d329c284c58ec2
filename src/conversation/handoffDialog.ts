import { type Activity, MessageFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { ZodError, z } from 'zod';
import { handoffInitiation } from '../channels/handoffInitiation';
import { fillTemplate, handoffQuestions, type Messages } from '../content/messages';
import {
  ContactInterview,
  type ConfirmedDetails,
  type InterviewPrompt,
  type InterviewState,
  type InterviewTurn,
  type SubmittedAnswers,
} from '../handoff/contactInterview';
import type { HandoffRequest, StaffIdentity } from '../handoff/handoffRequest';
import type { Logger } from '../logger';
import type { Recognizer } from '../nlu/types';
import type { TicketDelivery } from '../tickets/delivery';
import { buildTicket, ticketId, type Ticket } from '../tickets/ticket';
import type { ConversationRecords } from './conversationRecord';
import { sameWords } from './textMatching';

/** The one entry point for handing a conversation to a person: begin this id with a HandoffRequest. */
export const handoffDialogId = 'handoff';

/** Ended with this when the message was not for the handoff: the parent handles it as a new one. */
export interface HandoffResult {
  reason: HandoffRequest['reason'];
  reference?: string;
  passOn?: boolean;
}

export interface HandoffDialogDeps {
  messages: Messages;
  recognizer: Recognizer;
  records: ConversationRecords;
  delivery: TicketDelivery;
  /** What the user is told about when to expect contact, e.g. "within 24 hours". */
  responseTime: string;
  logger: Logger;
  /** Field staff raising a ticket for a customer (a channel's own knowledge, e.g. Teams); else undefined. */
  staffIdentityOf?: (activity: Partial<Activity>) => StaffIdentity | undefined;
}

/**
 * A message answering several questions at once (a channel's form, e.g. the Teams contact card)
 * carries them in `activity.value` as `{ contactAnswers: { name, reach, site, charger, vehicle } }`.
 */
export interface ContactAnswersValue {
  contactAnswers: SubmittedAnswers;
}

const contactAnswersValueSchema = z.object({ contactAnswers: z.partialRecord(z.enum(handoffQuestions), z.string().max(1000)) });

/** Sent with a prompt as `activity.value`, for channels that lay out forms and summaries (Teams cards). */
export type PromptLayout = Pick<InterviewPrompt, 'form' | 'summary'>;

interface HandoffDialogState {
  request: HandoffRequest;
  interview: InterviewState;
  /** Set once the ticket exists: a repeated "yes, create it" gets its reference again. */
  reference?: string;
}

/**
 * Says why the conversation goes to a person and what happens next, asks for contact details one
 * question at a time (`ContactInterview`), and once the user confirms the summary creates the ticket,
 * gives its reference and sends `handoff.initiate` for channels with a live-agent hub. A conversation
 * gets one ticket per reason: a redelivered or repeated confirmation shows the same reference.
 */
export class HandoffDialog extends Dialog<HandoffRequest> {
  private readonly interview: ContactInterview;

  constructor(private readonly deps: HandoffDialogDeps) {
    super(handoffDialogId);
    this.interview = new ContactInterview({ messages: deps.messages, recognizer: deps.recognizer });
  }

  override async beginDialog(dc: DialogContext, given?: HandoffRequest): Promise<DialogTurnResult> {
    if (!given) throw new Error('The handoff dialog needs a HandoffRequest');
    const { messages, records } = this.deps;
    const raisedBy = given.raisedBy ?? this.deps.staffIdentityOf?.(dc.context.activity);
    const request: HandoffRequest = raisedBy ? { ...given, raisedBy } : given;
    await dc.context.sendActivity(fillTemplate(messages.handoffStarting, { reason: messages.handoffReasons[request.reason] }));
    const existing = await records.createdTicket(dc.context, ticketId(conversationIdOf(dc.context), request.reason));
    if (existing) {
      await dc.context.sendActivity(this.ticketMessage(messages.handoff.alreadyCreated, existing.reference));
      return dc.endDialog({ reason: request.reason, reference: existing.reference } satisfies HandoffResult);
    }
    await dc.context.sendActivity(request.raisedBy ? messages.handoffNextForStaff : messages.handoffNext);
    return this.play(dc, request, this.interview.start(request));
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as HandoffDialogState;
    const text = dc.context.activity.text ?? '';
    if (state.reference) return this.afterCreated(dc, state, text);
    const submitted = contactAnswersValueSchema.safeParse(dc.context.activity.value);
    if (submitted.success && !text.trim()) return this.play(dc, state.request, this.interview.continueWithAnswers(state.interview, submitted.data.contactAnswers));
    return this.play(dc, state.request, this.interview.continue(state.interview, text));
  }

  private async play(dc: DialogContext, request: HandoffRequest, turn: InterviewTurn): Promise<DialogTurnResult> {
    switch (turn.kind) {
      case 'ask':
        return this.ask(dc, { request, interview: turn.state }, turn.prompt);
      case 'cancelled':
        for (const text of turn.say) await dc.context.sendActivity(text);
        await this.deps.records.addOutcome(dc.context, { result: 'cancelled', scenario: request.scenario, reason: request.reason });
        this.deps.logger.info({ reason: request.reason }, 'handoff cancelled by the user');
        return dc.endDialog({ reason: request.reason } satisfies HandoffResult);
      case 'confirmed':
        return this.createTicket(dc, { request, interview: turn.state }, turn.details);
    }
  }

  private async ask(dc: DialogContext, state: HandoffDialogState, prompt: InterviewPrompt): Promise<DialogTurnResult> {
    dc.activeDialog!.state = state;
    const { form, summary } = prompt;
    const layout: PromptLayout | undefined = form || summary ? { form, summary } : undefined;
    await dc.context.sendActivity({ ...MessageFactory.suggestedActions(prompt.buttons, prompt.text), value: layout });
    return Dialog.EndOfTurn;
  }

  private async createTicket(dc: DialogContext, state: HandoffDialogState, details: ConfirmedDetails): Promise<DialogTurnResult> {
    const { context } = dc;
    const { records, delivery, logger, messages } = this.deps;
    const { request } = state;
    const { knownContact: _known, ...handoff } = request;
    const input = { ...handoff, ...details, conversationId: conversationIdOf(context), channel: context.activity.channelId, locale: context.activity.locale };
    const id = ticketId(input.conversationId, input.reason);
    const earlier = await records.createdTicket(context, id);
    let created: Ticket | undefined;
    if (!earlier) {
      try {
        // Returns the first ticket for this id when a redelivered "yes" submitted it already.
        created = await delivery.submit(buildTicket(input));
      } catch (error) {
        // The interview's answers stay: a refused contract or an outage must not make the user start over.
        if (error instanceof ZodError) {
          // Not an outage: the same answers will fail again until the contract or the channel's data changes.
          const fields = error.issues.map((issue) => issue.path.join('.'));
          logger.error({ ticketId: id, reason: input.reason, fields }, 'ticket breaks its contract; not submitted');
        } else {
          logger.error({ err: error, ticketId: id, reason: input.reason }, 'ticket could not be submitted; the user may confirm again');
        }
        const summary = this.interview.summary(state.interview);
        return this.ask(dc, state, { ...summary, text: messages.handoff.notCreated, summary: { ...summary.summary, lead: messages.handoff.notCreated } });
      }
      await records.addCreatedTicket(context, { id: created.id, reference: created.reference, reason: created.reason });
      logger.info({ ticketId: created.id, reference: created.reference, reason: created.reason }, 'ticket created');
    }
    const reference = earlier?.reference ?? created!.reference;
    await context.sendActivity(this.ticketMessage(earlier ? messages.handoff.alreadyCreated : messages.handoff.created, reference));
    if (created) await this.initiateLiveHandoff(context, created, request);
    dc.activeDialog!.state = { ...state, reference } satisfies HandoffDialogState;
    return Dialog.EndOfTurn;
  }

  /** Channels without a live-agent hub may refuse the event: the ticket is what counts, so only log. */
  private async initiateLiveHandoff(context: TurnContext, ticket: Ticket, request: HandoffRequest): Promise<void> {
    try {
      await context.sendActivity(handoffInitiation(context, ticket, request.transcript));
    } catch (error) {
      this.deps.logger.warn({ err: error, ticketId: ticket.id, channel: context.activity.channelId }, 'handoff.initiate event not accepted by the channel');
    }
  }

  /** A second "yes, create it" (double tap, resent message) gets the reference again; anything else moves on. */
  private async afterCreated(dc: DialogContext, state: HandoffDialogState, text: string): Promise<DialogTurnResult> {
    const reference = state.reference!;
    const repeated = sameWords(text, this.deps.messages.handoff.buttons.create) || this.deps.recognizer.recognize(text).intent === 'affirm';
    if (!repeated) return dc.endDialog({ reason: state.request.reason, reference, passOn: true } satisfies HandoffResult);
    await dc.context.sendActivity(this.ticketMessage(this.deps.messages.handoff.alreadyCreated, reference));
    return Dialog.EndOfTurn;
  }

  private ticketMessage(template: string, reference: string): string {
    return fillTemplate(template, { reference, responseTime: this.deps.responseTime });
  }
}

/** True when the handoff ended without handling the message, which the parent should then handle. */
export function handoffPassedOn(result: unknown): boolean {
  return Boolean((result as HandoffResult | undefined)?.passOn);
}

function conversationIdOf(context: TurnContext): string {
  return context.activity.conversation.id;
}
