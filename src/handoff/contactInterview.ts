import type { z } from 'zod';
import { fillTemplate, handoffQuestions, type HandoffQuestion, type Messages } from '../content/messages';
import { mentions, sameWords } from '../conversation/textMatching';
import type { Recognizer } from '../nlu/types';
import {
  emailOrPhoneSchema,
  emailSchema,
  nameSchema,
  normalisePhone,
  phoneSchema,
  postcodeSchema,
  siteAnswerSchema,
  townSchema,
  type Contact,
  type Site,
} from '../tickets/contactFields';
import { ticketSchema, type Ticket } from '../tickets/ticket';
import type { HandoffRequest } from './handoffRequest';

/**
 * The handoff's questions as plain TypeScript: what to ask next, whether an answer fits (the
 * ticket's own zod schemas decide), skipping, correcting at the summary, cancelling. No Bot Framework
 * here: `HandoffDialog` renders the prompts and creates the ticket once the user confirms.
 */

export interface Answers {
  name?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  town?: string;
  chargerModel?: string;
  vehicleMake?: string;
  vehicleModel?: string;
}

export type Stage =
  | { kind: 'question'; question: HandoffQuestion; backToSummary: boolean }
  | { kind: 'summary' }
  | { kind: 'chooseChange' };

export interface InterviewState {
  answers: Answers;
  /** Answered or skipped: not asked again unless the user asks to change it. */
  settled: HandoffQuestion[];
  /** Safety handoffs ask only what an installer cannot do without. */
  essentialOnly: boolean;
  stage: Stage;
}

/** What the installer gets once the user confirms: the ticket's contact, site, vehicle and charger. */
export type ConfirmedDetails = Pick<Ticket, 'contact' | 'site' | 'vehicle' | 'charger'>;

export interface InterviewPrompt {
  text: string;
  buttons: string[];
}

export type InterviewTurn =
  | { kind: 'ask'; prompt: InterviewPrompt; state: InterviewState }
  | { kind: 'confirmed'; details: ConfirmedDetails; state: InterviewState }
  | { kind: 'cancelled'; say: string[] };

const optionalQuestions: readonly HandoffQuestion[] = ['charger', 'vehicle'];

const vehicleShape = ticketSchema.shape.vehicle.shape;
const vehicleMakeSchema = vehicleShape.make.unwrap();
const chargerModelSchema = ticketSchema.shape.charger.shape.model.unwrap();

export class ContactInterview {
  constructor(private readonly deps: { messages: Messages; recognizer: Recognizer }) {}

  private get text() {
    return this.deps.messages.handoff;
  }

  /** The first question, with what the channel and the conversation already told us filled in. */
  start(request: HandoffRequest): InterviewTurn {
    const known = request.knownContact ?? {};
    const answers: Answers = {
      name: valid(nameSchema, known.name),
      email: valid(emailSchema, known.email),
      phone: valid(phoneSchema, known.phone),
      postcode: valid(postcodeSchema, known.postcode),
      town: valid(townSchema, known.town),
      chargerModel: valid(chargerModelSchema, request.entities.chargerBrand),
      vehicleMake: valid(vehicleMakeSchema, request.entities.vehicleMake),
    };
    const essentialOnly = request.reason === 'safety_hazard';
    const settled = handoffQuestions.filter((question) => isAnswered(question, answers) || (essentialOnly && optionalQuestions.includes(question)));
    return this.next({ answers: dropUndefined(answers), settled, essentialOnly, stage: { kind: 'summary' } }, false);
  }

