import { ZodError } from 'zod';
import { fillTemplate, type Messages } from '../content/messages';
import { contactDetailsIn, isProperName } from '../handoff/contactDetails';
import { ContactInterview, type InterviewPrompt, type InterviewTurn, type SubmittedAnswers } from '../handoff/contactInterview';
import type { HandoffRequest, KnownContact, StaffIdentity } from '../handoff/handoffRequest';
import type { LiveAgents } from '../handoff/liveAgents';
import type { Logger } from '../logger';
import { isQuestion, mentions, opensWithYesOrNo, sameWords } from '../nlu/textMatching';
import type { Entities, Recognition } from '../nlu/types';
import type { PhotoReference } from '../photos/photoReference';
import type { TicketDelivery } from '../tickets/delivery';
import {
  buildTicket,
  damageDetails,
  type HandoffReason,
  ticketId,
  type Ticket,
  type TicketEntities,
  ticketTopics,
} from '../tickets/ticket';
import type { HandoffState } from './conversationState';
import { ticketPhotos } from './photosReceived';
import type { Reply } from './replies';
import type { Turn } from './turn';

export interface HandoffStageDeps {
  messages: Messages;
  tickets: TicketDelivery;
  /** Support staff who can take the chat over live, when configured. */
  liveAgents?: LiveAgents;
  /** What the user is told about when to expect contact, e.g. "within 24 hours". */
  responseTime: string;
  logger: Logger;
  vehicleMakeOf: (text: string) => string | undefined;
  chargerBrandOf: (text: string) => string | undefined;
  /** See `EngineDeps.photoLink`. */
  photoLink?: (photo: PhotoReference, ticketCreatedAt: Date) => string;
}

/** Who is writing, as the channel knows them, and where the conversation is. */
export interface HandoffContext {
  conversationId: string;
  channelId: string;
  locale?: string;
  staff?: StaffIdentity;
  knownContact?: KnownContact;
  /** The message that led to the handoff: "call me on 07700 900123" gives the number already. */
  message?: string;
}

/**
 * Handing a conversation to a person: says why and what happens next, asks for contact details
 * (`ContactInterview`), and once the user confirms the summary creates the ticket through the
 * `TicketDelivery` port. A conversation gets one ticket per reason: a redelivered or repeated
 * confirmation shows the same reference, and a refused contract or an outage keeps every answer.
 */
export class HandoffStage {
  readonly interview: ContactInterview;

  constructor(private readonly deps: HandoffStageDeps) {
    this.interview = new ContactInterview({
      messages: deps.messages,
      vehicleMakeOf: deps.vehicleMakeOf,
      chargerBrandOf: deps.chargerBrandOf,
    });
  }

  private get text() {
    return this.deps.messages.handoff;
  }

  /** Starts the handoff: why, what happens next, and the first question (or the ticket it already has). */
  begin(turn: Turn, given: HandoffRequest, context: HandoffContext): void {
    const { messages } = this.deps;
    const told = context.message ? contactDetailsIn(context.message) : {};
    const known = { ...told, ...context.knownContact, ...given.knownContact };
    const request: HandoffRequest = {
      ...given,
      ...(context.staff && !given.raisedBy ? { raisedBy: context.staff } : {}),
      ...(Object.keys(known).length > 0 ? { knownContact: known } : {}),
    };
    turn.say(fillTemplate(messages.handoffStarting, { reason: messages.handoffReasons[request.reason] }));
    const existing = turn.state.record.tickets.find((ticket) => ticket.id === ticketId(context.conversationId, request.reason));
    if (existing) {
      turn.say(this.ticketMessage(this.text.alreadyCreated, existing.reference));
      turn.moveTo({ kind: 'idle' });
      return;
    }
    turn.say(request.raisedBy ? messages.handoffNextForStaff : messages.handoffNext);
    this.play(turn, request, this.interview.start(request));
  }

