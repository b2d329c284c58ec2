import { decide, type Thresholds } from './decision';
import { EntityExtractor } from './entityExtraction';
import { featuresOf } from './features';
import { gazetteerWords, spellerFor, type Gazetteer } from './gazetteer';
import { trainBayes, trainLogisticRegression, trainSoftmax, type ClassifierKind, type FeatureDoc } from './classifierTraining';
import { crossValidate, scorePredictions, stratifiedFolds, type EvaluationReport, type FoldOptions } from './evaluation';
import { scorerOf, type BayesState, type LinearState } from './intentScorer';
import type { ModelFile } from './model';
import { IntentRecognizer, type Inspection } from './recognizer';
import { analyse, clauseBreak, tokenize } from './textAnalysis';
import type { LabelledText, TrainingData } from './trainingData';
import type { RecognizedIntent } from './types';

/** The classifier `npm run train` stores: chosen by cross-validation over bayes, softmax, ensemble and logistic. */
export const modelKind = 'ensemble' satisfies ClassifierKind;

/** Folds used inside training to choose the thresholds. */
export const thresholdFolds: FoldOptions = { folds: 5, repeats: 1, seed: 11 };
const noThresholds: Thresholds = { minConfidence: 0, minMargin: 0 };
const confidenceGrid = Array.from({ length: 25 }, (_, i) => i * 0.025);
const marginGrid = Array.from({ length: 16 }, (_, i) => i * 0.02);

/** How often each word occurs in the examples and the gazetteer: the speller's dictionary. */
export function vocabularyOf(examples: LabelledText[], gazetteer: Gazetteer): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of [...examples.map((e) => e.text), ...gazetteerWords(gazetteer)]) {
    for (const word of tokenize(text)) if (word !== clauseBreak) counts[word] = (counts[word] ?? 0) + 1;
  }
  return counts;
}

export interface TrainedRecognizer {
  recognizer: IntentRecognizer;
  vocabulary: Record<string, number>;
  /** The trained states a model file stores (not the comparison-only `logistic`). */
  bayes?: BayesState;
  linear?: LinearState;
}

/** Builds the whole pipeline from examples: speller, rules, features, classifier. */
export function trainRecognizer(examples: LabelledText[], gazetteer: Gazetteer, kind: ClassifierKind = modelKind, thresholds = noThresholds): TrainedRecognizer {
  const vocabulary = vocabularyOf(examples, gazetteer);
  const speller = spellerFor(vocabulary, gazetteer);
  const extractor = new EntityExtractor(gazetteer);
  const docs: FeatureDoc[] = examples.map(({ text, intent }) => {
    const analysed = analyse(text, speller);
    return { features: featuresOf(analysed, extractor.extract(analysed)), intent };
  });
  if (kind === 'logistic') return { recognizer: new IntentRecognizer({ speller, extractor, scorer: trainLogisticRegression(docs), thresholds }), vocabulary };
  const bayes = kind === 'softmax' ? undefined : trainBayes(docs);
  const linear = kind === 'bayes' ? undefined : trainSoftmax(docs);
  const scorer = scorerOf(bayes, linear);
  return { recognizer: new IntentRecognizer({ speller, extractor, scorer, thresholds }), vocabulary, bayes, linear };
}

/**
 * Chooses the `none` thresholds by cross-validation: the pair with the best macro-F1 (none counted
 * as out_of_scope), and among near-equal ones the best out-of-scope recall.
 */
export function chooseThresholds(examples: LabelledText[], gazetteer: Gazetteer, kind: ClassifierKind = modelKind, folds = thresholdFolds): { thresholds: Thresholds; report: EvaluationReport } {
  const held: (LabelledText & Inspection)[] = [];
  for (const { train, test } of stratifiedFolds(examples, folds)) {
    const { recognizer } = trainRecognizer(train, gazetteer, kind);
    for (const example of test) held.push({ ...example, ...recognizer.inspect(example.text) });
  }
  let best: { thresholds: Thresholds; report: EvaluationReport } | undefined;
  for (const minConfidence of confidenceGrid) {
    for (const minMargin of marginGrid) {
      const thresholds = { minConfidence, minMargin };
      const report = scorePredictions(held.map((h) => ({ text: h.text, intent: h.intent, predicted: decide(h.ranking, h.findings, thresholds).intent })));
      const better = !best || report.macroF1 > best.report.macroF1 + 0.001 || (report.macroF1 > best.report.macroF1 - 0.001 && (report.oosRecall ?? 0) > (best.report.oosRecall ?? 0));
      if (better) best = { thresholds, report };
    }
  }
  return best!;
}

/** The full training run behind `npm run train`. */
export function trainModel(data: TrainingData): ModelFile {
  const { thresholds, report } = chooseThresholds(data.examples, data.gazetteer, modelKind);
  const { vocabulary, bayes, linear } = trainRecognizer(data.examples, data.gazetteer, modelKind, thresholds);
  return {
    version: 1,
    dataHash: data.hash,
    classifier: modelKind,
    bayes: bayes!,
    linear: linear!,
    vocabulary,
    gazetteer: data.gazetteer,
    thresholds,
    crossValidation: { folds: thresholdFolds.folds, repeats: thresholdFolds.repeats, macroF1: report.macroF1, accuracy: report.accuracy, oosRecall: report.oosRecall },
  };
}

/**
 * What `npm run eval` cross-validates: on each training split the thresholds are chosen again by
 * an inner cross-validation, so held-out examples never influence them.
 */
export function crossValidateTraining(examples: LabelledText[], gazetteer: Gazetteer, kind: ClassifierKind, folds: FoldOptions): EvaluationReport {
  return crossValidate(examples, (part) => trainingProcedure(part, gazetteer, kind), folds);
}

export function trainingProcedure(examples: LabelledText[], gazetteer: Gazetteer, kind: ClassifierKind): (text: string) => RecognizedIntent {
  const innerFolds = { folds: 4, repeats: 1, seed: thresholdFolds.seed };
  const { thresholds } = chooseThresholds(examples, gazetteer, kind, innerFolds);
  const { recognizer } = trainRecognizer(examples, gazetteer, kind, thresholds);
  return (text) => recognizer.recognize(text).intent;
}
