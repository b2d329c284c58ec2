import { z } from 'zod';
import { fillTemplate, handoffQuestions, type HandoffQuestion, type Messages, userText } from '../content/messages';
import { isNotEnglish } from '../inputLimits';
import { hasCode } from '../nlu/codeInText';
import { isEnglishWord } from '../nlu/englishWords';
import { mentions, opensWithYesOrNo, sameWords, words } from '../nlu/textMatching';
import type { Recognition } from '../nlu/types';
import { emailSchema, nameSchema, phoneSchema, postcodeSchema, townSchema, type Contact, type Site } from '../tickets/contactFields';
import { contactDetailsIn, emailIn, nameIn, phoneIn, postcodeIn, productIn, titleCase, townIn } from './contactDetails';
import { respeltEmail, respeltName } from './respelling';
import { ticketSchema, type Ticket } from '../tickets/ticket';
import type { HandoffRequest } from './handoffRequest';

/**
 * The handoff's questions as plain TypeScript: what to ask next, whether an answer fits (the
 * ticket's own zod schemas decide), skipping, correcting at the summary. What interrupts the
 * questions (cancelling, a hazard, a question) is the conversation engine's, which also creates the
 * ticket once the user confirms.
 */

export interface Answers {
  name?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  town?: string;
  chargerModel?: string;
  /** The charger's brand the conversation named: the model question asks for that brand's model. */
  chargerBrand?: string;
  vehicleMake?: string;
  vehicleModel?: string;
}

export type Stage =
  { kind: 'question'; question: HandoffQuestion; backToSummary: boolean } | { kind: 'summary' } | { kind: 'chooseChange' };

export interface InterviewState {
  answers: Answers;
  /** Answered or skipped: not asked again unless the user asks to change it. */
  settled: HandoffQuestion[];
  /** Safety handoffs ask only what an installer cannot do without. */
  essentialOnly: boolean;
  /** Field staff raising a ticket: the questions ask for the customer's details. */
  forCustomer?: boolean;
  /** Questions that cannot be skipped and were refused once: a second refusal is not told the same at length. */
  refused?: HandoffQuestion[];
  stage: Stage;
}

/** What the installer gets once the user confirms: the ticket's contact, site, vehicle and charger. */
export type ConfirmedDetails = Pick<Ticket, 'contact' | 'site' | 'vehicle' | 'charger'>;

/** One field of a contact form: a question, and why its last answer did not fit. */
export interface FormField {
  question: HandoffQuestion;
  label: string;
  optional: boolean;
  problem?: string;
}

/** Every open question at once, with its send and cancel buttons. */
export interface ContactForm {
  fields: FormField[];
  send: string;
  cancel: string;
}

/** The summary in parts, for channels that lay it out (the details as label/value facts). */
export interface SummaryLayout {
  lead: string;
  facts: { label: string; value: string }[];
  question: string;
}

/**
 * What to say; channels that can show more use the optional parts: `form` holds every open question
 * (answered at once with `continueWithAnswers`), `summary` the summary's facts.
 */
export interface InterviewPrompt {
  text: string;
  buttons: string[];
  form?: ContactForm;
  summary?: SummaryLayout;
}

/** Several answers at once, by question (a channel's form); an empty optional answer skips it. */
export type SubmittedAnswers = Partial<Record<HandoffQuestion, string>>;

/**
 * A message answering several questions at once (a channel's form, e.g. the Teams contact card)
 * carries them in `activity.value` as `{ contactAnswers: { name, reach, site, charger, vehicle } }`.
 */
export const contactAnswersValueSchema = z.object({ contactAnswers: z.partialRecord(z.enum(handoffQuestions), z.string().max(1000)) });
export type ContactAnswersValue = z.output<typeof contactAnswersValueSchema>;

export type InterviewTurn =
  | { kind: 'ask'; prompt: InterviewPrompt; state: InterviewState; say?: string[] }
  | { kind: 'confirmed'; details: ConfirmedDetails; state: InterviewState };

const optionalQuestions: readonly HandoffQuestion[] = ['charger', 'vehicle'];

const vehicleShape = ticketSchema.shape.vehicle.shape;
const vehicleMakeSchema = vehicleShape.make.unwrap();
const vehicleModelSchema = vehicleShape.model.unwrap();
const chargerModelSchema = ticketSchema.shape.charger.shape.model.unwrap();

export interface ContactInterviewDeps {
  messages: Messages;
  /** The car make a text names ("my Leaf" is a Nissan), by the recognizer's gazetteer. */
  vehicleMakeOf: (text: string) => string | undefined;
  /** The charger brand a text names, if the recognizer knows it ("zappi"). */
  chargerBrandOf: (text: string) => string | undefined;
}

