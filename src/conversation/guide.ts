import { targetsOf } from '../content/checkContent';
import type { Content } from '../content/loadContent';
import { type ButtonKey, fillTemplate, type ProcedureScenario } from '../content/messages';
import type { AnswerKey, AskKind, Procedure, Step, Target } from '../content/procedures';
import type { HandoffRequest } from '../handoff/handoffRequest';
import { mentionTest } from '../nlu/textMatching';
import type { Entities } from '../nlu/types';
import type { HandoffReason, StepOutcome, TriedStep } from '../tickets/ticket';
import type { GivenFact, NamedProducts, ProductFacts } from './productFacts';
import type { Reading, StepReport } from './reading';
import type { Reply } from './replies';

/** Where a driver is in the guided procedures. Plain JSON: it is kept in the conversation state. */
export interface GuideState {
  procedure: ProcedureScenario;
  step: string;
  /** Procedures to come back to once the current one succeeds (the charger waits for the car end). */
  returns: Array<{ procedure: ProcedureScenario; step: string }>;
  tried: TriedStep[];
  entities: Entities;
  unplacedInARow: number;
  /** Set while the bot waits on its clarifying "did it come free after that?". */
  clarifying?: true;
  /**
   * What the driver said so far of the step waiting (named by procedure and step): that they are
   * working on it or did it (`worked`), or they were told in short what to do now (`pointed`).
   */
  atStep?: { procedure: ProcedureScenario; step: string; worked?: true; pointed?: true };
  /** What the driver said that changes the advice, remembered across messages and procedures. */
  facts?: GuideFacts;
}

export interface GuideFacts {
  /** The driver has been asked "did it come free after that?" once: from then on "done" means still stuck. */
  clarified?: true;
  /** Frost, ice or freezing weather came up: the cold advice goes with the first step after it. */
  cold?: true;
  coldAdviceGiven?: true;
  /** The mains power, as last said: it answers "is the power back?". */
  power?: 'back' | 'off';
  /** The car and charger models the driver named (knowledge/vehicles/, knowledge/chargers/). */
  products?: NamedProducts;
  /** Their makers' facts said so far: "where does this come from?" lists their sources. */
  given?: GivenFact[];
}

export interface GuidePrompt {
  text: string;
  buttons: string[];
}

export type Ending =
  | { outcome: 'freed'; scenario: ProcedureScenario; step: string; stepsTried: TriedStep[] }
  | { outcome: 'handoff'; request: HandoffRequest }
  | { outcome: 'cancelled'; scenario?: ProcedureScenario; step?: string }
  | { outcome: 'closed' };

/** What to say this turn, then either the question to ask (and the state to keep) or how it ended. */
export type Decision = {
  say: string[];
  /** The message could not be placed (`unplaced`), or the bot asks whether it worked (`clarifying`). */
  misread?: 'unplaced' | 'clarifying';
  /** Steps passed over this turn because they were tried already. */
  skipped?: { procedure: ProcedureScenario; step: string }[];
} & ({ kind: 'ask'; prompt: GuidePrompt; state: GuideState } | { kind: 'end'; ending: Ending });

const buttonsFor: Record<AskKind, ButtonKey[]> = {
  freed: ['freed', 'stillStuck', 'damaged', 'person'],
  yes_no: ['yes', 'no', 'damaged', 'person'],
  side: ['car', 'charger', 'both', 'person'],
};

const outcomeOf: Record<AnswerKey, { freed: StepOutcome; other: StepOutcome }> = {
  affirm: { freed: 'freed', other: 'yes' },
  deny: { freed: 'still_stuck', other: 'no' },
  car: { freed: 'car', other: 'car' },
  charger: { freed: 'charger', other: 'charger' },
  both: { freed: 'both', other: 'both' },
};

const scenarioOfSide = { car: 'stuck_in_car', charger: 'stuck_in_charger', both: 'stuck_in_charger' } as const;
/** Situations that change the procedure when they come up in the middle of another. */
const newSituations = new Set<ProcedureScenario>(['cold_weather', 'power_cut']);
/** The end a procedure frees, for those that free one end. */
const endOf: Partial<Record<ProcedureScenario, 'car' | 'charger'>> = { stuck_in_car: 'car', stuck_in_charger: 'charger' };

/** Words that, just before an entry point's phrase, say it did not happen ("not finished"). */
const entryNegations = ['not', 'never', 'no', 'without'];

/** What a message said that decides where a procedure starts: its words (entry points) and steps done. */
type Said = Pick<Reading, 'text' | 'stepsDone'>;
const nothingSaid: Said = { text: '', stepsDone: [] };

/** Enough for any procedure a person can read; more means steps lead round in a circle. */
const maxMovesPerTurn = 100;

/**
 * The guided procedures as plain logic: given where the driver is and how their message reads, what
 * to say and what comes next. What interrupts a procedure (a hazard, a person, a question...) is the
 * engine's; this is the procedure itself.
 */
export class Guide {
  constructor(private readonly deps: { content: Content; products: ProductFacts }) {}