  continue(state: InterviewState, message: string): InterviewTurn {
    const recognition = this.deps.recognizer.recognize(message);
    const { buttons } = this.text;
    if (sameWords(message, buttons.cancel) || recognition.intent === 'cancel') return { kind: 'cancelled', say: [this.text.cancelled] };

    const { stage } = state;
    switch (stage.kind) {
      case 'question': {
        const { question, backToSummary } = stage;
        const skipping =
          optionalQuestions.includes(question) &&
          (recognition.intent === 'deny' || sameWords(message, buttons.skip) || this.text.skipWords.some((phrase) => mentions(message, phrase)));
        const answer = skipping ? skippedAnswer(question) : this.read(question, message, state.answers);
        if (!answer) return this.ask(state, { text: this.text.questions[question].retry, buttons: this.buttonsFor(question) });
        const answers = dropUndefined({ ...state.answers, ...answer });
        const settled = [...new Set([...state.settled, question])];
        return this.next({ ...state, answers, settled }, backToSummary);
      }
      case 'summary':
        if (sameWords(message, buttons.create) || (recognition.intent === 'affirm' && !this.namedQuestion(message, state))) {
          return { kind: 'confirmed', details: confirmedDetails(state.answers), state };
        }
        return this.changeOrRetry(state, message, sameWords(message, buttons.change) || recognition.intent === 'deny', this.text.summaryRetry);
      case 'chooseChange': {
        const byLabel = this.changeable(state).find((question) => sameWords(message, this.text.questions[question].label));
        if (byLabel) return this.askQuestion(state, byLabel, true);
        if (sameWords(message, buttons.create)) return { kind: 'confirmed', details: confirmedDetails(state.answers), state };
        return this.changeOrRetry(state, message, false, this.text.whichToChangeRetry);
      }
    }
  }

  /** A question named in the message ("change my email") is asked again; otherwise the choices. */
  private changeOrRetry(state: InterviewState, message: string, wantsChoices: boolean, retry: string): InterviewTurn {
    const named = this.namedQuestion(message, state);
    if (named) return this.askQuestion(state, named, true);
    const choices = { text: this.text.whichToChange, buttons: [...this.changeable(state).map((q) => this.text.questions[q].label), this.text.buttons.cancel] };
    if (wantsChoices) return this.ask({ ...state, stage: { kind: 'chooseChange' } }, choices);
    return state.stage.kind === 'chooseChange' ? this.ask(state, { ...choices, text: retry }) : this.ask(state, { ...this.summary(state), text: `${retry}\n\n${this.summary(state).text}` });
  }

  private namedQuestion(message: string, state: InterviewState): HandoffQuestion | undefined {
    return this.changeable(state).find((question) => this.text.questions[question].words.some((word) => mentions(message, word)));
  }

  private changeable(state: InterviewState): HandoffQuestion[] {
    return handoffQuestions.filter((question) => !(state.essentialOnly && optionalQuestions.includes(question)));
  }

  /** The first question not settled yet, or the summary (also straight after a correction). */
  private next(state: InterviewState, backToSummary: boolean): InterviewTurn {
    const open = backToSummary ? undefined : handoffQuestions.find((question) => !state.settled.includes(question));
    if (open) return this.askQuestion(state, open, false);
    return this.ask({ ...state, stage: { kind: 'summary' } }, this.summary(state));
  }

  private askQuestion(state: InterviewState, question: HandoffQuestion, backToSummary: boolean): InterviewTurn {
    const { questions } = this.text;
    const make = state.answers.vehicleMake;
    const text = question === 'vehicle' && make && !backToSummary ? fillTemplate(questions.vehicle.askModel, { make }) : questions[question].ask;
    return this.ask({ ...state, stage: { kind: 'question', question, backToSummary } }, { text, buttons: this.buttonsFor(question) });
  }

  private buttonsFor(question: HandoffQuestion): string[] {
    const { skip, cancel } = this.text.buttons;
    return optionalQuestions.includes(question) ? [skip, cancel] : [cancel];
  }

  private ask(state: InterviewState, prompt: InterviewPrompt): InterviewTurn {
    return { kind: 'ask', prompt, state };
  }

  /** The details as the installer will get them, with Yes / Change / Cancel. */
  summary(state: InterviewState): InterviewPrompt {
    const { summaryLabels, summaryLine, summary, buttons } = this.text;
    const { answers } = state;
    const vehicle = [answers.vehicleMake, answers.vehicleModel].filter(Boolean).join(' ');
    const lines: [string, string | undefined][] = [
      [summaryLabels.name, answers.name],
      [summaryLabels.email, answers.email],
      [summaryLabels.phone, answers.phone],
      [summaryLabels.postcode, answers.postcode],
      [summaryLabels.town, answers.town],
      [summaryLabels.charger, answers.chargerModel],
      [summaryLabels.vehicle, vehicle || undefined],
    ];
    const details = lines
      .filter((line): line is [string, string] => line[1] !== undefined)
      .map(([label, value]) => fillTemplate(summaryLine, { label, value }))
      .join('\n');
    return { text: fillTemplate(summary, { details }), buttons: [buttons.create, buttons.change, buttons.cancel] };
  }

