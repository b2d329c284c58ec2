import path from 'node:path';
import { z } from 'zod';
import { handoffReasons } from '../tickets/ticket';
import { contentDirs } from '../paths';
import { loadYamlFile } from '../yamlFiles';

const text = z.string().min(1);

/** The procedures that have a name and an intro; dialogs/procedures/ holds one file for each. */
export const procedureScenarios = ['cable_stuck', 'stuck_in_car', 'stuck_in_charger', 'power_cut', 'cold_weather'] as const;
export type ProcedureScenario = (typeof procedureScenarios)[number];

/** An object with exactly these keys, each validated by `value`. */
const exactlyEach = <K extends string, V extends z.ZodType>(keys: readonly K[], value: V) =>
  z.object(Object.fromEntries(keys.map((key) => [key, value])) as Record<K, V>).strict();

/** The handoff's questions, in the order they are asked; `charger` and `vehicle` may be skipped. */
export const handoffQuestions = ['name', 'reach', 'site', 'charger', 'vehicle'] as const;
export type HandoffQuestion = (typeof handoffQuestions)[number];

/** `needed`: said instead of `retry` when a question that cannot be skipped is refused or not known. */
const handoffQuestion = z.object({ ask: text, retry: text, needed: text.optional(), label: text, words: z.array(text).min(1) }).strict();

const customerQuestion = z.object({ ask: text, retry: text, needed: text.optional() }).strict();

const handoffSchema = z
  .object({
    questions: exactlyEach(handoffQuestions, handoffQuestion).extend({
      charger: handoffQuestion.extend({ askModel: text }),
      vehicle: handoffQuestion.extend({ askModel: text }),
    }),
    customerQuestions: exactlyEach(handoffQuestions, customerQuestion).extend({
      charger: customerQuestion.extend({ askModel: text }),
      vehicle: customerQuestion.extend({ askModel: text }),
    }),
    skipWords: z.array(text).min(1),
    /** Refusing a detail ("rather not", "I don't want to give my number"): the question's `needed`. */
    declineWords: z.array(text).min(1),
    /** Code given as an answer: said before the question again. */
    notAnAnswer: text,
    /** Text written to steer the bot ("ignore previous instructions"): said before the question again. */
    notAnInstruction: text,
    /** A detail that cannot be skipped, refused again: shorter than `needed`, with the way out. */
    refusedAgain: text,
    /** "Same as before", "the number I gave earlier": phrases that point back to a detail given already. */
    earlierWords: z.array(text).min(1),
    /** ...when nothing of the kind was given earlier in the conversation. */
    earlierNotFound: text,
    /** An optional question skipped before it was asked ("I don't know the charger model"). */
    skippedAhead: text,
    /** A US ZIP code given for the postcode. */
    zipCode: text,
    /** Before the ticket, "will someone call today?" (`waitWords`): when an installer gets in touch. */
    whenContact: text,
    /** After the ticket, questions about when someone will be in touch: the reference and the time again. */
    waitWords: z.array(text).min(1),
    /** Questions asking why a detail is wanted; answered with `whyWeAsk`. */
    whyWords: z.array(text).min(1),
    whyWeAsk: text,
    buttons: z.object({ skip: text, create: text, change: text, cancel: text, send: text, keepGoing: text, noLonger: text }).strict(),
    summary: text,
    summaryLine: text,
    summaryLabels: z.object({ name: text, email: text, phone: text, postcode: text, town: text, charger: text, vehicle: text }).strict(),
    summaryRetry: text,
    confirmWords: z.array(text).min(1),
    corrected: text,
    customerCorrected: text,
    /** A spelling correction that could not be applied plainly: said before the detail's question again. */
    respellingUnclear: text,
    cancelWords: z.array(text).min(1),
    detailNames: z.object({ name: text, email: text, phone: text, postcode: text, town: text, charger: text, vehicle: text }).strict(),
    alreadyInProgress: text,
    noted: text,
    help: text,
    stillWanted: text,
    stillWantedQuestion: text,
    continuing: text,
    noLongerWanted: text,
    freedAfterTicket: text,
    whichToChange: text,
    whichToChangeRetry: text,
    cancelled: text,
    created: text,
    alreadyCreated: text,
    notCreated: text,
    /** The receiver refused the ticket for good: said once, on the driver's next message. */
    notDelivered: text,
  })
  .strict();

/** What the support team reads in its Teams channel during a live handoff (src/channels/liveAgents). */
const liveStaffSchema = z
  .object({
    cardTitle: text,
    cardIntro: text,
    labels: z
      .object({
        reference: text,
        reason: text,
        scenario: text,
        contact: text,
        site: text,
        vehicle: text,
        charger: text,
        stepsTried: text,
        lastMessages: text,
        notGiven: text,
      })
      .strict(),
    speakers: z.object({ user: text, bot: text }).strict(),
    waiting: text,
    takenBy: text,
    endedBy: text,
    closedBy: text,
    buttons: z.object({ takeOver: text, end: text }).strict(),
    joined: text,
    alreadyTaken: text,
    alreadyYours: text,
    notTaken: text,
    notYours: text,
    alreadyEnded: text,
    notOpen: text,
    unreachable: text,
    tooLong: text,
    refused: text,
    driverSays: text,
    driverHazard: text,
    transcriptTitle: text,
  })
  .strict();

