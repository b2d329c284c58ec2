import type { KnowledgeItem } from '../content/knowledge';
import type { ButtonKey, Messages, ProcedureScenario } from '../content/messages';
import type { AnswerKey, AskKind } from '../content/procedures';
import { tokenize } from '../nlu/textAnalysis';
import { isQuestion, mentionTest, onlyYes, opensAsQuestion, opensWithYesOrNo, sameWords, words } from '../nlu/textMatching';
import type { DamageDetail, Recognition } from '../nlu/types';
import type { KnowledgeSearch } from './knowledgeSearch';

/** What the bot asked last, so that a reply is read as an answer to it. */
export type Expectation =
  | { kind: 'opening' }
  | { kind: 'step'; ask: AskKind; step: string }
  | { kind: 'handoff' }
  | { kind: 'rating' }
  /** A person has the chat: only a hazard is the bot's. */
  | { kind: 'live' }
  /** "Is the cable free now?", asked after a live handoff. */
  | { kind: 'afterStep' };

/** A reply to a step that is neither "it's out" nor "still stuck": what to say and do with it. */
export type StepReport = 'did_it' | 'tried_before' | 'cannot' | 'partly' | 'waiting';

/**
 * What must win over the answer to whatever was asked, in this order: a hazard, damage, a person,
 * cancelling, a question about the topic (or help), the cable having come free.
 */
export type Interruption =
  | { kind: 'hazard'; details: DamageDetail[] }
  | { kind: 'damage'; details: DamageDetail[] }
  | { kind: 'person' }
  | { kind: 'cancel' }
  | { kind: 'question'; item: KnowledgeItem }
  | { kind: 'help' }
  | { kind: 'freed' };

/** A message as the stage it arrives at reads it; computed once a turn. */
export interface Reading {
  text: string;
  recognition: Recognition;
  /** The interruption the message is, if any; `undefined` leaves it to the stage. */
  interruption?: Interruption;
  /** The answer to a step's question (yes/no, did it come free, which end). */
  answer?: AnswerKey;
  /** Read against a "did it come free?" step: done but not said whether it worked, tried before... */
  stepReport?: StepReport;
  /** A situation the message names: a new procedure, or a correction of the current one. */
  scenario?: ProcedureScenario;
  smallTalk?: 'greeting' | 'thanks';
  outOfScope: boolean;
  /** A question the knowledge has no answer to ("where's that on mine?"): at a step, about the step. */
  unansweredQuestion?: true;
  /** Steps the message says were done already ("I already stopped it"). */
  stepsDone: string[];
  /** A rule the message suggests breaking without asking ("she says just yank it out"): said first. */
  ruleMentioned?: KnowledgeItem;
  /** The message reports first and asks after ("stopped it but still stuck, is it broken?"): both count. */
  reportsAndAsks?: true;
  /** "Not sure", "kind of", "dunno" to a yes/no or which-end question: neither answer, so the step explains. */
  unsure?: true;
  /** "This is useless", "just tell me how to get it out": the driver is losing patience. */
  impatient?: true;
  /**
   * Asked alone at a step, what comes next: `now` ("what now", "ok and then?"), or `another` thing
   * to try ("what else can I try", "anything else?"). What it means depends on what the driver said
   * of the step so far: the guide decides.
   */
  nextWanted?: 'now' | 'another';
}

export interface ReadingDeps {
  messages: Messages;
  search: Pick<KnowledgeSearch, 'find'>;
  /** Damage details that are a hazard to the person, not just to the plug. */
  hazardDetails: readonly DamageDetail[];
  /** Words a stage answers with that the recognizer would read otherwise ("Skip" is not cancel). */
  ownWords: (text: string) => boolean;
  /** The rules said whenever a message suggests breaking them (`mentionedAs`). */
  rules: readonly KnowledgeItem[];
  /** The steps a text says were done (the recognizer's), for the report part of a message that also asks. */
  stepsDoneIn?: (text: string) => string[];
  /** Phrases of a driver losing patience (`impatienceWords` of messages.yaml). */
  impatienceWords?: readonly string[];
}

const stepButtons: Partial<Record<ButtonKey, Pick<Reading, 'answer' | 'interruption'>>> = {
  freed: { answer: 'affirm' },
  yes: { answer: 'affirm' },
  stillStuck: { answer: 'deny' },
  no: { answer: 'deny' },
  car: { answer: 'car' },
  charger: { answer: 'charger' },
  both: { answer: 'both' },
  damaged: { interruption: { kind: 'damage', details: [] } },
  person: { interruption: { kind: 'person' } },
};