  /** The state a procedure starts from, with what the first message already said. */
  fresh(reading: Reading): GuideState {
    const empty: GuideState = {
      procedure: 'cable_stuck',
      step: this.procedure('cable_stuck').steps[0].id,
      returns: [],
      tried: [],
      entities: {},
      unplacedInARow: 0,
    };
    // Steps done are noted once the procedure they belong to is known (`enter`).
    return this.withFacts(empty, reading);
  }

  /**
   * A message with no procedure running (the first of a conversation, or the first after one
   * ended) that nothing interrupted: a situation starts its procedure; other words are not placed.
   */
  start(reading: Reading): Decision {
    const { messages } = this.deps.content;
    const state = this.fresh(reading);
    // "Pulled the manual release in the boot, still locked": the steps done say which end it is.
    const told =
      reading.scenario === 'cable_stuck' || !reading.scenario ? (scenarioOfSteps(reading.stepsDone) ?? reading.scenario) : reading.scenario;
    if (told) {
      // "Stuck in my Tesla" says the end already: no need to ask "which end?". Both ends start at
      // the charger procedure, which frees the car end first.
      const side = state.entities.side;
      const byEnd = told === 'cable_stuck' || (told === 'stuck_in_car' && side === 'both');
      const scenario = byEnd && side ? scenarioOfSide[side] : told;
      // "It's a Tesla Wall Connector": a charger with a fixed cable has no socket to hold it.
      if (scenario === 'stuck_in_charger' && this.tethered(state)) {
        state.entities.side = 'car';
        const why = [this.texts(state, ['charger_types'])[0], ...this.makersSay(state, ['charger_types'])];
        return this.enter(state, 'stuck_in_car', reading, [...why, ...this.introOf(state, 'stuck_in_car')]);
      }
      return this.enter(state, scenario, reading, this.introOf(state, scenario));
    }
    const side = reading.answer === 'car' || reading.answer === 'charger' || reading.answer === 'both' ? reading.answer : undefined;
    if (side) {
      state.entities.side = side;
      return this.enter(state, scenarioOfSide[side], reading, this.introOf(state, scenarioOfSide[side]));
    }
    if (reading.smallTalk === 'thanks') return { kind: 'end', say: [messages.youreWelcome], ending: { outcome: 'closed' } };
    if (reading.smallTalk === 'greeting') return this.follow(state, { step: state.step }, []);
    return this.unplaced(state, reading.outOfScope);
  }

  /** A message answering the step that `state` is waiting on (nothing interrupted it). */
  continue(previous: GuideState, told: Reading): Decision {
    // "Actually it's a Kia Niro" mid-procedure: a car or charger named, with nothing said of where the
    // cable is held, tells of the car or charger, not of another end stuck (the classifier leans on the name).
    const reading = namesOnly(told) && told.scenario && sideScenarios.has(told.scenario) ? { ...told, scenario: undefined } : told;
    const state = this.noted(previous, reading);
    const step = this.currentStep(state);
    if (reading.answer || reading.scenario || reading.smallTalk) state.unplacedInARow = 0;
    const { freedEnd, correction, side } = reading.recognition.entities;
    const end = endOf[state.procedure];
    // "Hold on, it's the car side that's stuck": a correction of the end comes before any answer;
    // "actually it's a Tesla" names the car, not the end.
    if (correction && side && side !== 'both' && end && side !== end && freedEnd !== end && !namesOnly(reading)) {
      return this.switchTo(state, scenarioOfSide[side], reading);
    }
    // "It's a tethered one actually": a charger with its cable fixed has no socket to hold it, so the car end.
    if (state.procedure === 'stuck_in_charger' && !this.tethered(previous) && this.tethered(state)) {
      state.entities.side = 'car';
      const why = [this.texts(state, ['charger_types'])[0], ...this.makersSay(state, ['charger_types'])];
      return this.enter(state, 'stuck_in_car', reading, [...why, ...this.introOf(state, 'stuck_in_car')]);
    }
    // "Sorry, I haven't actually stopped it yet": back to a step skipped as done.
    const undone = this.undoneStep(previous, state, reading);
    if (undone) return this.follow(state, { step: undone }, [this.deps.content.messages.stepReplies.backToStep]);
    // "Actually the power's still off": the check the power answered, answered again.
    const recheck = this.powerChanged(previous, state, step, reading);
    if (recheck) return recheck;
    if (freedEnd && step.ask === 'freed') return this.oneEndFree(state, step, freedEnd, correction);
    // "Both ends are stuck": the car end first, then back to the charger.
    if (side === 'both' && end && !state.returns.length && step.ask === 'freed') return this.bothEnds(state, step);
    if (reading.stepReport) return this.reported(state, step, reading.stepReport);
    // "Is the power back on?" answered "the lights just came back on".
    const { power } = reading.recognition.entities;
    if (step.ask === 'yes_no' && power) return this.answer(state, step, power === 'back' ? 'affirm' : 'deny');
    // "No, and it's -5 out here": a new situation is followed, whatever else is said (a power cut
    // outranks the cold, whose advice then comes with the power cut's steps).
    const situation = reading.scenario;
    if (
      situation &&
      newSituations.has(situation) &&
      situation !== state.procedure &&
      !(situation === 'cold_weather' && state.procedure === 'power_cut') &&
      // "Turned the breaker off for 30 s and back on": the step done, not a power cut.
      !reading.stepsDone.includes(step.id)
    ) {
      return this.switchTo(state, situation, reading);
    }
    if (reading.nextWanted) return this.nextWanted(state, step, reading.nextWanted, !!previous.clarifying);
    if (reading.answer) return this.answer(state, step, reading.answer);
    // "Not sure", "kind of": how to tell, and the question again.
    if (reading.unsure) return this.reask(state, this.helpFor(state, step));
    // "This is useless", "just tell me how to get it out": sorry, the step in short, and the offer of a person.
    const sameStory = !reading.scenario || reading.scenario === state.procedure || reading.scenario === 'cable_stuck';
    if (reading.impatient && sameStory && !reading.outOfScope)
      return this.reask(state, [this.deps.content.messages.stepReplies.impatient, ...this.instruction(state, step)]);
    if (reading.scenario) {
      if (reading.scenario === state.procedure || reading.scenario === 'cable_stuck') {
        // "It's still stuck in the car" while freeing the car end is a no, not a new story; "it's a
        // Kia Niro, not a Kona" only tells us more, and the step is asked again.
        // At "which end?" or "is the power back?" it only says again that it is stuck: the question again.
        // "Where would it be on a Mach-E?": a question about the step, though it names the car.
        if (reading.unansweredQuestion && !reading.outOfScope)
          return this.reask(state, [this.deps.content.messages.stepReplies.stepAgain, ...this.instruction(state, step)]);
        if (!reading.recognition.entities.stuck || step.ask !== 'freed') return this.ask(state, this.newlyNamed(previous, state, step));
        return this.answer(state, step, 'deny');
      }
      return this.switchTo(state, reading.scenario, reading);
    }
    // "It's a Mach-E": what Ford says about this step, and the step's question again.
    const news = this.newlyNamed(previous, state, step);
    if (news.length > 0) return this.reask(state, news);
    if (reading.smallTalk) return this.ask(state, []);
    // "How do I do that?", "where's that on a Mach-E?": the step again, rather than not understood.
    if (reading.unansweredQuestion && !reading.outOfScope)
      return this.reask(state, [this.deps.content.messages.stepReplies.stepAgain, ...this.instruction(state, step)]);
    return this.unplaced(state, reading.outOfScope);
  }

