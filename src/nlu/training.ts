import { decide, type Thresholds } from './decision';
import { EntityExtractor } from './entityExtraction';
import { featuresOf } from './features';
import { gazetteerWords, spellerFor, type Gazetteer } from './gazetteer';
import { trainBayes, trainLogisticRegression, trainSoftmax, type ClassifierKind, type FeatureDoc } from './classifierTraining';
import { crossValidate, scorePredictions, stratifiedFolds, type EvaluationReport, type FoldOptions } from './evaluation';
import { type IntentScorer, scorerOf, type BayesState, type LinearState } from './intentScorer';
import type { ModelFile } from './model';
import { IntentRecognizer, type Inspection } from './recognizer';
import { decideReply, type ReplyAct, type ReplyExample, type ReplyModelState, ReplyReader, replyDocs, trainReplyModel } from './replyModel';
import { analyse, clauseBreak, tokenize } from './textAnalysis';
import type { LabelledText, TrainingData } from './trainingData';
import type { IntentLabel, RecognizedIntent } from './types';

/** The classifier `npm run train` stores: chosen by cross-validation over bayes, softmax, ensemble and logistic. */
export const modelKind = 'ensemble' satisfies ClassifierKind;

/** Folds used inside training to choose the thresholds. */
export const thresholdFolds: FoldOptions = { folds: 5, repeats: 1, seed: 11 };
const noThresholds: Thresholds = { minConfidence: 0, minMargin: 0 };
const confidenceGrid = Array.from({ length: 25 }, (_, i) => i * 0.025);
const marginGrid = Array.from({ length: 16 }, (_, i) => i * 0.02);

/** How often each word occurs in the examples (and `otherTexts`) and the gazetteer: the speller's dictionary. */
export function vocabularyOf(examples: LabelledText[], gazetteer: Gazetteer, otherTexts: readonly string[] = []): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of [...examples.map((e) => e.text), ...otherTexts, ...gazetteerWords(gazetteer)]) {
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
  replies?: ReplyModelState;
}

/**
 * Builds the whole pipeline from examples: speller, rules, features, classifier; with reply examples,
 * the reply model too (their words join the speller's dictionary).
 */
export function trainRecognizer(
  examples: LabelledText[],
  gazetteer: Gazetteer,
  kind: ClassifierKind = modelKind,
  thresholds = noThresholds,
  replies: { examples: ReplyExample[]; minConfidence: number } = { examples: [], minConfidence: 0 },
): TrainedRecognizer {
  const vocabulary = vocabularyOf(
    examples,
    gazetteer,
    replies.examples.map((e) => e.text),
  );
  const speller = spellerFor(vocabulary, gazetteer);
  const extractor = new EntityExtractor(gazetteer);
  const featuresOfText = (text: string) => {
    const analysed = analyse(text, speller);
    return featuresOf(analysed, extractor.extract(analysed));
  };
  const docs: FeatureDoc[] = examples.map(({ text, intent }) => ({ features: featuresOfText(text), intent }));
  const replyModel =
    replies.examples.length > 0 ? trainReplyModel(replyDocs(replies.examples, featuresOfText), replies.minConfidence) : undefined;
  const replyReader = replyModel && new ReplyReader(replyModel);
  if (kind === 'logistic') {
    return {
      recognizer: new IntentRecognizer({
        speller,
        extractor,
        scorer: trainLogisticRegression(docs) as IntentScorer<IntentLabel>,
        thresholds,
        replies: replyReader,
      }),
      vocabulary,
    };
  }
  const bayes = kind === 'softmax' ? undefined : trainBayes(docs);
  const linear = kind === 'bayes' ? undefined : trainSoftmax(docs);
  const scorer = scorerOf<IntentLabel>(bayes, linear);
  return {
    recognizer: new IntentRecognizer({ speller, extractor, scorer, thresholds, replies: replyReader }),
    vocabulary,
    bayes,
    linear,
    replies: replyModel,
  };
}