export class ContactInterview {
  constructor(private readonly deps: ContactInterviewDeps) {}

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
      chargerBrand: valid(chargerModelSchema, request.entities.chargerBrand),
      // A model named earlier in the conversation ("my Mach-E") is not asked for again.
      chargerModel: valid(chargerModelSchema, request.charger?.model),
      vehicleMake: valid(vehicleMakeSchema, request.vehicle?.make ?? request.entities.vehicleMake),
      vehicleModel: valid(vehicleModelSchema, request.vehicle?.model),
    };
    const essentialOnly = request.reason === 'safety_hazard';
    const settled = handoffQuestions.filter(
      (question) => isAnswered(question, answers) || (essentialOnly && optionalQuestions.includes(question)),
    );
    const state: InterviewState = { answers: dropUndefined(answers), settled, essentialOnly, stage: { kind: 'summary' } };
    return this.next(request.raisedBy ? { ...state, forCustomer: true } : state, false);
  }

  private thanksFor(named: string[], state: InterviewState): string {
    return fillTemplate(state.forCustomer ? this.text.customerCorrected : this.text.corrected, { details: named.join(' and ') });
  }

  /** What an answer holds, by the names the driver is told (email address, phone number ...). */
  private namesOf(answer: Partial<Answers>): string[] {
    const { detailNames } = this.text;
    const named: Partial<Record<keyof Answers, string>> = {
      name: detailNames.name,
      email: detailNames.email,
      phone: detailNames.phone,
      postcode: detailNames.postcode,
      town: detailNames.town,
      chargerModel: detailNames.charger,
      vehicleMake: detailNames.vehicle,
    };
    return Object.keys(answer).flatMap((key) => {
      const name = named[key as keyof Answers];
      return name && answer[key as keyof Answers] ? [name] : [];
    });
  }

  /** A typed answer to whatever the interview asked; `recognition` is the message's, read once. */
  continue(state: InterviewState, message: string, recognition: Recognition, earlier: readonly string[] = []): InterviewTurn {
    const { buttons } = this.text;
    const { stage } = state;
    // "'; DROP TABLE tickets; --": code is no answer to anything, and nothing of it is kept.
    if (recognition.code) {
      const again =
        stage.kind === 'question' ? this.reask(state, [stage.question], stage.backToSummary) : this.ask(state, this.prompt(state));
      return withSaid(again, [this.text.notAnAnswer]);
    }
    const respelt = this.respelling(state, message);
    if (respelt) return respelt;
    // Details for other questions given on the way ("sorry, my number is ...") correct those answers.
    const corrected = this.corrections(state, message, stage.kind === 'question' ? stage.question : undefined);
    const noted = corrected ? [this.thanksFor([corrected.named], state)] : [];
    const current = corrected?.state ?? state;
    switch (stage.kind) {
      case 'question': {
        const { question, backToSummary } = stage;
        const answer = this.answer(question, message, current, recognition, !!corrected);
        if (!answer && corrected) return withSaid(this.askQuestion(current, question, backToSummary), noted);
        if (!answer) return this.otherwise(state, question, message, backToSummary, earlier);
        // "07700 900123 and it's LS6 2AB": the thanks names the answer too, not only the other detail.
        const thanks = corrected ? [this.thanksFor([...this.namesOf(answer), corrected.named], state)] : [];
        return withSaid(this.next(settle(current, question, answer), backToSummary), thanks);
      }
      case 'summary':
        if (corrected) return withSaid(this.ask(current, this.summary(current)), noted);
        if (this.confirms(message, recognition, state)) return { kind: 'confirmed', details: confirmedDetails(state.answers), state };
        return this.changeOrRetry(
          state,
          message,
          sameWords(message, buttons.change) || recognition.intent === 'deny' || /^\s*n[.!]?\s*$/i.test(message),
          this.text.summaryRetry,
        );
      case 'chooseChange': {
        if (corrected) return withSaid(this.ask({ ...current, stage: { kind: 'summary' } }, this.summary(current)), noted);
        const byLabel = this.changeable(state).find((question) => sameWords(message, this.text.questions[question].label));
        if (byLabel) return this.askQuestion(state, byLabel, true);
        if (sameWords(message, buttons.create)) return { kind: 'confirmed', details: confirmedDetails(state.answers), state };
        return this.changeOrRetry(state, message, false, this.text.whichToChangeRetry);
      }
    }
  }

  /**
   * "It's Sara without the h", "double t in the email": the spelling of the name or email given
   * already, corrected and said so, then what was waiting asked again. When it is not plain what the
   * new spelling is, that question is asked again instead of keeping a guess.
   */
  private respelling(state: InterviewState, message: string): InterviewTurn | undefined {
    const { stage, answers } = state;
    const asked = stage.kind === 'question' ? stage.question : undefined;
    const aboutEmail = /\be-?mail\b|@/i.test(message);
    const question: HandoffQuestion = aboutEmail ? 'reach' : 'name';
    const current = aboutEmail ? answers.email : answers.name;
    if (question === asked || !current) return undefined;
    const answersAsked = !!asked && this.read(asked, message, answers, state.forCustomer) !== undefined;
    const otherThing = (word: string) => !!this.deps.vehicleMakeOf(word) || !!this.deps.chargerBrandOf(word);
    const found = aboutEmail ? respeltEmail(current, message) : respeltName(current, message, { variantAlone: !answersAsked, otherThing });
    if (!found || ('value' in found && found.value === current)) return undefined;
    const backToSummary = stage.kind !== 'question' || stage.backToSummary;
    const value = 'value' in found ? valid(aboutEmail ? emailSchema : nameSchema, found.value) : undefined;
    if (!value) return withSaid(this.askQuestion(state, question, backToSummary), [this.text.respellingUnclear]);
    const changed = settle(state, question, aboutEmail ? { email: value } : { name: value });
    const { detailNames } = this.text;
    const noted = this.thanksFor([aboutEmail ? detailNames.email : detailNames.name], state);
    const again = asked
      ? this.askQuestion(changed, asked, backToSummary)
      : this.ask({ ...changed, stage: { kind: 'summary' } }, this.summary(changed));
    return withSaid(again, [noted]);
  }

  /**
   * A form's answers: what fits is kept, what is left open or does not fit is asked again (only that,
   * with its helpful message). A form sent from the summary corrects answers and returns to it.
   */
  continueWithAnswers(state: InterviewState, submitted: SubmittedAnswers): InterviewTurn {
    const backToSummary = state.stage.kind !== 'question' || state.stage.backToSummary;
    const problems: HandoffQuestion[] = [];
    let current = state;
    for (const question of this.changeable(state)) {
      const message = submitted[question]?.trim() ?? '';
      const open = !current.settled.includes(question);
      if (!message && !(open && !backToSummary)) continue;
      const answer = message
        ? this.answer(question, message, current)
        : optionalQuestions.includes(question)
          ? skippedAnswer(question)
          : undefined;
      if (answer) current = settle(current, question, answer);
      else problems.push(question);
    }
    return problems.length > 0 ? this.reask(current, problems, backToSummary) : this.next(current, backToSummary);
  }

  /**
   * The answer's contribution to `Answers` (a skip, for an optional question), or undefined when it
   * does not fit. `recognition` is the message's when typed alone (a plain "no" skips), not a form field's.
   */
  private answer(
    question: HandoffQuestion,
    message: string,
    state: InterviewState,
    recognition?: Recognition,
    corrects = false,
  ): Partial<Answers> | undefined {
    // "Oh wait, I gave you the wrong number, it's 07700 900270" corrects; it does not say no.
    const deniesIt = !corrects && recognition?.intent === 'deny' && Object.keys(contactDetailsIn(message)).length === 0;
    const skipping = optionalQuestions.includes(question) && ((!corrects && this.saysSkip(message)) || deniesIt);
    // "No idea what the car model is" at the charger question skips the car, not the charger.
    if (skipping && recognition && this.skipsAhead(state, question, message)) return undefined;
    return skipping ? skippedAnswer(question) : this.read(question, message, state.answers, state.forCustomer);
  }

  /**
   * A message that gives no answer to the question but says something about the interview: the
   * detail "given earlier" ("same as before", "use the number I gave you"), another way to be reached
   * ("actually email is better"), an optional question skipped before it comes ("I don't know the
   * charger model"). Otherwise: `notFitting`.
   */
  private otherwise(
    state: InterviewState,
    question: HandoffQuestion,
    message: string,
    backToSummary: boolean,
    earlier: readonly string[],
  ): InterviewTurn {
    if (this.text.earlierWords.some((phrase) => mentions(message, phrase, ['not', 'no', 'never']))) {
      const found = this.givenEarlier(question, earlier);
      if (!found) return withSaid(this.reask(state, [question], backToSummary), [this.text.earlierNotFound]);
      const noted = this.thanksFor([found.named], state);
      return withSaid(this.next(settle(state, question, found.answer), backToSummary), [noted]);
    }
    if (this.asksForOtherReach(question, message)) return this.askQuestion(state, 'reach', backToSummary);
    const named = this.skipsAhead(state, question, message);
    if (named) {
      const skipped = settle(state, named, skippedAnswer(named));
      const note = fillTemplate(this.text.skippedAhead, { details: this.text.detailNames[named === 'charger' ? 'charger' : 'vehicle'] });
      return withSaid(this.askQuestion(skipped, question, backToSummary), [note]);
    }
    return this.notFitting(state, question, message, backToSummary);
  }

  /**
   * Whether the message, at a question, is about the interview rather than anything else ("same as
   * before", "can you text me instead", "I don't know the charger model"): the interview's to answer,
   * whatever the recognizer hears in it.
   */
  talksAboutTheInterview(state: InterviewState, message: string): boolean {
    const { stage } = state;
    if (stage.kind !== 'question' || words(message).length > 12) return false;
    return (
      this.text.earlierWords.some((phrase) => mentions(message, phrase, ['not', 'no', 'never'])) ||
      this.asksForOtherReach(stage.question, message) ||
      !!this.skipsAhead(state, stage.question, message)
    );
  }

  private asksForOtherReach(question: HandoffQuestion, message: string): boolean {
    return question !== 'reach' && prefersOtherReach.test(message) && words(message).length <= 12;
  }

  /** The optional question, not asked yet, that the message skips ("I don't know the charger model"). */
  private skipsAhead(state: InterviewState, question: HandoffQuestion, message: string): HandoffQuestion | undefined {
    // "Dunno the postcode" at the postcode question is about that question; so is "dunno the model" at
    // "Which charger model?": a word of the label of the question asked does not name another one.
    const asked = words(this.text.questions[question].label);
    const first = this.namedQuestion(message, state);
    const named =
      first &&
      first !== question &&
      this.text.questions[first].words.some((word) => !asked.includes(word.toLowerCase()) && mentions(message, word))
        ? first
        : undefined;
    const skips =
      named &&
      named !== question &&
      optionalQuestions.includes(named) &&
      !state.settled.includes(named) &&
      this.saysSkip(message) &&
      words(message).length <= 12;
    return skips ? named : undefined;
  }

  /** The detail for `question` in what the user wrote earlier in the conversation, the latest first. */
  private givenEarlier(question: HandoffQuestion, earlier: readonly string[]): { answer: Partial<Answers>; named: string } | undefined {
    const { detailNames } = this.text;
    for (const text of [...earlier].reverse()) {
      const found = contactDetailsIn(text);
      if (question === 'reach' && (found.email || found.phone)) {
        const named = [found.email && detailNames.email, found.phone && detailNames.phone].filter(Boolean).join(' and ');
        return { answer: dropUndefined({ email: found.email, phone: found.phone }), named };
      }
      if (question === 'site' && (found.postcode || found.town)) {
        const named = [found.postcode && detailNames.postcode, found.town && detailNames.town].filter(Boolean).join(' and ');
        return { answer: dropUndefined({ postcode: found.postcode, town: found.town }), named };
      }
      const name = question === 'name' ? valid(nameSchema, found.name) : undefined;
      if (name) return { answer: { name: writtenAsAName(name) }, named: detailNames.name };
    }
    return undefined;
  }

  /**
   * What to say when an answer does not fit: for a question that cannot be skipped, "rather not say"
   * or "dunno" hears why it is needed (a first name will do, the town if not the postcode); a US ZIP
   * code, that a UK postcode or the town is wanted; otherwise the question's own retry.
   */
  private notFitting(state: InterviewState, question: HandoffQuestion, message: string, backToSummary: boolean): InterviewTurn {
    const { needed } = this.wording(state, question);
    if (needed && this.refuses(question, message)) {
      // Refused again: not the same explanation at length, but the way forward.
      if (state.refused?.includes(question)) return withSaid(this.reask(state, [question], backToSummary), [this.text.refusedAgain]);
      const refused = { ...state, refused: [...(state.refused ?? []), question] };
      return withSaid(this.reask(refused, [question], backToSummary), [needed]);
    }
    const retry = this.reask(state, [question], backToSummary);
    return question === 'site' && zipCode.test(message) ? withSaid(retry, [this.text.zipCode]) : retry;
  }

  /** A short "rather not say", "dunno", "I don't want to give my number out" at a question that cannot be skipped. */
  private refuses(question: HandoffQuestion, message: string): boolean {
    // A long story that says "I don't know what else to do" is not a refusal.
    const short = words(message).length <= 15;
    return (
      !optionalQuestions.includes(question) &&
      short &&
      (this.saysSkip(message) || this.text.declineWords.some((phrase) => mentions(message, phrase)))
    );
  }

  /** "Yes, create it", a plain yes, or "looks right, create it" at the summary; "change my email" is not. */
  private confirms(message: string, recognition: Recognition, state: InterviewState): boolean {
    // "y" alone is a yes as people type it.
    if (sameWords(message, this.text.buttons.create) || /^\s*y[.!]?\s*$/i.test(message)) return true;
    if (this.namedQuestion(message, state) || recognition.intent === 'deny') return false;
    // "www.example.com" may lean to a yes by a little: a ticket is made only on a plain one.
    const plainYes = recognition.intent === 'affirm' && recognition.confidence >= confidentYes;
    return (
      plainYes ||
      opensWithYesOrNo(message) === 'yes' ||
      this.text.confirmWords.some((phrase) => mentions(message, phrase, ['not', 'no', 'never']))
    );
  }

  /** Whether the message answers the question being asked ("Priya Shah here" at the name question). */
  answersQuestion(state: InterviewState, message: string): boolean {
    const { stage } = state;
    return stage.kind === 'question' && this.read(stage.question, message, state.answers, state.forCustomer) !== undefined;
  }

  /**
   * "I don't want to give my number out", "rather not say" at a question that cannot be skipped:
   * refusing that detail, not the handoff (the question's `needed` says why it is asked).
   */
  declinesDetail(state: InterviewState, message: string): boolean {
    const { stage } = state;
    return (
      stage.kind === 'question' &&
      !optionalQuestions.includes(stage.question) &&
      !this.saysCancel(message) &&
      !!this.wording(state, stage.question).needed &&
      this.refuses(stage.question, message)
    );
  }

  /** "Cancel please, she'll wait for her husband": stopping the handoff in words. */
  saysCancel(message: string): boolean {
    return this.text.cancelWords.some((phrase) => mentions(message, phrase, ['not', 'no', 'never']));
  }

  /** The interview's own buttons and words ("Skip", "Change something", a question's label): never read as anything else. */
  ownWords(message: string): boolean {
    const labels = handoffQuestions.map((question) => this.text.questions[question].label);
    return this.saysSkip(message) || [...Object.values(this.text.buttons), ...labels].some((label) => sameWords(message, label));
  }

  private saysSkip(message: string): boolean {
    return sameWords(message, this.text.buttons.skip) || this.text.skipWords.some((phrase) => mentions(message, phrase));
  }

  /** The first of the questions whose answers did not fit, with its helpful message; a form gets them all. */
  private reask(state: InterviewState, questions: HandoffQuestion[], backToSummary: boolean, retry?: string): InterviewTurn {
    const [first] = questions;
    const stage: Stage = { kind: 'question', question: first, backToSummary };
    const form = this.form(state, backToSummary ? questions : this.open(state), questions);
    return this.ask({ ...state, stage }, { text: retry ?? this.wording(state, first).retry, buttons: this.buttonsFor(first), form });
  }

  private form(state: InterviewState, questions: HandoffQuestion[], problems: HandoffQuestion[] = []): ContactForm {
    const fields = questions.map((question) => ({
      question,
      label: this.askText(state, question),
      optional: optionalQuestions.includes(question),
      ...(problems.includes(question) ? { problem: this.wording(state, question).retry } : {}),
    }));
    return { fields, send: this.text.buttons.send, cancel: this.text.buttons.cancel };
  }

  /** The question's wording: the customer's details when field staff raise the ticket. */
  private wording(state: InterviewState, question: HandoffQuestion): { ask: string; retry: string; askModel?: string; needed?: string } {
    return state.forCustomer ? this.text.customerQuestions[question] : this.text.questions[question];
  }

  /** The question, for the make or brand already named: "Which model is your Kia?", "Which Ohme model?". */
  private askText(state: InterviewState, question: HandoffQuestion): string {
    const wording = this.wording(state, question);
    const named = question === 'vehicle' ? state.answers.vehicleMake : question === 'charger' ? state.answers.chargerBrand : undefined;
    return named && wording.askModel ? fillTemplate(wording.askModel, { make: userText(named), brand: userText(named) }) : wording.ask;
  }

  private open(state: InterviewState): HandoffQuestion[] {
    return handoffQuestions.filter((question) => !state.settled.includes(question));
  }

  /** A question named in the message ("change my email") is asked again; otherwise the choices. */
  private changeOrRetry(state: InterviewState, message: string, wantsChoices: boolean, retry: string): InterviewTurn {
    const named = this.namedQuestion(message, state);
    if (named) return this.askQuestion(state, named, true);
    const choices = this.choices(state);
    if (wantsChoices) return this.ask({ ...state, stage: { kind: 'chooseChange' } }, choices);
    return state.stage.kind === 'chooseChange' ? this.ask(state, { ...choices, text: retry }) : this.ask(state, this.summary(state, retry));
  }

  private choices(state: InterviewState): InterviewPrompt {
    return {
      text: this.text.whichToChange,
      buttons: [...this.changeable(state).map((q) => this.text.questions[q].label), this.text.buttons.cancel],
    };
  }

  private namedQuestion(message: string, state: InterviewState): HandoffQuestion | undefined {
    return this.changeable(state).find((question) => this.text.questions[question].words.some((word) => mentions(message, word)));
  }

  private changeable(state: InterviewState): HandoffQuestion[] {
    return handoffQuestions.filter((question) => !(state.essentialOnly && optionalQuestions.includes(question)));
  }

  /** What the interview waits on, asked again: the question, the summary or the choice of what to change. */
  prompt(state: InterviewState): InterviewPrompt {
    const { stage } = state;
    if (stage.kind === 'summary') return this.summary(state);
    if (stage.kind === 'chooseChange') return this.choices(state);
    const turn = this.askQuestion(state, stage.question, stage.backToSummary);
    return (turn as Extract<InterviewTurn, { kind: 'ask' }>).prompt;
  }

  /**
   * The email, phone number and postcode a message gives, kept when something more urgent is said
   * with them ("07700 900919 and the plug looks like it's melting"); the question they answer is not
   * asked again. Names and towns are not read out of such a message.
   */
  keepDetails(state: InterviewState, message: string): InterviewState {
    const found = contactDetailsIn(message);
    let current = state;
    if (found.email || found.phone) current = settle(current, 'reach', dropUndefined({ email: found.email, phone: found.phone }));
    if (found.postcode) current = settle(current, 'site', { postcode: found.postcode });
    const { stage } = current;
    if (current === state || stage.kind !== 'question' || !current.settled.includes(stage.question)) return current;
    return (this.next(current, stage.backToSummary) as Extract<InterviewTurn, { kind: 'ask' }>).state;
  }

  /** The interview for a safety handoff: only what an installer cannot do without is still asked. */
  essentialOnly(state: InterviewState): InterviewState {
    const essential = { ...state, essentialOnly: true, settled: [...new Set([...state.settled, ...optionalQuestions])] };
    const onOptional = state.stage.kind === 'question' && optionalQuestions.includes(state.stage.question);
    return onOptional ? (this.next(essential, false) as Extract<InterviewTurn, { kind: 'ask' }>).state : essential;
  }

  /** The first question not settled yet, or the summary (also straight after a correction). */
  private next(state: InterviewState, backToSummary: boolean): InterviewTurn {
    const [open] = backToSummary ? [] : this.open(state);
    if (open) return this.askQuestion(state, open, false);
    return this.ask({ ...state, stage: { kind: 'summary' } }, this.summary(state));
  }

  private askQuestion(state: InterviewState, question: HandoffQuestion, backToSummary: boolean): InterviewTurn {
    const wording = this.wording(state, question);
    const text = backToSummary ? wording.ask : this.askText(state, question);
    const form = this.form(state, backToSummary ? [question] : this.open(state));
    return this.ask({ ...state, stage: { kind: 'question', question, backToSummary } }, { text, buttons: this.buttonsFor(question), form });
  }

  private buttonsFor(question: HandoffQuestion): string[] {
    const { skip, cancel } = this.text.buttons;
    return optionalQuestions.includes(question) ? [skip, cancel] : [cancel];
  }

  private ask(state: InterviewState, prompt: InterviewPrompt): InterviewTurn {
    return { kind: 'ask', prompt, state };
  }

  /** The details as the installer will get them, with Yes / Change / Cancel; `note` goes first. */
  summary(state: InterviewState, note?: string): InterviewPrompt & { summary: SummaryLayout } {
    const { summaryLabels, summaryLine, summary, buttons } = this.text;
    const { answers } = state;
    const vehicle = [answers.vehicleMake, answers.vehicleModel].filter(Boolean).join(' ');
    const lines: [string, string | undefined][] = [
      [summaryLabels.name, answers.name],
      [summaryLabels.email, answers.email],
      [summaryLabels.phone, answers.phone],
      [summaryLabels.postcode, answers.postcode],
      [summaryLabels.town, answers.town],
      [summaryLabels.charger, answers.chargerModel ?? answers.chargerBrand],
      [summaryLabels.vehicle, vehicle || undefined],
    ];
    const facts = lines
      .filter((line): line is [string, string] => line[1] !== undefined)
      .map(([label, value]) => ({ label, value: userText(value) }));
    const details = facts.map((fact) => fillTemplate(summaryLine, fact)).join('\n');
    // The template's words around {details} lead into and close the laid-out summary.
    const [lead, question = ''] = summary.split('{details}').map((part) => part.trim());
    const noted = (text: string) => (note ? `${note}\n\n${text}` : text);
    return {
      text: noted(fillTemplate(summary, { details })),
      buttons: [buttons.create, buttons.change, buttons.cancel],
      summary: { lead: noted(lead), facts, question },
    };
  }

  /**
   * The answer's contribution to `Answers`, or undefined when it does not fit the question: the
   * detail is taken out of a sentence ("you can call me on 07700 900123"), and a sentence about
   * something else ("the cable is still stuck") fits no question.
   */
  private read(question: HandoffQuestion, message: string, answers: Answers, forCustomer = false): Partial<Answers> | undefined {
    // "je ne sais pas" is no town, nor "Bonjour, je m'appelle Pierre" a charger.
    if (hasCode(message) || isNotEnglish(message)) return undefined;
    switch (question) {
      case 'name': {
        const name = valid(nameSchema, nameIn(message, { someoneElse: forCustomer }));
        return name ? { name: writtenAsAName(name) } : undefined;
      }
      case 'reach': {
        const email = emailIn(message);
        const phone = phoneIn(email ? message.replace(/\S+@\S+/g, ' ') : message);
        return email || phone ? { email, phone } : undefined;
      }
      case 'site': {
        const postcode = postcodeIn(message);
        // "Leeds LS6": the postcode's first half alone is no postcode, and the town stands.
        const halfPostcode = new RegExp(`\\b${outwardCode}\\b`, 'gi');
        const text = postcode ? message : message.replace(halfPostcode, ' ').replace(/\s+/g, ' ');
        // "swansea": a town typed all in lower case is written as towns are.
        const typed = text.trim() ? townIn(text, true) : undefined;
        const town = typed && writtenAsAName(typed);
        return postcode || town ? { postcode, town } : undefined;
      }
      case 'charger': {
        const typed = productIn(message);
        // "Home Pro" to "Which Ohme model?" is an Ohme Home Pro.
        const brand = answers.chargerBrand;
        const named = typed && brand && !typed.toLowerCase().includes(brand.toLowerCase().split(' ').at(-1)!) ? `${brand} ${typed}` : typed;
        const chargerModel = valid(chargerModelSchema, named);
        // "banana": one everyday word, and no charger brand anyone knows, is no charger model.
        if (chargerModel && !brand && !this.deps.chargerBrandOf(chargerModel) && oneEverydayWord(chargerModel)) return undefined;
        return chargerModel ? { chargerModel } : undefined;
      }
      case 'vehicle':
        return this.readVehicle(message, answers.vehicleMake);
    }
  }

  /**
   * Contact details the message gives for questions other than `asked`, as corrections: the state
   * with them settled, and the details named for the acknowledgement. None: undefined.
   */
  private corrections(
    state: InterviewState,
    message: string,
    asked: HandoffQuestion | undefined,
  ): { state: InterviewState; named: string } | undefined {
    const found = contactDetailsIn(message);
    const { detailNames } = this.text;
    const named: string[] = [];
    let current = state;
    const take = (question: HandoffQuestion, answer: Partial<Answers>, ...names: string[]) => {
      if (question === asked || !this.changeable(state).includes(question)) return;
      current = settle(current, question, answer);
      named.push(...names);
    };
    // "sorry that's wrong, it's .co.uk", "gmail not hotmail", "the postcode is LS6 not LS1": part of a
    // detail given already, given again. What it mends is that detail, not a name ("gmail").
    const { email, postcode } = state.answers;
    const mendedEmail = email && !found.email ? emailMended(email, message) : undefined;
    const mendedPostcode = postcode && !found.postcode ? postcodeMended(postcode, message) : undefined;
    if (mendedEmail) take('reach', { email: mendedEmail, phone: state.answers.phone }, detailNames.email);
    if (mendedPostcode) take('site', { postcode: mendedPostcode, town: state.answers.town }, detailNames.postcode);
    if (mendedEmail || mendedPostcode) return named.length > 0 ? { state: current, named: named.join(' and ') } : undefined;
    if (found.email || found.phone) {
      take(
        'reach',
        dropUndefined({ email: found.email, phone: found.phone }),
        ...(found.email ? [detailNames.email] : []),
        ...(found.phone ? [detailNames.phone] : []),
      );
    }
    if (found.postcode || found.town) {
      take(
        'site',
        dropUndefined({ postcode: found.postcode, town: found.town }),
        ...(found.postcode ? [detailNames.postcode] : []),
        ...(found.town ? [detailNames.town] : []),
      );
    }
    // "Oh it's Stockport" at the town question is the town, not a new name.
    const answered = asked ? Object.values(this.read(asked, message, state.answers) ?? {}).map((value) => String(value).toLowerCase()) : [];
    const isTheAnswer = (value: string) => answered.includes(value.toLowerCase());
    if (found.name && valid(nameSchema, found.name) && !isTheAnswer(found.name)) take('name', { name: found.name }, detailNames.name);
    // "Oh and it's Penarth not Cardiff": a value given instead of one answered already.
    const instead = insteadOf.exec(message);
    if (instead) {
      const [, given, wrong] = instead;
      const value = given.replace(insteadLeadIns, '').trim();
      if (current.answers.town?.toLowerCase() === wrong.toLowerCase() && valid(townSchema, value))
        take('site', { town: value, postcode: current.answers.postcode }, detailNames.town);
      if (current.answers.name?.toLowerCase() === wrong.toLowerCase() && valid(nameSchema, value))
        take('name', { name: value }, detailNames.name);
    }
    // "Aoife Quinn, aoife@example.ie, BT7 1NN, zappi, kia niro": the charger and the car in their own parts.
    const clauses = message
      .split(/[,;\n]/)
      .map((clause) => clause.trim())
      .filter(Boolean);
    // A charger named at the car question ("zappi 2") is the charger, and the car is asked again.
    if (clauses.length > 1 || (asked === 'vehicle' && this.namesOnlyACharger(message))) {
      const charger = clauses.find((clause) => this.namesOnlyACharger(clause));
      const chargerAnswer = charger && this.read('charger', charger, current.answers);
      if (chargerAnswer) take('charger', chargerAnswer, detailNames.charger);
      const vehicle = clauses.find((clause) => this.deps.vehicleMakeOf(clause) && !this.deps.chargerBrandOf(clause));
      const vehicleAnswer = vehicle && this.readVehicle(vehicle, current.answers.vehicleMake);
      if (vehicleAnswer) take('vehicle', vehicleAnswer, detailNames.vehicle);
      // "..., Inverness, ...": a town on its own among the parts, the name and the products aside
      // ("it's dave, dave thompson, ring me ...": the name said twice is no town).
      const nameWords = new Set(words([current.answers.name, asked === 'name' ? nameIn(message) : undefined].filter(Boolean).join(' ')));
      const town =
        clauses.length > 2 && !current.settled.includes('site')
          ? clauses
              .slice(1)
              .find(
                (clause) =>
                  clause !== charger &&
                  clause !== vehicle &&
                  !words(clause).some((word) => nameWords.has(word)) &&
                  !contactDetailsIn(clause).phone &&
                  !contactDetailsIn(clause).email &&
                  townIn(clause, true),
              )
          : undefined;
      if (town) take('site', { town: townIn(town, true) }, detailNames.town);
    }
    return named.length > 0 ? { state: current, named: named.join(' and ') } : undefined;
  }

  private namesOnlyACharger(text: string): boolean {
    return !!this.deps.chargerBrandOf(text) && !this.deps.vehicleMakeOf(text);
  }

  /**
   * "Nissan Leaf", "Leaf" (the recognizer knows whose model it is) or, when the make is known, just
   * the model. A make the recognizer does not know is kept as typed.
   */
  private readVehicle(message: string, knownMake: string | undefined): Partial<Answers> | undefined {
    if (this.namesOnlyACharger(message)) return undefined;
    // "2021 kia e-niro", "VW ID.4 (2022)": the year is no part of the model.
    const withoutYear = message
      .replace(/\(?\b(?:19|20)\d{2}\b\)?/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const product = productIn(withoutYear);
    if (!product) return undefined;
    const recognisedMake = this.deps.vehicleMakeOf(product);
    const make = recognisedMake ?? knownMake;
    if (!make && oneEverydayWord(product)) return undefined;
    const typed = product;
    // "VW ID.4", "merc eqa": the make's nickname goes with the make.
    const rest = make
      ? typed
          .replace(new RegExp(`\\b${escapeRegExp(make)}\\b`, 'i'), '')
          .trim()
          .replace(/^([\p{L}-]+)\s+/u, (word, first: string) =>
            makeNicknames.has(first.toLowerCase()) && this.deps.vehicleMakeOf(first) === make ? '' : word,
          )
          .trim()
      : typed;
    const vehicle = make ? { vehicleMake: make, vehicleModel: rest || undefined } : { vehicleMake: typed, vehicleModel: undefined };
    const fits =
      vehicleShape.make.safeParse(vehicle.vehicleMake).success &&
      vehicleShape.model.safeParse(vehicle.vehicleModel).success &&
      typed.length > 0;
    return fits ? vehicle : undefined;
  }
}