  /**
   * One end came free and the other is still stuck. The end being worked on: its procedure has
   * succeeded, and the other end comes next (the one waiting, or the other end's procedure). The
   * other end: this one is still stuck.
   */
  private oneEndFree(state: GuideState, step: Step, freed: 'car' | 'charger', correction = false): Decision {
    const end = endOf[state.procedure];
    if (end !== freed) {
      // The other end came out first: nothing to come back to there, this end is the stuck one.
      state.returns = state.returns.filter((back) => endOf[back.procedure] !== freed);
      if (end) state.entities.side = end;
      return this.answer(state, step, 'deny');
    }
    const other = freed === 'car' ? 'charger' : 'car';
    state.entities.side = other;
    // "Actually it's the car side, the wallbox end came out": the driver corrects the end, and says so.
    if (correction) return this.switchTo(state, scenarioOfSide[other], nothingSaid);
    state.tried.push({ procedure: state.procedure, step: step.id, outcome: 'freed' });
    if (state.returns.length > 0) return this.follow(state, 'success', []);
    return this.enter(state, scenarioOfSide[other], nothingSaid, [this.deps.content.messages.oneEndFree]);
  }

  /**
   * Both ends turn out to be stuck: working on the car end, the charger end comes next; working on
   * the charger end, the car end comes first (as the procedures do when "both" is the answer).
   */
  private bothEnds(state: GuideState, step: Step): Decision {
    const { messages } = this.deps.content;
    if (state.procedure === 'stuck_in_car') {
      state.returns.push({ procedure: 'stuck_in_charger', step: this.procedure('stuck_in_charger').steps[0].id });
      state.entities.side = 'both';
      return this.ask(state, [messages.bothEnds]);
    }
    state.entities.side = 'both';
    state.returns.push({ procedure: state.procedure, step: step.id });
    state.procedure = 'stuck_in_car';
    return this.follow(state, { step: this.procedure('stuck_in_car').steps[0].id }, [
      messages.bothEnds,
      this.fill(state, messages.scenarios.stuck_in_car.intro),
    ]);
  }

