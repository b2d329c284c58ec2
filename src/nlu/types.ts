/**
 * The recognizer's contract with the rest of the engine. Labels are fixed by the project's intent
 * label list; dialogs depend on these types only, never on the model that produces them.
 */
export const intentLabels = [
  'stuck_in_car',
  'stuck_in_charger',
  'cable_stuck',
  'power_cut',
  'cold_weather',
  'damage',
  'human',
  'greeting',
  'thanks',
  'help',
  'cancel',
  'affirm',
  'deny',
  'out_of_scope',
] as const;

export type IntentLabel = (typeof intentLabels)[number];

/** `none`: not confident enough, or the top two are too close; the ranking says what it might be. */
export type RecognizedIntent = IntentLabel | 'none';

export type Side = 'car' | 'charger' | 'both';
export type ChargerType = 'tethered' | 'untethered';
export const damageDetails = [
  'pin',
  'dashboard_error',
  'burning',
  'smoke',
  'sparks',
  'heat',
  'melting',
  'bang',
  'crackling',
  'cracked',
  'release_cord',
  'shock',
  'exposed_wires',
  'water',
] as const;
export type DamageDetail = (typeof damageDetails)[number];

export interface Entities {
  side?: Side;
  vehicleMake?: string;
  chargerBrand?: string;
  chargerType?: ChargerType;
  damage?: DamageDetail[];
  /** The message says the cable has come free ("got it out"), whatever was asked. */
  cableFreed?: true;
  /** The message says the cable is stuck ("still locked", "won't come out"), not negated. */
  stuck?: true;
  /** One end is free and the other still stuck ("unplugged it from the car, stuck in the zappi"): the free one. */
  freedEnd?: 'car' | 'charger';
  /** Steps of the procedures the message says were done already ("I already stopped it"), by step id. */
  stepsDone?: string[];
  /** Steps the message says were not done ("I haven't unlocked it"). */
  stepsNotDone?: string[];
  /** The message corrects what came before ("no sorry", "actually", "I meant"). */
  correction?: true;
  /** What the message says of the mains power: back on, or still off. */
  power?: 'back' | 'off';
  /** The reply opens by saying the step is being done now or is about to be ("on it", "ok doing it now"). */
  underWay?: true;
  /** The message asks for help with doing something ("help me release it", "talk me through unlocking"). */
  helpWanted?: true;
  /** Topic labels the message also speaks of, kept when the priority rule picked another label. */
  mentions?: IntentLabel[];
}

/** A label of a classifier and its confidence (`intent` names the label, whichever classifier). */
export interface Ranked<L extends string> {
  intent: L;
  confidence: number;
}

export type RankedIntent = Ranked<IntentLabel>;

/**
 * What a reply to a step's question ("did the cable come free?") says, whatever the words: the
 * recognizer's second model, trained on intents/replies/. `other` is anything else (a question, a
 * new fact, small talk): the intent model reads those.
 */
export const replyActs = ['freed', 'still_stuck', 'did_it', 'tried_before', 'cannot', 'partly', 'waiting', 'other'] as const;
export type ReplyAct = (typeof replyActs)[number];

export interface ReplyReading {
  act: ReplyAct;
  confidence: number;
}

export interface Recognition {
  intent: RecognizedIntent;
  /** Given the step being asked: what the message says as a reply to it (the reply model). */
  reply?: ReplyReading;
  /** 0..1, normalised over the labels. */
  confidence: number;
  /** The top three labels, best first. */
  ranking: RankedIntent[];
  entities: Entities;
  /** The message holds code (SQL, script, template, shell: `codeInText.ts`), taken out before it was read. */
  code?: true;
}

export interface Recognizer {
  /** `context`: the step whose question the message answers, for the reply model. */
  recognize(text: string, context?: { step: string }): Recognition;
  /** The entities alone, by rule (no classifier): for a form's single fields, such as a car's make. */
  entitiesOf(text: string): Entities;
}
