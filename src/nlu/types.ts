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
export const damageDetails = ['pin', 'dashboard_error', 'burning', 'smoke', 'sparks', 'cracked', 'release_cord'] as const;
export type DamageDetail = (typeof damageDetails)[number];

export interface Entities {
  side?: Side;
  vehicleMake?: string;
  chargerBrand?: string;
  chargerType?: ChargerType;
  damage?: DamageDetail[];
  /** The message says the cable has come free ("got it out"), whatever was asked. */
  cableFreed?: true;
  /** Topic labels the message also speaks of, kept when the priority rule picked another label. */
  mentions?: IntentLabel[];
}

export interface RankedIntent {
  intent: IntentLabel;
  confidence: number;
}

export interface Recognition {
  intent: RecognizedIntent;
  /** 0..1, normalised over the labels. */
  confidence: number;
  /** The top three labels, best first. */
  ranking: RankedIntent[];
  entities: Entities;
}

export interface Recognizer {
  recognize(text: string): Recognition;
  /** The entities alone, by rule (no classifier): for a form's single fields, such as a car's make. */
  entitiesOf(text: string): Entities;
}