  /**
   * "What now", "ok and then?", "anything else?" asked alone at a step, read against what the driver
   * said of it. Told of already (done, doing it, tried): it did not free the cable, so the next step,
   * or the step's handoff after the last one. Not told of: "what now" is what to do now, in short,
   * and "what else?" the next step; at the last step nothing is claimed to have failed: what is left
   * is said (a person), and the step stays open. Asked again after that: the driver has it, so on.
   */
  private nextWanted(state: GuideState, step: Step, kind: 'now' | 'another', clarifying: boolean): Decision {
    const { stepReplies } = this.deps.content.messages;
    // "Is the power back on?", "which end?": the question explained, as for "not sure".
    if (step.ask !== 'freed') return this.reask(state, this.helpFor(state, step));
    const told = this.toldOf(state);
    const last = !!handoffOnDeny(step);
    if (told?.worked || clarifying) return this.answer(state, step, 'deny');
    if (last) {
      if (told?.pointed) return this.handoff(state, 'procedure_exhausted', []);
      this.tell(state, { pointed: true });
      return this.reask(state, [fillTemplate(stepReplies.lastThing, { step: this.title(step) })]);
    }
    if (kind === 'another' || told?.pointed) return this.answer(state, step, 'deny');
    this.tell(state, { pointed: true });
    return this.reask(state, [fillTemplate(stepReplies.whatNow, { step: this.title(step) })]);
  }

  /** What the driver said of the step waiting, if anything (see `GuideState.atStep`). */
  private toldOf(state: GuideState): GuideState['atStep'] {
    const { atStep } = state;
    return atStep && atStep.procedure === state.procedure && atStep.step === state.step ? atStep : undefined;
  }

  private tell(state: GuideState, told: { worked?: true; pointed?: true }): void {
    state.atStep = { ...this.toldOf(state), procedure: state.procedure, step: state.step, ...told };
  }

  /** A reply that is neither "it's out" nor "still stuck" (see `StepReport`). */
  private reported(state: GuideState, step: Step, report: StepReport): Decision {
    const { stepReplies, clarify } = this.deps.content.messages;
    const asked = state.clarifying;
    delete state.clarifying;
    this.tell(state, { worked: true });
    switch (report) {
      case 'tried_before':
        this.record(state, step, 'deny', 'tried_before');
        return this.follow(state, targetsOf(step).deny!, [stepReplies.triedBefore]);
      case 'did_it':
        // Done, but did it work? Asked once a procedure: "done" again, or to that question, is not "it's out".
        if (asked || state.facts?.clarified) return this.answer(state, step, 'deny');
        state.clarifying = true;
        state.facts = { ...state.facts, clarified: true };
        return { kind: 'ask', say: [], prompt: { ...this.prompt(step), text: clarify.didItWork }, state, misread: 'clarifying' };
      case 'cannot': {
        // The step explained another way once; if it still cannot be done, on to the next thing.
        state.unplacedInARow += 1;
        if (state.unplacedInARow > 1) return this.follow(state, targetsOf(step).deny!, [stepReplies.cannotMoveOn]);
        const help =
          step.help.length > 0 ? [this.texts(state, step.help).join(' ')] : [stepReplies.stepAgain, ...this.instruction(state, step)];
        return this.ask(state, help);
      }
      case 'partly': {
        // Something moved: the lock may have let go, and pushing in, pressing and pulling straight is
        // what frees it. At the last step (its "no" is a handoff) movement is no failure either.
        if (handoffOnDeny(step) || step.id === 'connector_technique' || step.id === 'socket_connector_technique')
          return this.ask(state, [stepReplies.partly]);
        return this.follow(state, targetsOf(step).deny!, [stepReplies.progress]);
      }
      case 'waiting':
        return this.ask(state, [stepReplies.waiting]);
    }
  }

  /** What explains a step to a driver who is not sure: its help, or its instruction again. */
  private helpFor(state: GuideState, step: Step): string[] {
    const { stepReplies } = this.deps.content.messages;
    if (step.help.length > 0) return [this.texts(state, step.help).join(' ')];
    const again = this.instruction(state, step);
    return again.length > 0 ? [stepReplies.stepAgain, ...again] : [stepReplies.unsure];
  }

  /**
   * A step of this procedure skipped because the driver said it was done, which they now say it was
   * not ("I haven't actually stopped it yet"): the first such step, to go back to.
   */
  private undoneStep(previous: GuideState, state: GuideState, reading: Reading): string | undefined {
    const notDone = reading.recognition.entities.stepsNotDone ?? [];
    if (notDone.length === 0) return undefined;
    const steps = this.procedure(state.procedure).steps;
    const current = steps.findIndex((s) => s.id === state.step);
    const skipped = (id: string) =>
      previous.tried.some((t) => t.step === id && t.outcome === 'tried_before') && !state.tried.some((t) => t.step === id);
    return steps.slice(0, current).find((s) => notDone.includes(s.id) && skipped(s.id))?.id;
  }

  /**
   * The power said to be back (or off) after the check that asked it was answered the other way:
   * that check is answered again, and the procedure goes where the new answer leads.
   */
  private powerChanged(previous: GuideState, state: GuideState, step: Step, reading: Reading): Decision | undefined {
    const { power } = reading.recognition.entities;
    if (!power || step.answeredBy === 'power') return undefined;
    const check = this.procedure(state.procedure).steps.find((s) => s.answeredBy === 'power');
    if (!check) return undefined;
    const answered = previous.tried.find((t) => t.step === check.id && t.procedure === state.procedure);
    const before = previous.facts?.power ?? (answered?.outcome === 'yes' ? 'back' : answered?.outcome === 'no' ? 'off' : undefined);
    if (!before || before === power) return undefined;
    // At a "power back now?" check the answer is the new fact itself.
    if (step.ask === 'yes_no') return undefined;
    state.tried = state.tried.filter((t) => t.step !== check.id);
    const answer = power === 'back' ? 'affirm' : 'deny';
    this.record(state, check, answer);
    state.step = check.id;
    return this.follow(state, targetsOf(check)[answer]!, [this.deps.content.messages.stepReplies.factChanged]);
  }