  /** A typed answer (or a form of answers) to the interview's question, nothing having interrupted it. */
  async answer(
    turn: Turn,
    state: HandoffState,
    message: string,
    recognition: Recognition,
    form: SubmittedAnswers | undefined,
    context: HandoffContext,
  ): Promise<void> {
    if (state.askedStillWanted) return this.answerStillWanted(turn, state, message, recognition);
    const next =
      form && !message.trim()
        ? this.interview.continueWithAnswers(state.interview, form)
        : this.interview.continue(state.interview, message, recognition, this.saidEarlier(turn));
    if (next.kind === 'ask') return this.play(turn, state.request, next);
    await this.createTicket(turn, { ...state, interview: next.state }, next, context);
  }

  /** What the user wrote before this message ("use the number I gave earlier" looks there). */
  private saidEarlier(turn: Turn): string[] {
    return turn.state.record.transcript.filter((entry) => entry.from === 'user').map((entry) => entry.text);
  }

  /**
   * Whether the message is plainly the answer to the question waiting: it is taken as that, not as
   * anything the recognizer might hear in it ("Priya Shah here" is not asking for help). `hazardWords`:
   * a name like "Jo Sparks" counts even so.
   */
  answersQuestion(state: HandoffState, message: string, hazardWords: boolean): boolean {
    if (state.askedStillWanted || state.reference) return false;
    if (!this.interview.answersQuestion(state.interview, message)) return false;
    const { stage } = state.interview;
    return !hazardWords || (stage.kind === 'question' && stage.question === 'name' && isProperName(message));
  }

  /** Whether the message carries contact details or the answer waited for ("Sam here, call me on ..."). */
  givesDetails(state: HandoffState, message: string): boolean {
    if (state.askedStillWanted || state.reference) return false;
    return Object.keys(contactDetailsIn(message)).length > 0 || this.interview.answersQuestion(state.interview, message);
  }

  /** After the ticket exists: a repeated "yes, create it" gets the reference again; anything else is a new message. */
  repeatsConfirmation(state: HandoffState, message: string, recognition: Recognition): boolean {
    // "Can I still drive it?" is a question, not another yes.
    return !!state.reference && (sameWords(message, this.text.buttons.create) || (recognition.intent === 'affirm' && !isQuestion(message)));
  }

  /** After the ticket: "how long until someone calls?" gets the reference and the response time again. */
  asksAfterTheTicket(state: HandoffState, message: string): boolean {
    return !!state.reference && isQuestion(message) && this.text.waitWords.some((phrase) => mentions(message, phrase));
  }

  /** "Why do you need my postcode?": what the details are for, then the question again. */
  asksWhy(state: HandoffState, message: string): boolean {
    return (
      !state.reference &&
      !state.askedStillWanted &&
      // "why?" alone, at a question about a detail, is about that detail.
      (/^\s*(?:but\s+|and\s+)?why\s*[?!]*\s*$/i.test(message) ||
        (isQuestion(message) && this.text.whyWords.some((phrase) => mentions(message, phrase))))
    );
  }

  /** Refusing the detail asked for ("I don't want to give my number out"), which is not cancelling. */
  declinesDetail(state: HandoffState, message: string): boolean {
    return !state.reference && !state.askedStillWanted && this.interview.declinesDetail(state.interview, message);
  }

  /** "Will someone call today?" before the ticket exists: when an installer gets in touch, then the question again. */
  asksWhen(state: HandoffState, message: string): boolean {
    return (
      !state.reference && !state.askedStillWanted && isQuestion(message) && this.text.waitWords.some((phrase) => mentions(message, phrase))
    );
  }

  /** When an installer gets in touch once the ticket is made. */
  get whenContact(): string {
    return fillTemplate(this.text.whenContact, { responseTime: this.deps.responseTime });
  }

  alreadyCreated(turn: Turn, reference: string): void {
    turn.say(this.ticketMessage(this.text.alreadyCreated, reference));
  }

  /** Whatever the interview waits on, asked again (`before` goes first). */
  reask(turn: Turn, state: HandoffState, before: string[]): void {
    turn.say(...before);
    if (state.askedStillWanted) return this.askStillWanted(turn, state);
    this.ask(turn, state, this.interview.prompt(state.interview));
  }