  /** The answer's contribution to `Answers`, or undefined when it does not fit the question. */
  private read(question: HandoffQuestion, message: string, answers: Answers): Partial<Answers> | undefined {
    switch (question) {
      case 'name': {
        const name = valid(nameSchema, message);
        return name ? { name } : undefined;
      }
      case 'reach':
        return readReach(message);
      case 'site': {
        const site = siteAnswerSchema.safeParse(message);
        return site.success ? { postcode: undefined, town: undefined, ...site.data } : undefined;
      }
      case 'charger': {
        const chargerModel = valid(chargerModelSchema, message);
        return chargerModel ? { chargerModel } : undefined;
      }
      case 'vehicle':
        return this.readVehicle(message, answers.vehicleMake);
    }
  }

  /**
   * "Nissan Leaf", "Leaf" (the recognizer knows whose model it is) or, when the make is known, just
   * the model. A make the recognizer does not know is kept as typed.
   */
  private readVehicle(message: string, knownMake: string | undefined): Partial<Answers> | undefined {
    const recognisedMake = this.deps.recognizer.recognize(message).entities.vehicleMake;
    const make = recognisedMake ?? knownMake;
    const typed = message.trim().replace(/\s+/g, ' ');
    const rest = make ? typed.replace(new RegExp(`\\b${escapeRegExp(make)}\\b`, 'i'), '').trim() : typed;
    const vehicle = make ? { vehicleMake: make, vehicleModel: rest || undefined } : { vehicleMake: typed, vehicleModel: undefined };
    const fits =
      vehicleShape.make.safeParse(vehicle.vehicleMake).success && vehicleShape.model.safeParse(vehicle.vehicleModel).success && typed.length > 0;
    return fits ? vehicle : undefined;
  }
}

/** An email, a phone number, or both in one message ("sam@example.com or 07700 900123"). */
function readReach(message: string): Partial<Answers> | undefined {
  const one = emailOrPhoneSchema.safeParse(message);
  if (one.success) return { email: undefined, phone: undefined, ...one.data };
  const emailWord = message.match(/[^\s,;]+@[^\s,;]+/)?.[0];
  if (!emailWord) return undefined;
  const email = valid(emailSchema, emailWord);
  const phone = normalisePhone(message.replace(emailWord, ' ').replace(/\b(or|and)\b|[,;]/gi, ' '));
  return email && phone ? { email, phone } : undefined;
}

function skippedAnswer(question: HandoffQuestion): Partial<Answers> {
  // Skipping the car keeps a make the conversation named: only the model is unknown.
  return question === 'charger' ? { chargerModel: undefined } : { vehicleModel: undefined };
}

function isAnswered(question: HandoffQuestion, answers: Answers): boolean {
  switch (question) {
    case 'name':
      return answers.name !== undefined;
    case 'reach':
      return answers.email !== undefined || answers.phone !== undefined;
    case 'site':
      return answers.postcode !== undefined || answers.town !== undefined;
    case 'charger':
      return answers.chargerModel !== undefined;
    case 'vehicle':
      return answers.vehicleModel !== undefined;
  }
}

function confirmedDetails(answers: Answers): ConfirmedDetails {
  return dropUndefined({
    contact: dropUndefined({ name: answers.name ?? '', email: answers.email, phone: answers.phone }) as Contact,
    site: dropUndefined({ postcode: answers.postcode, town: answers.town }) as Site,
    vehicle: dropUndefined({ make: answers.vehicleMake, model: answers.vehicleModel }),
    charger: dropUndefined({ model: answers.chargerModel }),
  });
}

function valid<T>(schema: z.ZodType<T, string>, raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** State is stored as JSON: keep it free of `undefined` keys so what is stored is what is read. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