  /** What the message adds to what we know (entities, steps done), before anything is decided. */
  noted(previous: GuideState, reading: Reading): GuideState {
    const state = this.withFacts(previous, reading);
    // "Scratch that, I haven't unlocked it": what was said to be done before is not.
    const notDone = reading.recognition.entities.stepsNotDone ?? [];
    state.tried = state.tried.filter((tried) => !(tried.outcome === 'tried_before' && notDone.includes(tried.step)));
    this.noteAlreadyTried(state, reading.stepsDone);
    return state;
  }

  /** The state with the message's entities and facts (the cold, the power) added. */
  private withFacts(previous: GuideState, reading: Reading): GuideState {
    const state = structuredClone(previous);
    // The clarifying question is answered by this message or not at all.
    const { clarifying } = state;
    delete state.clarifying;
    if (clarifying && reading.stepReport === 'did_it') state.clarifying = true;
    const {
      stepsDone: _steps,
      stepsNotDone: _notDone,
      cableFreed: _freed,
      stuck: _stuck,
      freedEnd: _end,
      correction: _correction,
      underWay: _underWay,
      helpWanted: _help,
      power,
      ...entities
    } = reading.recognition.entities;
    state.entities = { ...state.entities, ...definedOnly(entities) };
    const cold = reading.recognition.intent === 'cold_weather' || entities.mentions?.includes('cold_weather');
    if (cold || power) state.facts = { ...state.facts, ...(cold ? { cold: true } : {}), ...(power ? { power } : {}) };
    // "Sorry, I meant the Leaf": the model named last is the one.
    const named = this.deps.products.named(reading.text);
    if (named.vehicle || named.charger) state.facts = { ...state.facts, products: { ...state.facts?.products, ...named } };
    return state;
  }

  /** The step's question again, after something interrupted it (`before` goes first). */
  reask(state: GuideState, before: string[]): Decision {
    state.unplacedInARow = 0;
    return this.ask(state, before);
  }

  /** "Help" at a step: where we are, and the step again. */
  helpAtStep(state: GuideState): Decision {
    const { messages } = this.deps.content;
    const step = this.currentStep(state);
    const values = {
      scenario: this.fill(state, messages.scenarios[state.procedure].name),
      number: this.stepNumber(state),
      step: this.title(step),
    };
    return this.reask(state, [fillTemplate(messages.helpAtStep, values), ...this.instruction(state, step)]);
  }

  /** The cable came free at the current step (said in answer to any of its questions). */
  freedAtStep(state: GuideState, reading: Reading): Decision {
    const step = this.currentStep(state);
    // "The car side came out" while freeing the charger's socket: that end, not the cable.
    const named = reading.recognition.entities.side;
    const end = endOf[state.procedure];
    if (end && (named === 'car' || named === 'charger') && named !== end && step.ask === 'freed')
      return this.oneEndFree(state, step, named);
    // "The car end is free" to "which end is stuck?": the other one.
    if (step.ask === 'side' && (named === 'car' || named === 'charger'))
      return this.answer(state, step, named === 'car' ? 'charger' : 'car');
    state.tried.push({ procedure: state.procedure, step: step.id, outcome: 'freed' });
    // Both ends stuck: this end is free, and the other end's procedure comes back.
    return this.follow(state, 'success', []);
  }

  /** A knowledge item's text with the driver's car and charger named. */
  spoken(state: GuideState | undefined, text: string): string {
    return this.fill(state, text);
  }

  private answer(state: GuideState, step: Step, answer: AnswerKey): Decision {
    const side = answer === 'car' || answer === 'charger' || answer === 'both';
    if (side !== (step.ask === 'side')) {
      // "The car" to "did it come free?" names the stuck end; "yes" to "which end?" answers nothing.
      if (!side) return this.unplaced(state, false);
      const scenario = scenarioOfSide[answer as keyof typeof scenarioOfSide];
      state.entities.side = answer as keyof typeof scenarioOfSide;
      return scenario === state.procedure ? this.answer(state, step, 'deny') : this.switchTo(state, scenario, nothingSaid);
    }
    this.record(state, step, answer);
    if (side) state.entities.side = answer as keyof typeof scenarioOfSide;
    const decision = this.follow(state, targetsOf(step)[answer]!, []);
    // "Let's try the next thing" only when there is a next thing to try.
    if (decision.kind === 'ask' && step.ask === 'freed' && answer === 'deny') decision.say.unshift(this.deps.content.messages.nextStep);
    return decision;
  }

  private record(state: GuideState, step: Step, answer: AnswerKey, given?: StepOutcome): void {
    const outcome = given ?? outcomeOf[answer][step.ask === 'freed' ? 'freed' : 'other'];
    state.tried.push({ procedure: state.procedure, step: step.id, outcome });
    if (answer === 'deny') {
      for (const covered of step.covers) state.tried.push({ procedure: state.procedure, step: covered, outcome: 'still_stuck' });
    }
  }