/** The turn with `said` going before its question. */
function withSaid(turn: InterviewTurn, said: string[]): InterviewTurn {
  return turn.kind === 'ask' && said.length > 0 ? { ...turn, say: [...said, ...(turn.say ?? [])] } : turn;
}

function settle(state: InterviewState, question: HandoffQuestion, answer: Partial<Answers>): InterviewState {
  return { ...state, answers: dropUndefined({ ...state.answers, ...answer }), settled: [...new Set([...state.settled, question])] };
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
    charger: dropUndefined({ model: answers.chargerModel ?? answers.chargerBrand }),
  });
}

/** "Actually email is better", "can you text me instead", "I'd prefer a call": another way to be reached. */
const prefersOtherReach =
  /\b(?:e-?mail|text|txt|phone|call|ring|number|mobile)\b.*\b(?:better|instead|rather|prefer(?:red)?|easier)\b|\bprefer\b.*\b(?:e-?mail|text|phone|call|ring)\b/i;

/** How sure the recognizer must be of a yes for it to create the ticket at the summary. */
const confidentYes = 0.7;

/** A single word of the dictionary ("banana", "hello"): no make or model of a car or charger on its own. */
function oneEverydayWord(text: string): boolean {
  const parts = text.trim().split(/\s+/);
  return parts.length === 1 && isEnglishWord(parts[0].toLowerCase());
}