/** How much worse a reply read as the wrong act is than one left to the intent model (`other`). */
const wrongActCost = 2;

/**
 * Chooses the reply model's confidence threshold by cross-validation: each held-out reply read as
 * its act counts 1, one read as a wrong act (or an act where it was `other`) costs `wrongActCost`,
 * one left as `other` counts nothing. Returns the threshold and the held-out figures at it.
 */
export function chooseReplyThreshold(
  replies: ReplyExample[],
  gazetteer: Gazetteer,
  folds = thresholdFolds,
  previous?: number,
): { minConfidence: number; report: ReplyReport } {
  const vocabulary = vocabularyOf(
    [],
    gazetteer,
    replies.map((e) => e.text),
  );
  const speller = spellerFor(vocabulary, gazetteer);
  const extractor = new EntityExtractor(gazetteer);
  const docs = replyDocs(replies, (text) => {
    const analysed = analyse(text, speller);
    return featuresOf(analysed, extractor.extract(analysed));
  });
  const held: { act: ReplyAct; ranking: ReturnType<IntentScorer<ReplyAct>['rank']> }[] = [];
  for (const { train, test } of stratifiedFolds(docs, folds)) {
    const scorer = scorerOf<ReplyAct>(trainBayes(train), trainSoftmax(train));
    for (const doc of test) held.push({ act: doc.intent as ReplyAct, ranking: scorer.rank(doc.features) });
  }
  let best: { minConfidence: number; report: ReplyReport; utility: number } | undefined;
  let kept: typeof best;
  for (const minConfidence of confidenceGrid) {
    const predictions = held.map(({ act, ranking }) => ({ act, predicted: decideReply(ranking, minConfidence).act }));
    const utility = predictions.reduce(
      (sum, { act, predicted }) => sum + (predicted === act ? 1 : predicted === 'other' ? 0 : -wrongActCost),
      0,
    );
    if (!best || utility > best.utility) best = { minConfidence, utility, report: replyReport(predictions) };
    if (previous !== undefined && Math.abs(minConfidence - previous) < 1e-6)
      kept = { minConfidence, utility, report: replyReport(predictions) };
  }
  // As for the intent thresholds: the previous one stays while it is about as good.
  const chosen = kept && kept.utility >= best!.utility - stayTolerance * held.length ? kept : best!;
  return { minConfidence: chosen.minConfidence, report: chosen.report };
}

/** Held-out figures of the reply model: accuracy, and of the acts read (not `other`), how many were right. */
export interface ReplyReport {
  examples: number;
  accuracy: number;
  /** Of the replies read as an act other than `other`, the share read as the right one. */
  precision: number;
  /** Of the replies whose act is not `other`, the share read as that act. */
  recall: number;
}

function replyReport(predictions: { act: ReplyAct; predicted: ReplyAct }[]): ReplyReport {
  const read = predictions.filter((p) => p.predicted !== 'other');
  const acts = predictions.filter((p) => p.act !== 'other');
  const right = (list: typeof predictions) => list.filter((p) => p.predicted === p.act).length;
  return {
    examples: predictions.length,
    accuracy: right(predictions) / Math.max(1, predictions.length),
    precision: right(read) / Math.max(1, read.length),
    recall: right(acts) / Math.max(1, acts.length),
  };
}

/**
 * Chooses the `none` thresholds by cross-validation: the pair with the best macro-F1 (none counted
 * as out_of_scope), and among near-equal ones the best out-of-scope recall.
 */