const scenarioIntents = new Set<string>(['stuck_in_car', 'stuck_in_charger', 'cable_stuck', 'power_cut', 'cold_weather']);

/**
 * Reads one message against what was asked: a button typed or clicked first, then what must win at
 * any stage (`Interruption`), then the answer to the question asked and the situation it names.
 */
export function readMessage(text: string, recognition: Recognition, expecting: Expectation, given: ReadingDeps): Reading {
  // A question never reports a step as done: "should I unlock the car?"; nor does the question after
  // a report: "still stuck, how long do I leave the isolator off?" has not restarted anything.
  const split = reportBeforeQuestion(text);
  const report = split?.report;
  // "Done that, how long till it unlocks": the question is looked up on its own too.
  const deps: ReadingDeps = split
    ? { ...given, search: { find: (said) => given.search.find(said) ?? (said === text ? given.search.find(split.question) : undefined) } }
    : given;
  const stepsDone = opensAsQuestion(text)
    ? []
    : report !== undefined && deps.stepsDoneIn
      ? deps.stepsDoneIn(report)
      : (recognition.entities.stepsDone ?? []);
  const reading: Reading = {
    text,
    recognition: withPowerAsSaid(text, recognition),
    outOfScope: recognition.intent === 'out_of_scope',
    stepsDone,
  };
  const button = (Object.keys(stepButtons) as ButtonKey[]).find((key) => sameWords(text, deps.messages.buttons[key]));
  if (button && expecting.kind !== 'handoff') return { ...reading, ...stepButtons[button], stepsDone: [] };
  if (deps.ownWords(text)) return reading;

  // A question is never a reply act: "is it ok to take the plug out while charging?" is not "it's out".
  const reply = expecting.kind === 'step' && expecting.ask === 'freed' && !opensAsQuestion(text) ? recognition.reply : undefined;
  // "No. Will it damage the car if I pull harder": a report, then a question, with or without its "?".
  const asking = isQuestion(text) || report !== undefined;
  reading.interruption = interruptionOf(text, recognition, deps, reply?.act, asking);
  reading.answer = stepAnswer(expecting, recognition, text);
  if (reply && expecting.kind === 'step') readAsReply(reading, reply.act, expecting.step);
  // "What else can I try?", "any other ideas", "what now", "ok and then?": what comes next, asked
  // alone (with no report, answer or anything else that wins): the guide reads it against the step.
  const nextWanted = expecting.kind === 'step' ? nextStepAsked(text) : undefined;
  // "Done that, what next?": done, and it did not free the cable, or the driver would not ask.
  if (nextWanted && reading.stepReport === 'did_it') {
    reading.stepReport = undefined;
    reading.answer = 'deny';
  }
  // "Tried all that, what now": the report says what the step did, the question is no call for help.
  if (nextWanted && reading.interruption?.kind === 'help' && (reading.stepReport || reading.answer)) reading.interruption = undefined;
  if (nextWanted && (!reading.interruption || reading.interruption.kind === 'help') && !reading.stepReport && !reading.answer) {
    reading.interruption = undefined;
    reading.nextWanted = nextWanted;
  }
  // "It's a tethered one actually", "it's my wife's Polestar": a fact, however the classifier leans, is no yes.
  if (reading.answer === 'affirm' && expecting.kind === 'step' && tellsAFact(text, recognition) && reply?.act !== 'freed')
    reading.answer = undefined;
  if (expecting.kind === 'step' && expecting.ask !== 'freed') readAsCheck(reading, expecting.ask);
  // "Not sure", "dunno" to "did it come free?", whatever the classifier leans to: neither answer.
  if (expecting.kind === 'step' && expecting.ask === 'freed' && !reading.stepReport && unsureOnly(reading)) {
    reading.unsure = true;
    reading.answer = undefined;
  }
  if (asking && !opensAsQuestion(text) && (reading.answer || reading.stepReport)) reading.reportsAndAsks = true;
  if (deps.impatienceWords?.some(mentionTest(text, ['not', 'never']))) reading.impatient = true;
  if (!reading.interruption && asking && !asksForNextStep(text) && !deps.search.find(text)) reading.unansweredQuestion = true;
  // "Help me release it", "I need to do the emergency release": help with the step, asked without a "?".
  if (expecting.kind === 'step' && !reading.interruption && !reading.answer && !reading.stepReport && recognition.entities.helpWanted)
    reading.unansweredQuestion = true;
  // "Where's that normally?", "how do I do that?": about what was just said, not a new question.
  const asksForSources = reading.interruption?.kind === 'question' && reading.interruption.item.listsSources;
  if (
    (reading.interruption?.kind === 'question' || reading.unansweredQuestion) &&
    !asksForSources &&
    expecting.kind === 'step' &&
    refersBack(text) &&
    // "How long will this take?" is asked as it stands: its answer matches it closely.
    (deps.search.find(text)?.coverage ?? 0) < closeMatch
  ) {
    reading.interruption = undefined;
    reading.unansweredQuestion = true;
    reading.outOfScope = false;
  }
  // A question gets its answer anyway; a statement that suggests force gets the rule.
  if (!asking && reading.interruption?.kind !== 'hazard') {
    const said = mentionTest(text, ['not', 'never', 'no', 'without']);
    reading.ruleMentioned = deps.rules.find((rule) => rule.mentionedAs.some(said));
    if (reading.ruleMentioned) {
      // "gonna just yank it out" tells of force meant, not of a cable that came out, nor a yes; and
      // "the neighbour says spray it" is about the cable, not out of scope.
      if (reading.interruption?.kind === 'freed' && !recognition.entities.cableFreed) reading.interruption = undefined;
      if (reading.answer === 'affirm' && opensWithYesOrNo(text) !== 'yes' && !recognition.entities.cableFreed) reading.answer = undefined;
      reading.outOfScope = false;
    }
  }
  if (scenarioIntents.has(recognition.intent)) reading.scenario = recognition.intent as ProcedureScenario;
  // "Car's at 100% but the cable's still stuck" opens a conversation: not a "no" but a stuck cable.
  const stuckMention = recognition.entities.mentions?.find((label) => scenarioIntents.has(label));
  if (expecting.kind === 'opening' && (recognition.intent === 'affirm' || recognition.intent === 'deny') && stuckMention) {
    reading.scenario = stuckMention as ProcedureScenario;
    if (reading.answer === 'affirm' || reading.answer === 'deny') reading.answer = undefined;
  }
  if (recognition.intent === 'greeting' || recognition.intent === 'thanks') reading.smallTalk = recognition.intent;
  return reading;
}