/** What people call a car make for short ("VW ID.4", "merc EQA"): written before the model, it is the make. */
const makeNicknames = new Set(['vw', 'v-dub', 'merc', 'benz', 'mercedes', 'chevy', 'pug', 'beemer', 'bimmer', 'opel']);

/** A name or town typed all in capitals or all in lower case, written as names are ("DAVE SMITH", "swansea"). */
function writtenAsAName(text: string): string {
  const letters = text.replace(/[^\p{L}]/gu, '');
  const oneCase = letters === letters.toLowerCase() || (letters === letters.toUpperCase() && letters.length > 3);
  return oneCase ? (titleCase(text.toLowerCase()) ?? text) : text;
}

/** A US ZIP code ("94103", "ZIP 94103-1234"): no UK postcode. */
const zipCode = /(?:^|\s|zip\s*(?:code)?\s*(?:is)?\s*:?\s*)\d{5}(?:-\d{4})?(?:\s|$|[.,!])/i;

/** "X not Y", "X instead of Y": the first replaces the second. */
const replacing = /([\p{L}\p{N}@._-]+)\s*,?\s+(?:not|instead of|rather than)\s+([\p{L}\p{N}@._-]+)/iu;

/**
 * The email address with the part the message gives again: a new domain ("@outlook.com"), a new
 * ending (".co.uk", "dot net"), or one part for another ("gmail not hotmail", "kboyd not kboy").
 */