  /**
   * A hazard or damage reported during the handoff: the ticket is for the more serious reason from
   * now on (asking only what is essential for a hazard), with every answer given so far kept.
   */
  escalate(turn: Turn, state: HandoffState, reason: HandoffReason, entities: Entities, context: HandoffContext): void {
    const request: HandoffRequest = { ...state.request, reason, entities: { ...state.request.entities, ...entities } };
    if (state.reference || ticketDone(turn, context, reason)) return this.begin(turn, request, context);
    const { messages } = this.deps;
    turn.say(fillTemplate(messages.handoffStarting, { reason: messages.handoffReasons[reason] }));
    const kept = context.message ? this.interview.keepDetails(state.interview, context.message) : state.interview;
    const interview = reason === 'safety_hazard' ? this.interview.essentialOnly(kept) : kept;
    this.reask(turn, { request, interview }, []);
  }

  /** The cable came free while we were collecting details: is a person still wanted? */
  freed(turn: Turn, state: HandoffState): void {
    if (state.reference) {
      turn.say(this.ticketMessage(this.text.freedAfterTicket, state.reference));
      turn.moveTo({ kind: 'idle' });
      return;
    }
    turn.say(this.text.stillWanted);
    this.askStillWanted(turn, { ...state, askedStillWanted: true });
  }

  cancel(turn: Turn, state: HandoffState): void {
    turn.say(this.text.cancelled);
    turn.addOutcome({ result: 'cancelled', scenario: state.request.scenario, reason: state.request.reason });
    this.deps.logger.info({ reason: state.request.reason }, 'handoff cancelled by the user');
    turn.moveTo({ kind: 'idle' });
  }

  /**
   * Whether the message is one of the interview's own buttons or words, which nothing else may claim
   * ("Skip" is not cancelling). Its Cancel button is what it says: the engine's cancel.
   */
  ownWords(state: HandoffState, message: string): boolean {
    if (sameWords(message, this.text.buttons.cancel)) return false;
    if (state.askedStillWanted) return [this.text.buttons.keepGoing, this.text.buttons.noLonger].some((label) => sameWords(message, label));
    return this.interview.ownWords(message);
  }

  private askStillWanted(turn: Turn, state: HandoffState): void {
    const { keepGoing, noLonger } = this.text.buttons;
    turn.ask({ text: this.text.stillWantedQuestion, buttons: [keepGoing, noLonger] });
    turn.moveTo({ kind: 'handoff', handoff: state });
  }

  private answerStillWanted(turn: Turn, state: HandoffState, message: string, recognition: Recognition): void {
    const { keepGoing, noLonger } = this.text.buttons;
    // "no im fine now thanks", "yes, I still want the socket checked", "nah it's out, all good".
    const opensWith = opensWithYesOrNo(message);
    const yes =
      sameWords(message, keepGoing) ||
      opensWith === 'yes' ||
      (!opensWith && (recognition.intent === 'affirm' || recognition.intent === 'human'));
    const no =
      sameWords(message, noLonger) ||
      opensWith === 'no' ||
      (!opensWith && ['deny', 'cancel', 'thanks'].includes(recognition.intent)) ||
      !!recognition.entities.cableFreed;
    if (yes) return this.reask(turn, { ...state, askedStillWanted: undefined }, [this.text.continuing]);
    if (no) {
      turn.say(this.text.noLongerWanted);
      turn.addOutcome({ result: 'freed', scenario: state.request.scenario, step: 'handoff' });
      turn.effect({ kind: 'procedureResolved', procedure: state.request.scenario ?? 'none', step: 'handoff' });
      turn.moveTo({ kind: 'idle' });
      return;
    }
    this.askStillWanted(turn, state);
  }

  private play(turn: Turn, request: HandoffRequest, next: InterviewTurn): void {
    if (next.kind !== 'ask') return;
    turn.say(...(next.say ?? []));
    this.ask(turn, { request, interview: next.state }, next.prompt);
  }