/**
 * "Not yet, still waiting for it to come back": the power coming back only hoped for is the power
 * still off, not back.
 */
function withPowerAsSaid(text: string, recognition: Recognition): Recognition {
  if (recognition.entities.power !== 'back') return recognition;
  const said = words(text).join(' ');
  const awaited = /\b(?:wait|waiting|waited|until|till|til|when|once|if|before|hoping|hope)\b(?:\s\w+){0,4}\s(?:back|on|restored)\b/.test(
    said,
  );
  const notYet = opensWithYesOrNo(text) === 'no' || /\b(?:not yet|still waiting|still off|still out|not back)\b/.test(said);
  if (!(awaited && notYet)) return recognition;
  return { ...recognition, entities: { ...recognition.entities, power: 'off' } };
}

/** A message that tells of the car, the charger or a correction, without a yes of its own. */
function tellsAFact(text: string, recognition: Recognition): boolean {
  const { correction, chargerType, vehicleMake, chargerBrand } = recognition.entities;
  return !!(correction || chargerType || vehicleMake || chargerBrand) && opensWithYesOrNo(text) !== 'yes' && !onlyYes(text);
}

/** Reply acts that say the step was worked on: "I stopped it" is not cancelling. */
const workedOnTheStep = new Set<string>(['freed', 'still_stuck', 'did_it', 'tried_before', 'partly', 'waiting']);
const stepReports = new Set<string>(['did_it', 'tried_before', 'cannot', 'partly', 'waiting']);
const isStepReport = (act: string): act is StepReport => stepReports.has(act);

/** "Both", "erm both i think", "both ends mate": the words of a plain "both". */
const bothWords = new Set([
  'both',
  'ends',
  'end',
  'sides',
  'side',
  'of',
  'them',
  'please',
  'the',
  'erm',
  'um',
  'umm',
  'er',
  'uh',
  'i',
  'think',
  'reckon',
  'guess',
  'probably',
  'its',
  'it',
  'is',
  'mate',
  'actually',
  'well',
  'kind',
  'kinda',
  'sort',
  'sorta',
  'maybe',
  'say',
  'ill',
  'id',
  'would',
  'reckon',
]);