function emailMended(email: string, message: string): string | undefined {
  const text = message.replace(/\s+dot\s+|\s*\(dot\)\s*/gi, '.').replace(/\bdot\s+(?=[a-z]{2,}\b)/gi, '.');
  const [user, domain] = email.split('@');
  const newDomain = /(?:^|\s)@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)/u.exec(text)?.[1];
  if (newDomain) return valid(emailSchema, `${user}@${newDomain}`);
  const instead = replacing.exec(text);
  if (instead) {
    const [right, wrong] = [instead[1], instead[2]].map((part) => part.replace(/^[@.]+|[.,!]+$/g, '').toLowerCase());
    const part = new RegExp(`(^|[@.])${escapeRegExp(wrong)}(?=$|[@.])`);
    if (wrong && right && part.test(email)) return valid(emailSchema, email.replace(part, `$1${right}`));
  }
  const ending = /(?:^|\s)((?:\.[a-z]{2,}){1,2})(?=$|[\s!,;]|\.(?:\s|$))/i.exec(text)?.[1];
  if (ending) return valid(emailSchema, `${user}@${domain.split('.')[0]}${ending.toLowerCase()}`);
  return undefined;
}

const outwardCode = String.raw`[A-Z]{1,2}\d[A-Z\d]?`;
const inwardCode = String.raw`\d[A-Z]{2}`;
const postcodePartInstead = new RegExp(
  `\\b(${outwardCode}|${inwardCode})\\s*,?\\s+(?:not|instead of|rather than)\\s+(${outwardCode}|${inwardCode})\\b`,
  'i',
);
const outwardSaid = new RegExp(
  `\\bpost\\s?code\\b[^.?!]*?\\b(?:is|starts(?: with)?|begins(?: with)?|should be)\\s+(${outwardCode})\\b(?!\\s*\\d)`,
  'i',
);