export function chooseThresholds(
  examples: LabelledText[],
  gazetteer: Gazetteer,
  kind: ClassifierKind = modelKind,
  folds = thresholdFolds,
  previous?: Thresholds,
): { thresholds: Thresholds; report: EvaluationReport } {
  const held: (LabelledText & Inspection)[] = [];
  for (const { train, test } of stratifiedFolds(examples, folds)) {
    const { recognizer } = trainRecognizer(train, gazetteer, kind);
    for (const example of test) held.push({ ...example, ...recognizer.inspect(example.text) });
  }
  let best: { thresholds: Thresholds; report: EvaluationReport } | undefined;
  let kept: { thresholds: Thresholds; report: EvaluationReport } | undefined;
  for (const minConfidence of confidenceGrid) {
    for (const minMargin of marginGrid) {
      const thresholds = { minConfidence, minMargin };
      const report = scorePredictions(
        held.map((h) => ({ text: h.text, intent: h.intent, predicted: decide(h.ranking, h.findings, thresholds).intent })),
      );
      const better =
        !best ||
        report.macroF1 > best.report.macroF1 + 0.001 ||
        (report.macroF1 > best.report.macroF1 - 0.001 && (report.oosRecall ?? 0) > (best.report.oosRecall ?? 0));
      if (better) best = { thresholds, report };
      if (previous && same(thresholds, previous)) kept = { thresholds, report };
    }
  }
  // Macro-F1 is flat near its best, and its best pair wanders from one retraining to the next,
  // moving every short reply: the previous pair stays while it is about as good.
  const keep =
    kept &&
    kept.report.macroF1 >= best!.report.macroF1 - stayTolerance &&
    (kept.report.oosRecall ?? 0) >= (best!.report.oosRecall ?? 0) - stayTolerance;
  return keep ? kept! : best!;
}

/** How much worse (macro-F1, out-of-scope recall, reply accuracy) the previous thresholds may be and stay. */
const stayTolerance = 0.003;
const same = (a: Thresholds, b: Thresholds) =>
  Math.abs(a.minConfidence - b.minConfidence) < 1e-6 && Math.abs(a.minMargin - b.minMargin) < 1e-6;

/** The full training run behind `npm run train`; `previous`: the model it replaces, whose thresholds stay while about as good. */
export function trainModel(data: TrainingData, previous?: Pick<ModelFile, 'thresholds' | 'replies'>): ModelFile {
  const { thresholds, report } = chooseThresholds(data.examples, data.gazetteer, modelKind, thresholdFolds, previous?.thresholds);
  const replyThreshold = chooseReplyThreshold(data.replies, data.gazetteer, thresholdFolds, previous?.replies.minConfidence);
  const replies = { examples: data.replies, minConfidence: replyThreshold.minConfidence };
  const { vocabulary, bayes, linear, replies: replyModel } = trainRecognizer(data.examples, data.gazetteer, modelKind, thresholds, replies);
  return {
    version: 2,
    replies: replyModel!,
    replyCrossValidation: replyThreshold.report,
    dataHash: data.hash,
    classifier: modelKind,
    bayes: bayes!,
    linear: linear!,
    vocabulary,
    gazetteer: data.gazetteer,
    thresholds,
    crossValidation: {
      folds: thresholdFolds.folds,
      repeats: thresholdFolds.repeats,
      macroF1: report.macroF1,
      accuracy: report.accuracy,
      oosRecall: report.oosRecall,
    },
  };
}

/**
 * What `npm run eval` cross-validates: on each training split the thresholds are chosen again by
 * an inner cross-validation, so held-out examples never influence them.
 */
export function crossValidateTraining(
  examples: LabelledText[],
  gazetteer: Gazetteer,
  kind: ClassifierKind,
  folds: FoldOptions,
): EvaluationReport {
  return crossValidate(examples, (part) => trainingProcedure(part, gazetteer, kind), folds);
}

export function trainingProcedure(
  examples: LabelledText[],
  gazetteer: Gazetteer,
  kind: ClassifierKind,
): (text: string) => RecognizedIntent {
  const innerFolds = { folds: 4, repeats: 1, seed: thresholdFolds.seed };
  const { thresholds } = chooseThresholds(examples, gazetteer, kind, innerFolds);
  const { recognizer } = trainRecognizer(examples, gazetteer, kind, thresholds);
  return (text) => recognizer.recognize(text).intent;
}