const informationOpeners = new Set(['what', 'whats', 'when', 'why', 'how', 'hows', 'which', 'at', 'do', 'does', 'should', 'is']);
/** A question for facts or advice ("when should I call an installer?"), not a request ("can someone call me?"). */
function asksForInformation(text: string): boolean {
  return isQuestion(text) && informationOpeners.has(words(text)[0] ?? '');
}

/** A question the knowledge answers this well is about what it says, whatever "that" it points at. */
const closeMatch = 0.9;

/** A short question pointing back at the step ("where's that?", "how do I do it?"). */
function refersBack(text: string): boolean {
  const said = words(text);
  // "Where's the isolator for it?" names what it asks about; "what if it sparks?" supposes something new.
  const namesIt = said.includes('the') || said.includes('my') || said.includes('if');
  return (
    said.length <= 6 &&
    !namesIt &&
    said.some((word) => word === 'that' || word === 'it' || word === 'this' || word === 'those') &&
    /^(where|how|what|which)/.test(said[0] ?? '')
  );
}

/** A reply to "did the cable come free?", read with what the reply model makes of it. */
function readAsReply(reading: Reading, act: string, step: string): void {
  const { entities } = reading.recognition;
  const said = words(reading.text);
  // "ok doing it now", "on it", "right, going out to the car": the step under way, no result yet.
  if (entities.underWay && !entities.cableFreed && !entities.stuck && reading.stepsDone.length === 0) {
    if (reading.interruption?.kind === 'freed') reading.interruption = undefined;
    if (reading.answer === 'affirm') reading.answer = undefined;
    reading.stepReport = 'waiting';
    return;
  }
  // "It came out a bit", "kind of": something moved, the cable is not out.
  const partly = act === 'partly' || ((act === 'freed' || act === 'other' || entities.cableFreed) && movedOnlyPartly(reading.text));
  // "yep did it", "yes i unlocked it", "yes but it went back to locked": the step done, whether it worked unsaid.
  const doneOnly =
    !partly &&
    !entities.cableFreed &&
    (act === 'freed' || act === 'other' || act === 'did_it') &&
    reading.answer !== 'deny' &&
    (reportsDoing(said) || yesBut(said)) &&
    !saysItWorked(reading.text);
  if (partly || doneOnly) {
    if (reading.interruption?.kind === 'freed') reading.interruption = undefined;
    if (reading.answer === 'affirm') reading.answer = undefined;
    if (!entities.stuck || partly) {
      // "Tried that": done, and it did not work.
      reading.stepReport = partly ? 'partly' : said.includes('tried') ? 'tried_before' : 'did_it';
      return;
    }
  }
  // "The wallbox end came out, it's the car side that's stuck" frees one end only (the guide's to follow).
  if (act === 'freed' && !reading.interruption && !entities.stuck) reading.interruption = { kind: 'freed' };
  if (act === 'still_stuck') reading.answer = 'deny';
  // "yep stopped it", "pushed it in, held the button and pulled": the step done, whether it worked unsaid.
  // "Car is unlocked and I pressed the button" tells of other steps: done as well, and not said to work.
  const toldOfTheStep =
    act !== 'freed' &&
    act !== 'still_stuck' &&
    !reading.interruption &&
    reading.answer !== 'deny' &&
    !(reading.answer === 'affirm' && saysItWorked(reading.text)) &&
    (reading.stepsDone.includes(step) || (reading.stepsDone.length > 0 && !reading.answer && !entities.stuck));
  const report = isStepReport(act) ? act : toldOfTheStep ? 'did_it' : undefined;
  // "yep!!" to "did it come free?" is a yes, whatever else it could report.
  if (report && !onlyYes(reading.text)) {
    reading.stepReport = report;
    // "ok done" and "yes i did that" say the step was done, not that the cable came out.
    if (reading.answer === 'affirm') reading.answer = undefined;
  }
  // "yep done it, still locked in": whatever else it says, the cable is not out.
  if (entities.stuck && !entities.freedEnd && (reading.answer === 'affirm' || reading.stepReport === 'did_it')) {
    reading.answer = 'deny';
    reading.stepReport = undefined;
  }
}