/** The postcode with one half given again: "LS6 not LS1", "it's 4AP not 4PA", "the postcode starts LS6". */
function postcodeMended(postcode: string, message: string): string | undefined {
  const [outward, inward] = postcode.split(' ');
  const instead = postcodePartInstead.exec(message);
  if (instead) {
    const [right, wrong] = [instead[1].toUpperCase(), instead[2].toUpperCase()];
    if (wrong === outward) return valid(postcodeSchema, `${right} ${inward}`);
    if (wrong === inward) return valid(postcodeSchema, `${outward} ${right}`);
    return undefined;
  }
  const said = outwardSaid.exec(message)?.[1]?.toUpperCase();
  return said && said !== outward ? valid(postcodeSchema, `${said} ${inward}`) : undefined;
}

const insteadOf =
  /([\p{L}][\p{L}'’.-]*(?:\s+[\p{L}][\p{L}'’.-]*){0,3})\s*,?\s+not\s+([\p{L}][\p{L}'’.-]*(?:\s+[\p{L}][\p{L}'’.-]*){0,2}?)[\s,.!]*(?:sorry)?[\s,.!]*$/iu;
const insteadLeadIns = /^(?:(?:oh|and|sorry|actually|no|wait|it's|its|it is|i mean|i meant|the town is|town is|my name is|name is)\s+)+/i;

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