  /** The driver tells a different story ("actually it's the charger end"): steps already tried stay skipped. */
  private switchTo(state: GuideState, scenario: ProcedureScenario, said: Said): Decision {
    const { messages } = this.deps.content;
    const name = this.fill(state, messages.scenarios[scenario].name);
    return this.enter(state, scenario, said, [fillTemplate(messages.switchingScenario, { scenario: name })]);
  }

  /** Starts a procedure the user named, at an entry point their words match, or at its first step. */
  private enter(state: GuideState, scenario: ProcedureScenario, said: Said, say: string[]): Decision {
    const procedure = this.procedure(scenario);
    if (scenario === 'stuck_in_car') state.entities.side ??= 'car';
    if (scenario === 'stuck_in_charger') state.entities.side ??= 'charger';
    state.procedure = scenario;
    state.returns = [];
    this.noteAlreadyTried(state, said.stepsDone);
    // A step already done that meets a criterion for a person (the emergency release pulled, still
    // stuck): nothing before it needs trying again.
    const decisive = procedure.steps.find((step) => step.decisive && state.tried.some((tried) => tried.step === step.id));
    return this.follow(state, { step: decisive?.id ?? this.entryStep(scenario, said) ?? procedure.steps[0].id }, say, said);
  }

  /** The driver's charger has its cable fixed to it: said so ("tethered"), or its maker says so. */
  private tethered(state: GuideState): boolean {
    return state.entities.chargerType === 'tethered' || this.deps.products.isTethered(state.facts?.products);
  }

  /** How a procedure starts; none for one that hands over at once to the end known to come first (both ends: the car's). */
  private introOf(state: GuideState, scenario: ProcedureScenario): string[] {
    const [first] = this.procedure(scenario).steps;
    if (first.ask === 'side' && state.entities.side === 'both') return [];
    return [this.fill(state, this.deps.content.messages.scenarios[scenario].intro)];
  }

  /** The entry point the driver's words match ("fully charged but still locked"), if any. */
  private entryStep(scenario: ProcedureScenario, said: Said): string | undefined {
    const mentioned = mentionTest(said.text, entryNegations);
    return this.procedure(scenario).entryPoints.find((e) => e.phrases.some(mentioned))?.step;
  }

  /**
   * Moves along the procedures until a step needs the driver: skips steps already tried (as if they
   * had not worked), answers "which end?" from what the driver said, returns from called procedures.
   */
  private follow(state: GuideState, first: Target, say: string[], said?: Said): Decision {
    const { messages } = this.deps.content;
    const skipped: Step[] = [];
    const withSkipped = (rest: string[]) =>
      skipped.length > 0
        ? [...say, fillTemplate(messages.alreadyTried, { steps: skipped.map((step) => this.title(step)).join(', ') }), ...rest]
        : [...say, ...rest];
    const skippedIds: { procedure: ProcedureScenario; step: string }[] = [];
    const noting = (decision: Decision): Decision => (skippedIds.length > 0 ? { ...decision, skipped: skippedIds } : decision);
    let target = first;
    for (let move = 0; move < maxMovesPerTurn; move += 1) {
      if (target === 'success') {
        const back = state.returns.pop();
        if (!back) return noting(this.freed(state, withSkipped([])));
        state.procedure = back.procedure;
        say.push(messages.oneEndFree);
        target = { step: back.step };
      } else if (target === 'next') {
        const steps = this.procedure(state.procedure).steps;
        target = { step: steps[steps.findIndex((s) => s.id === state.step) + 1].id };
      } else if ('handoff' in target) {
        return noting(this.handoff(state, target.handoff, withSkipped(this.texts(state, target.say))));
      } else if ('procedure' in target) {
        if (target.then) state.returns.push({ procedure: state.procedure, step: target.then });
        state.procedure = target.procedure;
        // Both ends: "the car end first, then the charger", not the two procedures' introductions.
        say.push(...(target.then && state.entities.side === 'both' ? [messages.bothEnds] : this.introOf(state, target.procedure)));
        // "Finished charging but stuck at both ends": the car's procedure starts where those words say.
        target = { step: (said && this.entryStep(target.procedure, said)) ?? this.procedure(target.procedure).steps[0].id };
      } else {
        const step = this.stepOf(state.procedure, target.step);
        state.step = step.id;
        const knownSide = state.entities.side;
        // A step tried, or one whose every part was ("fully charged" covers locking and unlocking), is skipped.
        const tried = (id: string) => state.tried.some((t) => t.step === id);
        if (step.ask === 'freed' && (tried(step.id) || (step.covers.length > 0 && step.covers.every(tried)))) {
          skipped.push(step);
          skippedIds.push({ procedure: state.procedure, step: step.id });
          target = targetsOf(step).deny!;
        } else if (step.ask === 'side' && knownSide) {
          if (!state.tried.some((t) => t.step === step.id && t.procedure === state.procedure)) this.record(state, step, knownSide);
          // Its question is answered already; what it says still needs saying ("the charger end has to wait").
          say.push(...this.instruction(state, step), ...this.factAdvice(state, step));
          target = targetsOf(step)[knownSide]!;
        } else if (step.ask === 'side' && step.ifSideUnknown) {
          target = step.ifSideUnknown;
        } else if (step.ask === 'yes_no' && step.answeredBy && state.facts?.[step.answeredBy]) {
          // "Is the power back?" after "the power's back on": answered already.
          const answer = state.facts[step.answeredBy] === 'back' ? 'affirm' : 'deny';
          this.record(state, step, answer);
          target = targetsOf(step)[answer]!;
        } else {
          return noting(this.ask(state, withSkipped([...this.instruction(state, step), ...this.factAdvice(state, step)])));
        }
      }
    }
    return this.handoff(state, 'procedure_exhausted', say);
  }