/** Words of having done something, not of the result: "did that", "unlocked it", "pressed the button". */
const doingWords = new Set([
  'did',
  'done',
  'tried',
  'stopped',
  'ended',
  'unlocked',
  'locked',
  'pressed',
  'pushed',
  'pulled',
  'held',
  'restarted',
  'rebooted',
  'reset',
  'switched',
  'turned',
  'cycled',
  'flicked',
  'followed',
  'tapped',
  'clicked',
  'hit',
]);
/** Who did it: "I did it", "yep done that", "have done it" (not "that did it", "restarting did it"). */
const doers = new Set([
  'i',
  'we',
  'ive',
  'yes',
  'yeah',
  'yep',
  'yup',
  'ya',
  'ye',
  'yh',
  'ok',
  'okay',
  'just',
  'already',
  'all',
  'both',
  'also',
  'and',
  'then',
  'right',
  'k',
  'kk',
  'so',
  'well',
]);

function reportsDoing(said: string[]): boolean {
  return said.some((word, i) => {
    if (!doingWords.has(word)) return false;
    if (word !== 'did' && word !== 'done') return true;
    // "did the trick", "done the trick": it worked.
    if (said[i + 1] === 'the' && said[i + 2] === 'trick') return false;
    let before = i - 1;
    while (before >= 0 && (said[before] === 'have' || said[before] === 'has' || said[before] === 'is')) before -= 1;
    return before < 0 || doers.has(said[before]);
  });
}

/** "Yes but it went straight back to locked": a yes that goes on to a problem. */
function yesBut(said: string[]): boolean {
  return opensWithYesOrNo(said.join(' ')) === 'yes' && said.includes('but');
}