  private ask(turn: Turn, state: HandoffState, prompt: InterviewPrompt): void {
    const { form, summary } = prompt;
    const reply: Reply = { text: prompt.text, buttons: prompt.buttons };
    if (form || summary) reply.layout = { form, summary };
    turn.ask(reply);
    turn.moveTo({ kind: 'handoff', handoff: state });
  }

  private async createTicket(
    turn: Turn,
    state: HandoffState,
    confirmed: Extract<InterviewTurn, { kind: 'confirmed' }>,
    context: HandoffContext,
  ): Promise<void> {
    const { tickets, logger } = this.deps;
    const { request } = state;
    const { knownContact: _known, factsGiven, ...handoff } = request;
    const input = {
      ...handoff,
      ...confirmed.details,
      ...(factsGiven?.length ? { releaseFacts: factsGiven } : {}),
      entities: ticketEntities(request.entities),
      ...ticketPhotos(turn.state.photos, this.deps.photoLink && ((photo) => this.deps.photoLink!(photo, turn.now))),
      transcript: turn.state.record.transcript,
      conversationId: context.conversationId,
      channel: context.channelId,
      locale: context.locale,
    };
    const id = ticketId(input.conversationId, input.reason);
    const earlier = turn.state.record.tickets.find((ticket) => ticket.id === id);
    let created: Ticket | undefined;
    if (!earlier) {
      try {
        // Returns the first ticket for this id when a redelivered "yes" submitted it already.
        created = await tickets.submit(buildTicket(input, turn.now));
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
        this.ask(turn, state, { ...summary, text: this.text.notCreated, summary: { ...summary.summary, lead: this.text.notCreated } });
        return;
      }
      const { record } = turn.state;
      turn.update({
        record: {
          ...record,
          tickets: [
            ...record.tickets,
            { id: created.id, reference: created.reference, reason: created.reason, at: turn.now.toISOString() },
          ],
        },
      });
      logger.info({ ticketId: created.id, reference: created.reference, reason: created.reason }, 'ticket created');
      turn.effect({ kind: 'ticketCreated', ticket: created });
    }
    const reference = earlier?.reference ?? created!.reference;
    turn.say(this.ticketMessage(earlier ? this.text.alreadyCreated : this.text.created, reference));
    if (created) this.offerLive(turn, created);
    turn.moveTo({ kind: 'handoff', handoff: { ...state, reference } });
  }

  /** Staff on duty may take the chat over now; outside their hours the driver hears when they are back. */
  private offerLive(turn: Turn, ticket: Ticket): void {
    const { liveAgents } = this.deps;
    if (!liveAgents) return;
    if (liveAgents.availableAt(turn.now)) {
      turn.say(fillTemplate(this.deps.messages.live.offered, { minutes: liveAgents.waitMinutes, responseTime: this.deps.responseTime }));
      turn.effect({ kind: 'liveHandoffRequested', ticket });
    } else {
      turn.say(
        fillTemplate(this.deps.messages.live.closed, { next: liveAgents.nextAvailable(turn.now), responseTime: this.deps.responseTime }),
      );
    }
  }

  private ticketMessage(template: string, reference: string): string {
    return fillTemplate(template, { reference, responseTime: this.deps.responseTime });
  }
}

function ticketDone(turn: Turn, context: HandoffContext, reason: HandoffReason): boolean {
  return turn.state.record.tickets.some((ticket) => ticket.id === ticketId(context.conversationId, reason));
}

/** The recognizer's entities as the ticket's contract has them: only the words it was made with. */
function ticketEntities(entities: Entities): TicketEntities {
  const { side, vehicleMake, chargerBrand, chargerType, damage, mentions } = entities;
  const contractDamage = damage?.filter((detail) => (damageDetails as readonly string[]).includes(detail)) as TicketEntities['damage'];
  const contractMentions = mentions?.filter((topic) => (ticketTopics as readonly string[]).includes(topic)) as TicketEntities['mentions'];
  return dropEmpty({ side, vehicleMake, chargerBrand, chargerType, damage: contractDamage, mentions: contractMentions });
}

function dropEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}