  /** The cold advice, once, with the first instruction said after the cold came up (in another procedure than the cold's own). */
  private factAdvice(state: GuideState, step: Step): string[] {
    if (!state.facts?.cold || state.facts.coldAdviceGiven || state.procedure === 'cold_weather' || step.say.length === 0) return [];
    state.facts.coldAdviceGiven = true;
    return [this.texts(state, this.deps.content.dialogs.interruptions.advice.cold).join(' ')];
  }

  private unplaced(state: GuideState, outOfScope: boolean): Decision {
    const { messages } = this.deps.content;
    state.unplacedInARow += 1;
    if (state.unplacedInARow >= 2) {
      const step = this.currentStep(state);
      return { kind: 'ask', say: [], prompt: { ...this.prompt(step), text: messages.notUnderstoodAgain }, state, misread: 'unplaced' };
    }
    return { ...this.ask(state, [outOfScope ? messages.outOfScope : messages.notUnderstood]), misread: 'unplaced' };
  }

  /** The step's question as a reply with its answer buttons. */
  promptOf(state: GuideState): Reply {
    const { text, buttons } = this.prompt(this.currentStep(state));
    return { text, buttons };
  }

  private ask(state: GuideState, say: string[]): Decision {
    return { kind: 'ask', say, prompt: this.prompt(this.currentStep(state)), state };
  }

  private freed(state: GuideState, say: string[]): Decision {
    const { messages, knowledge } = this.deps.content;
    return {
      kind: 'end',
      say: [...say, messages.freed, this.fill(state, knowledge.get('prevention_tip').text)],
      ending: { outcome: 'freed', scenario: state.procedure, step: state.step, stepsTried: state.tried },
    };
  }

  /** Hands the procedure to a person (`say` goes first). */
  handoff(state: GuideState, reason: HandoffReason, say: string[]): Decision {
    const { products } = this.deps;
    const named = state.facts?.products ?? {};
    const request: HandoffRequest = {
      reason,
      scenario: state.procedure,
      stepsTried: state.tried,
      entities: state.entities,
      ...products.ticketNames(named),
      ...(state.facts?.given?.length ? { factsGiven: products.ticketFacts(state.facts.given) } : {}),
    };
    return { kind: 'end', say, ending: { outcome: 'handoff', request } };
  }

  /**
   * A person asked for. When a criterion for an installer is met already (the emergency release
   * pulled and the plug still held: "pulled it, still locked, raise a job"), the handoff is for it.
   */
  personWanted(state: GuideState, reading: Reading, reason: HandoffReason): Decision {
    this.noteAlreadyTried(state, reading.stepsDone);
    const waiting = this.isCurrent(state) ? this.currentStep(state) : undefined;
    const stillStuck = reading.answer === 'deny' || !!reading.recognition.entities.stuck;
    for (const procedure of this.deps.content.dialogs.procedures.values()) {
      for (const step of procedure.steps) {
        const deny = handoffOnDeny(step);
        if (!step.decisive || !deny) continue;
        const tried = state.tried.some((t) => t.step === step.id && t.outcome !== 'freed');
        if (!(tried && stillStuck) && !(waiting?.id === step.id && stillStuck)) continue;
        if (waiting?.id === step.id) state.tried.push({ procedure: state.procedure, step: step.id, outcome: 'still_stuck' });
        return this.handoff(state, deny.handoff, this.texts(state, deny.say));
      }
    }
    return this.handoff(state, reason, []);
  }

  private noteAlreadyTried(state: GuideState, steps: readonly string[]): void {
    for (const step of steps) {
      if (!state.tried.some((t) => t.step === step)) state.tried.push({ procedure: state.procedure, step, outcome: 'tried_before' });
    }
  }

  private prompt(step: Step): GuidePrompt {
    const { messages } = this.deps.content;
    return { text: messages.questions[step.question], buttons: buttonsFor[step.ask].map((key) => messages.buttons[key]) };
  }

  /** A step's instruction as one message (or none for a bare question). */
  /** The step's instruction, then what the maker of the driver's car or charger adds to it. */
  private instruction(state: GuideState, step: Step): string[] {
    if (step.say.length === 0) return [];
    return [this.texts(state, step.say).join(' '), ...this.makersSay(state, step.say)];
  }