/** Words that say the step worked ("that did it", "worked", "sorted"): the result, not just the doing. */
function saysItWorked(text: string): boolean {
  const said = mentionTest(text, ['not', 'never', 'no', 'nothing']);
  const worked = [
    'worked',
    'works',
    'did the trick',
    'done the trick',
    'sorted',
    'it did',
    'that did it',
    'this did it',
    // "Pressed stop and it's released": the result said in so many words.
    'released',
    'let go',
    'is free',
    'free now',
    'is out',
    'out now',
    'came out',
    'popped out',
    'unplugged',
  ];
  return worked.some(said) || /\b\w+ing (?:it )?did it\b/i.test(text) || /\b(?:that|this)(?:'s| has| is|s)? done it\b/i.test(text);
}

/** Hedges that make an answer neither yes nor no: "kind of", "partly". */
const vagueHedges = ['kind of', 'kinda', 'sort of', 'sorta', 'partly', 'partially'];

/** "It came out a bit", "half out", "kind of": movement, not the cable out. */
const hedges = [...vagueHedges, 'a bit', 'a little', 'slightly', 'somewhat', 'half', 'halfway', 'a touch'];
const movedWords = [
  'out',
  'moved',
  'moves',
  'moving',
  'budged',
  'shifted',
  'gave',
  'loosened',
  'looser',
  'loose',
  'came',
  'slid',
  'wiggles',
];
const partWords = [
  'a bit',
  'a little',
  'slightly',
  'a touch',
  'partly',
  'partially',
  'halfway',
  'part way',
  'a fraction',
  'an inch',
  'a few mm',
];
const partOf = [
  ...movedWords.flatMap((moved) => partWords.map((part) => `${moved} ${part}`)),
  ...['half', 'halfway', 'partly', 'partially', 'part way', 'nearly', 'almost', 'slightly', 'a bit', 'bit', 'little'].flatMap((part) =>
    ['out', 'free', 'loose', 'looser', 'moved', 'there'].map((moved) => `${part} ${moved}`),
  ),
];
/** Words of the plug moving, whatever the amount: "it moved but didn't come out", "it budged". */
const movingWords = ['moved', 'budged', 'shifted', 'loosened', 'gave a little', 'gave a bit', 'wiggles', 'looser'];
function movedOnlyPartly(text: string): boolean {
  const said = mentionTest(text, ['not', 'never', 'no', 'even']);
  // "Kind of", "a bit": the whole answer is the hedge.
  if (words(text).length <= 3 && hedges.some(said)) return true;
  return partOf.some(said) || movingWords.some(said);
}

/** Answers that are neither yes nor no, nor an end: "not sure", "kind of", "dunno", "can't tell". */
const unsureWords = [
  'not sure',
  'unsure',
  'dunno',
  'do not know',
  'dont know',
  'no idea',
  'idk',
  'can not tell',
  'cant tell',
  'not certain',
  'hard to say',
  'no clue',
  'maybe',
  'possibly',
  ...vagueHedges,
  'on and off',
  'flickering',
  'not really sure',
  'who knows',
];

/** "Not sure", "dunno": unsure, with nothing else said of the cable or the step. */
function unsureOnly(reading: Reading): boolean {
  const { entities } = reading.recognition;
  if (reading.interruption || entities.cableFreed || entities.stuck || reading.stepsDone.length > 0) return false;
  return unsureWords.some(mentionTest(reading.text));
}

/** A reply to a yes/no check or to "which end?": "not sure" explains the step rather than guessing. */
function readAsCheck(reading: Reading, ask: AskKind): void {
  const { entities } = reading.recognition;
  if (reading.interruption || entities.power) return;
  // "Kind of both", "the car I think": an end named is the answer, however hedged.
  if (ask === 'side' && (reading.answer === 'car' || reading.answer === 'charger' || reading.answer === 'both')) return;
  if (!unsureWords.some(mentionTest(reading.text))) return;
  reading.unsure = true;
  reading.answer = undefined;
}

/** "What next", "now what": the last clause asks what comes next, which the step waiting says. */
const nextStepQuestions = new Set([
  'what next',
  'what is next',
  'whats next',
  'what now',
  'now what',
  'then what',
  'so what now',
  'what now then',
  'what do i do now',
  'what do i do next',
  'what do i do then',
  'what should i do now',
  'what should i do next',
  'what should i do',
  'what shall i do',
  'what shall i do now',
  'what do i do',
  'so what do i do',
  'whats the next step',
  'what is the next step',
  'next step',
  'what can i do now',
  'and now',
  'so now what',
  'what do we do now',
  'what then',
  'whats now',
  'now what do i do',
  'and now what',
  'what next then',
  'what after that',
  'what do i do after that',
  'what comes next',
  'what happens now',
  'what happens next',
  'where do i go from here',
  'where now',
  'now then',
]);
/**
 * "What else can I try", "any other ideas", "next?": the step waiting did not do it, and the driver
 * asks for the one after it.
 */
const otherStepQuestions = new Set([
  'what else',
  'what else can i do',
  'what else can i try',
  'what else is there',
  'what else should i try',
  'what else do i try',
  'what else have you got',
  'what should i try next',
  'what should i try now',
  'what can i try now',
  'what can i try next',
  'what do we try next',
  'what is the next step',
  'whats the next step',
  'next step',
  'next step please',
  'next',
  'next please',
  'next one',
  'next thing',
  'ok next',
  'move on',
  'skip it',
  'skip this one',
  'skip this',
  'anything else',
  'anything else i can try',
  'anything else i can do',
  'anything else to try',
  'anything more',
  'anything more i can do',
  'something else',
  'try something else',
  'any other ideas',
  'any other idea',
  'any more ideas',
  'any other suggestions',
  'any more suggestions',
  'any other options',
  'other options',
  'what other options',
  'what other options are there',
  'any other way',
  'is there another way',
  'another way',
  'plan b',
  'whats plan b',
  'what is plan b',
  'got any other ideas',
  'got anything else',
]);
/** The last clause, without the words that lead into it ("ok so what else"). */
function lastClause(text: string): string {
  return (clausesOf(text).at(-1) ?? '').replace(/^(?:(?:ok|okay|so|right|and|then|well|hmm|erm|um|fine|great|cool|alright) )+/, '');
}
function asksForNextStep(text: string): boolean {
  return nextStepAsked(text) !== undefined;
}
/** "Ok and then?", "and now?", "so then?": the whole clause is the words that lead into a question for what next. */
const bareNextWords = new Set([
  'and then',
  'then',
  'and now',
  'now',
  'so then',
  'and next',
  'and then what',
  'and after that',
  'after that',
]);
/** The next-step question the message ends with, if any: "what now" or another thing to try. */
function nextStepAsked(text: string): 'now' | 'another' | undefined {
  const last = lastClause(text);
  if (otherStepQuestions.has(last)) return 'another';
  if (nextStepQuestions.has(last)) return 'now';
  const clause = (clausesOf(text).at(-1) ?? '').replace(/^(?:(?:ok|okay|so|right|well|hmm|erm|um|fine|great|cool|alright) )+/, '');
  return bareNextWords.has(clause) && text.includes('?') ? 'now' : undefined;
}

/** A message's clauses, as words joined by spaces, split at its commas and full stops. */
function clausesOf(text: string): string[] {
  return tokenize(text)
    .join(' ')
    .split(' , ')
    .map((clause) => clause.trim())
    .filter(Boolean);
}

/** A report, then a question in a later clause that opens as one ("no. will it damage the car"): the two parts. */
function reportBeforeQuestion(text: string): { report: string; question: string } | undefined {
  const clauses = clausesOf(text);
  if (clauses.length < 2 || opensAsQuestion(clauses[0])) return undefined;
  const asked = clauses.findIndex((clause, i) => i > 0 && opensAsQuestion(clause));
  return asked > 0 ? { report: clauses.slice(0, asked).join(' , '), question: clauses.slice(asked).join(' , ') } : undefined;
}

function interruptionOf(
  text: string,
  recognition: Recognition,
  deps: ReadingDeps,
  replyAct: string | undefined,
  asking: boolean,
): Interruption | undefined {
  const details = recognition.entities.damage ?? [];
  const hazards = details.filter((detail) => deps.hazardDetails.includes(detail));
  if (hazards.length > 0) return { kind: 'hazard', details: hazards };
  switch (recognition.intent) {
    case 'damage':
      // "Is my charger broken?" asks; "the pin is bent" reports.
      if (!(asking && details.length === 0 && deps.search.find(text))) return { kind: 'damage', details };
      break;
    case 'human':
      // "At what point do I need an installer?" asks; "can I get an engineer out?" asks for one.
      if (!(asksForInformation(text) && deps.search.find(text))) return { kind: 'person' };
      break;
    case 'cancel': {
      // "I stopped it" and "stopped the charge and it came out" tell of the steps, not of cancelling;
      // "how do I end it?" and "can I take the cover off?" ask.
      // "Actually both ends are locked" tells of the cable too.
      const { stepsDone, cableFreed, stuck } = recognition.entities;
      const tellsOfSteps = (replyAct && workedOnTheStep.has(replyAct)) || stepsDone || cableFreed || stuck;
      // "whats the stuff i should avoid doing?" asks too; "cancel?" alone still cancels.
      const asks = opensAsQuestion(text) || (asking && words(text).length > 3);
      if (!tellsOfSteps && !asks) return { kind: 'cancel' };
    }
  }
  // A question the knowledge answers wins over `help`: "can I use a screwdriver?" wants the answer.
  // "What next?", "no, what now": the next step, not a question for the knowledge.
  if (asking && !asksForNextStep(text)) {
    const hit = deps.search.find(text);
    if (hit) return { kind: 'question', item: hit.item };
  }
  if (recognition.intent === 'help') return { kind: 'help' };
  if (recognition.entities.cableFreed && !asking) return { kind: 'freed' };
  return undefined;
}

/** The step's answer that an intent or an entity gives, if any. */
function stepAnswer(expecting: Expectation, recognition: Recognition, text: string): AnswerKey | undefined {
  if (expecting.kind === 'afterStep')
    return recognition.intent === 'affirm' || recognition.intent === 'deny' ? recognition.intent : undefined;
  if (expecting.kind !== 'step' && expecting.kind !== 'opening') return undefined;
  if (expecting.kind === 'opening' || expecting.ask === 'side') {
    // "Both" to "which end?": the button's word alone.
    const said = words(text);
    if (said.includes('both') && said.every((word) => bothWords.has(word))) return 'both';
    if (recognition.intent === 'stuck_in_car') return 'car';
    if (recognition.intent === 'stuck_in_charger') return 'charger';
    if (recognition.entities.side) return recognition.entities.side;
  }
  const opensWith = opensWithYesOrNo(text);
  // "how do I get it out then?" and "emergency release?" are no yes, whatever their words look like
  // to the classifier; "still stuck, what now?" reports before it asks.
  const onlyAsks = opensAsQuestion(text) || (text.includes('?') && clausesOf(text).length === 1);
  if (onlyAsks && !opensWith) return undefined;
  if (recognition.intent === 'affirm' || recognition.intent === 'deny') return recognition.intent;
  // "No, it's still stuck in the wallbox" is a stuck cable by the label rules, and a no to the question.
  return opensWith === 'yes' ? 'affirm' : opensWith === 'no' ? 'deny' : undefined;
}