export const buttonKeys = ['freed', 'stillStuck', 'yes', 'no', 'car', 'charger', 'both', 'damaged', 'person'] as const;
export type ButtonKey = (typeof buttonKeys)[number];

/** Every template the engine uses must be here: a missing one fails at load time, not mid-chat. */
export const messagesSchema = z
  .object({
    welcome: text,
    welcomePrompt: text,
    welcomeForStaff: text,
    welcomePromptForStaff: text,
    lostPlace: text,
    turnError: text,
    turnErrorRestart: text,
    turnBusy: text,
    stateUnavailable: text,
    defaultNames: z.object({ car: text, charger: text }).strict(),
    scenarios: exactlyEach(procedureScenarios, z.object({ name: text, intro: text }).strict()),
    questions: z.record(z.string().regex(/^[a-zA-Z]+$/), text).refine((q) => 'didItComeFree' in q && 'whichEnd' in q, {
      message: 'questions must include didItComeFree and whichEnd',
    }),
    buttons: exactlyEach(buttonKeys, text),
    alreadyTried: text,
    nextStep: text,
    stepReplies: z
      .object({
        triedBefore: text,
        partly: text,
        progress: text,
        waiting: text,
        stepAgain: text,
        cannotMoveOn: text,
        /** A driver losing patience: said before the step again, with the offer of a person. */
        impatient: text,
        /** A step said to be done earlier turns out not to be: back to it. */
        backToStep: text,
        /** A fact that answered a check earlier (the power) is now said the other way. */
        factChanged: text,
        /** "Not sure" to a yes/no or which-end question with no help of its own. */
        unsure: text,
        /** "What now?" at a step the driver has said nothing of: what to do now ({step}: its title), in short. */
        whatNow: text,
        /** "What else can I try?" at the last step, before it is said to have failed: what is left. */
        lastThing: text,
      })
      .strict(),
    /** What a driver losing patience writes ("this is useless", "just tell me"). */
    impatienceWords: z.array(text).min(1),
    clarify: z.object({ didItWork: text }).strict(),
    oneEndFree: text,
    bothEnds: text,
    switchingScenario: text,
    help: text,
    helpAtStep: text,
    faqResume: text,
    notUnderstood: text,
    notUnderstoodAgain: text,
    outOfScope: text,
    cancelled: text,
    youreWelcome: text,
    freed: text,
    ratingPrompt: text,
    ratingRetry: text,
    ratingThanks: text,
    ratingSkipped: text,
    /** Ratings said in words, by score ("excellent" is 5): phrases as drivers write them. */
    ratingWords: z.partialRecord(z.enum(['1', '2', '3', '4', '5']), z.array(text)),
    /** Emoji as a rating, by score ("👎" is a 1, not a "no"). */
    ratingEmoji: z.partialRecord(z.enum(['1', '2', '3', '4', '5']), z.array(text)),
    /** Declining to rate ("no thanks", "not doing a survey"): `ratingSkipped`, not asked again. */
    ratingDeclineWords: z.array(text).min(1),
    handoffStarting: text,
    handoffNext: text,
    handoffNextForStaff: text,
    handoffReasons: exactlyEach(handoffReasons, text),
    live: z.object({ offered: text, closed: text, joined: text, says: text, left: text, stillStuck: text }).strict(),
    liveStaff: liveStaffSchema,
    productFacts: z
      .object({ fact: text, source: text, askVehicle: text, sourcesIntro: text, sourceLine: text, noneYet: text, noted: text })
      .strict(),
    teamsTenantRefused: text,
    allStepsTitle: text,
    allStepsWhichProcedure: text,
    handoff: handoffSchema,
    // Answered before the recognizer sees the message (src/inputLimits.ts)
    inputTooLong: text,
    inputEmpty: text,
    inputAttachmentsOnly: text,
    inputNoWords: text,
    inputNotEnglish: text,
    // Photos the driver sends (src/conversation/photosReceived.ts, src/channels/teams/teamsPhotos.ts)
    photoReceived: text,
    photoAfterTicket: text,
    photoTooLarge: text,
    photoWrongType: text,
    photoTooMany: text,
    photoConversationFull: text,
  })
  .strict();

export type Messages = z.output<typeof messagesSchema>;

export function loadMessages(file = path.join(contentDirs.knowledge, 'messages.yaml')): Messages {
  return loadYamlFile(file, messagesSchema);
}

/** Fills `{name}` placeholders; an unknown placeholder is left visible rather than silently dropped. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/**
 * Characters that give inline markdown (or the HTML it allows) a meaning: emphasis, code, links and
 * images, tags and entities, tables, strike-through. A value never starts a line (it follows its
 * label), so list and heading marks need no escape.
 */
const markdownSpecial = /[\\`*_[\]()<>!|~&]/g;

/**
 * A value the user typed, made safe to put in a message (messages are markdown): "<b>Sam</b>
 * [verify](https://…)" is shown as typed, not as bold text and a link in the bot's own bubble.
 * Tickets keep the value as typed.
 */
export function userText(value: string): string {
  return value.replace(markdownSpecial, (character) => `\\${character}`);
}