  /**
   * What the makers of the named car and charger say on these knowledge items' topics, noted as
   * given. Without a known car at the emergency release, the driver is asked for it.
   */
  makersSay(state: GuideState | undefined, ids: readonly string[], named: NamedProducts = {}): string[] {
    const { products, content } = this.deps;
    const items = ids.map((id) => content.knowledge.get(id));
    const known = { ...state?.facts?.products, ...named };
    const { texts, given } = products.refine(items, known);
    if (state && given.length > 0) state.facts = { ...state.facts, given: [...new Set([...(state.facts?.given ?? []), ...given])] };
    const aboutTheRelease = items.some((item) => item.refinedBy?.vehicle.includes('emergency_release'));
    if (aboutTheRelease && products.worthAskingForModel(known, state?.entities.vehicleMake))
      texts.push(content.messages.productFacts.askVehicle);
    return texts;
  }

  /** A car or charger named just now: what its maker says about the step waiting, if anything new. */
  private newlyNamed(previous: GuideState, state: GuideState, step: Step): string[] {
    const before = previous.facts?.products ?? {};
    const now = state.facts?.products ?? {};
    if (before.vehicle === now.vehicle && before.charger === now.charger) return [];
    const alreadyGiven = previous.facts?.given ?? [];
    const items = step.say.map((id) => this.deps.content.knowledge.get(id));
    const { texts, given } = this.deps.products.refine(items, now, alreadyGiven);
    if (given.length > 0) state.facts = { ...state.facts, given: [...alreadyGiven, ...given] };
    if (texts.length > 0) return texts;
    // Nothing its maker says about this step: noted all the same, and the step asked again.
    const changed =
      now.vehicle !== before.vehicle
        ? this.deps.products.nameOf('vehicle', now.vehicle!)
        : this.deps.products.nameOf('charger', now.charger!);
    return changed ? [fillTemplate(this.deps.content.messages.productFacts.noted, { product: changed })] : [];
  }

  private title(step: Step): string {
    const { knowledge, messages } = this.deps.content;
    return step.say.length > 0 ? knowledge.get(step.say[0]).title : messages.questions[step.question];
  }

  private stepNumber(state: GuideState): number {
    return this.procedure(state.procedure).steps.findIndex((s) => s.id === state.step) + 1;
  }

  /** Knowledge items' texts, with the driver's car and charger named. */
  texts(state: GuideState | undefined, ids: readonly string[]): string[] {
    return ids.map((id) => this.fill(state, this.deps.content.knowledge.get(id).text));
  }

  /** {car} and {charger} become the make and brand the driver named, or plain words. */
  private fill(state: GuideState | undefined, template: string): string {
    const names = this.deps.content.messages.defaultNames;
    return fillTemplate(template, {
      car: state?.entities.vehicleMake ?? names.car,
      charger: state?.entities.chargerBrand ?? names.charger,
    });
  }

  private procedure(scenario: ProcedureScenario): Procedure {
    return this.deps.content.dialogs.procedures.get(scenario)!;
  }

  private stepOf(scenario: ProcedureScenario, id: string): Step {
    return this.procedure(scenario).steps.find((s) => s.id === id)!;
  }

  private currentStep(state: GuideState): Step {
    return this.stepOf(state.procedure, state.step);
  }

  /** Whether a stored state still names a procedure and step of the content (a release may remove one). */
  isCurrent(state: GuideState): boolean {
    return this.deps.content.dialogs.procedures.get(state.procedure)?.steps.some((s) => s.id === state.step) ?? false;
  }

  /** What the step waiting in `state` expects as an answer. */
  askOf(state: GuideState): AskKind {
    return this.currentStep(state).ask;
  }
}

/** Where a step's "no" hands off, when it does: the step is its procedure's last. */
function handoffOnDeny(step: Step) {
  const deny = targetsOf(step).deny;
  return typeof deny === 'object' && 'handoff' in deny ? deny : undefined;
}

const sideScenarios = new Set<ProcedureScenario>(['stuck_in_car', 'stuck_in_charger', 'cable_stuck']);

/** A make or brand named with nothing said of where the cable is held: "actually it's a Tesla", "it's a Kia Niro". */
function namesOnly(reading: Reading): boolean {
  const { vehicleMake, chargerBrand, stuck, freedEnd, stepsDone } = reading.recognition.entities;
  const placeWords = /\b(?:end|side|socket|port|stuck|locked|held|jammed|in the|from the)\b/i;
  return !!(vehicleMake || chargerBrand) && !stuck && !freedEnd && !stepsDone && !placeWords.test(reading.text);
}

/** Steps said to be done, when no situation was named: the emergency release is the car's, a restart the charger's. */
function scenarioOfSteps(steps: readonly string[]): ProcedureScenario | undefined {
  if (steps.includes('emergency_release') || steps.includes('unlock_car')) return 'stuck_in_car';
  if (steps.includes('power_cycle')) return 'stuck_in_charger';
  return steps.length > 0 ? 'cable_stuck' : undefined;
}

function definedOnly(entities: Entities): Entities {
  return Object.fromEntries(Object.entries(entities).filter(([, value]) => value !== undefined)) as Entities;
}
