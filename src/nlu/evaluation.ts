import { seededRandom, shuffle } from './seededShuffle';
import { intentLabels, type IntentLabel, type RecognizedIntent } from './types';
import type { LabelledText } from './trainingData';

export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Misclassified {
  text: string;
  expected: IntentLabel;
  predicted: RecognizedIntent;
}

export interface EvaluationReport {
  accuracy: number;
  macroF1: number;
  perIntent: Partial<Record<IntentLabel, LabelScores>>;
  /** Recall of out_of_scope, `none` counting as out_of_scope; null when no example is out of scope. */
  oosRecall: number | null;
  /** confusion[expected][predicted] = count, `none` folded into out_of_scope. */
  confusion: Partial<Record<IntentLabel, Partial<Record<IntentLabel, number>>>>;
  errors: Misclassified[];
}

export interface Prediction extends LabelledText {
  predicted: RecognizedIntent;
}

/** In every evaluation `none` is a prediction of out_of_scope. */
export const asScored = (intent: RecognizedIntent): IntentLabel => (intent === 'none' ? 'out_of_scope' : intent);

/** Scores predictions; macro-F1 averages over every label that is expected or predicted. */
export function scorePredictions(predictions: Prediction[]): EvaluationReport {
  const confusion: EvaluationReport['confusion'] = {};
  const errors: Misclassified[] = [];
  let correct = 0;
  for (const { text, intent, predicted } of predictions) {
    const scored = asScored(predicted);
    const row = (confusion[intent] ??= {});
    row[scored] = (row[scored] ?? 0) + 1;
    if (scored === intent) correct++;
    else errors.push({ text, expected: intent, predicted });
  }
  const cell = (expected: IntentLabel, predicted: IntentLabel): number => confusion[expected]?.[predicted] ?? 0;
  const perIntent: EvaluationReport['perIntent'] = {};
  for (const label of intentLabels) {
    const support = intentLabels.reduce((sum, other) => sum + cell(label, other), 0);
    const predictedCount = intentLabels.reduce((sum, other) => sum + cell(other, label), 0);
    if (support === 0 && predictedCount === 0) continue;
    const hits = cell(label, label);
    const precision = predictedCount ? hits / predictedCount : 0;
    const recall = support ? hits / support : 0;
    perIntent[label] = { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
  }
  const f1s = Object.values(perIntent).map((s) => s.f1);
  return {
    accuracy: predictions.length ? correct / predictions.length : 0,
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    perIntent,
    oosRecall: perIntent.out_of_scope?.support ? perIntent.out_of_scope.recall : null,
    confusion,
    errors,
  };
}

export interface FoldOptions {
  folds: number;
  repeats: number;
  seed: number;
}

export const defaultFolds: FoldOptions = { folds: 5, repeats: 3, seed: 7 };

/**
 * Repeated stratified k-fold: each repeat shuffles every label's examples (seeded, so runs and
 * tools compare on the same folds) and deals them round-robin into k test folds.
 */
export function stratifiedFolds<T extends { intent: string }>(
  examples: T[],
  { folds, repeats, seed }: FoldOptions,
): { train: T[]; test: T[] }[] {
  const random = seededRandom(seed);
  const splits: { train: T[]; test: T[] }[] = [];
  for (let r = 0; r < repeats; r++) {
    const foldOf = new Array<number>(examples.length);
    const byLabel = new Map<string, number[]>();
    examples.forEach((e, i) => byLabel.set(e.intent, [...(byLabel.get(e.intent) ?? []), i]));
    let offset = 0;
    for (const indices of byLabel.values()) {
      shuffle(indices, random).forEach((index, k) => (foldOf[index] = (k + offset) % folds));
      offset += indices.length;
    }
    for (let f = 0; f < folds; f++) {
      splits.push({ train: examples.filter((_, i) => foldOf[i] !== f), test: examples.filter((_, i) => foldOf[i] === f) });
    }
  }
  return splits;
}

/** Cross-validates a training procedure: trains on each split and predicts its held-out part. */
export function crossValidate(
  examples: LabelledText[],
  train: (examples: LabelledText[]) => (text: string) => RecognizedIntent,
  options: FoldOptions = defaultFolds,
): EvaluationReport {
  const predictions: Prediction[] = [];
  for (const { train: part, test } of stratifiedFolds(examples, options)) {
    const predict = train(part);
    for (const example of test) predictions.push({ ...example, predicted: predict(example.text) });
  }
  return scorePredictions(predictions);
}

/** Scores a trained recognizer on labelled messages (`npm run eval -- --data FILE`). */
export function evaluateRecognizer(recognize: (text: string) => RecognizedIntent, examples: LabelledText[]): EvaluationReport {
  return scorePredictions(examples.map((example) => ({ ...example, predicted: recognize(example.text) })));
}

const domainLabels: readonly IntentLabel[] = [
  'stuck_in_car',
  'stuck_in_charger',
  'cable_stuck',
  'power_cut',
  'cold_weather',
  'damage',
  'human',
];
const smallTalkLabels: readonly IntentLabel[] = ['greeting', 'thanks', 'help', 'cancel', 'affirm', 'deny'];

/** The recognizer on messages from sources it was never trained on, as the targets are set. */
export interface HeldOutReport {
  /** Macro-F1 over the stuck-cable topics, on the domain source. */
  domainMacroF1: number;
  /** Share of out-of-scope messages (all sources) read as out of scope (`none` counts). */
  oosRecall: number;
  /** Share of greetings, thanks, help, cancel, yes and no (all sources) read as what they are. */
  smallTalkRecall: number;
  /** The whole report of each source. */
  sources: Record<string, EvaluationReport>;
}

/** Scores the recognizer on held-out sources, by source (`domain` names the one with the stuck-cable topics). */
export function evaluateHeldOut(
  recognize: (text: string) => RecognizedIntent,
  sources: Record<string, LabelledText[]>,
  domain: string,
): HeldOutReport {
  const reports = Object.fromEntries(Object.entries(sources).map(([name, examples]) => [name, evaluateRecognizer(recognize, examples)]));
  const all = Object.entries(sources).flatMap(([name, examples]) => examples.map((example) => ({ ...example, source: name })));
  const predicted = new Map(all.map((example) => [example, asScored(recognize(example.text))]));
  const recallOf = (labels: readonly IntentLabel[]) => {
    const relevant = all.filter((example) => labels.includes(example.intent));
    return relevant.filter((example) => predicted.get(example) === example.intent).length / Math.max(1, relevant.length);
  };
  const domainReport = reports[domain];
  const domainF1s = domainLabels.map((label) => domainReport?.perIntent[label]?.f1 ?? 0);
  return {
    domainMacroF1: domainF1s.reduce((a, b) => a + b, 0) / domainF1s.length,
    oosRecall: recallOf(['out_of_scope']),
    smallTalkRecall: recallOf(smallTalkLabels),
    sources: reports,
  };
}
