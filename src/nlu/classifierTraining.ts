import { BayesClassifier, LogisticRegressionClassifier } from 'natural/lib/natural/classifiers';
import { seededRandom, shuffle } from './seededShuffle';
import { isContextFeature } from './features';
import type { BayesState, IntentScorer, LinearState } from './intentScorer';
import { softmaxRanking } from './intentScorer';
import type { Ranked } from './types';

/** One training example as features, with its label (an intent, or a reply act). */
export interface FeatureDoc {
  features: string[];
  intent: string;
}

export const classifierKinds = ['bayes', 'softmax', 'ensemble', 'logistic'] as const;
export type ClassifierKind = (typeof classifierKinds)[number];

/**
 * Trains natural's BayesClassifier on feature lists. Examples go to its underlying model as sparse
 * observations, which gives the same counts as `addDocument` without a pass over the whole
 * vocabulary for every example; the sparse path does not count examples, so the totals are set
 * here the way the dense path keeps them (one for smoothing plus one per example).
 */
export function trainBayes(docs: FeatureDoc[], smoothing = 1): BayesState {
  const classifier = new BayesClassifier(undefined, smoothing).classifier;
  for (const doc of docs) {
    classifier.addExample(Object.fromEntries(doc.features.map((feature, i) => [i, feature])), doc.intent);
    classifier.classTotals[doc.intent]++;
    classifier.totalExamples++;
  }
  classifier.train();
  const labels = Object.keys(classifier.classTotals);
  const counts: Record<string, number[]> = {};
  labels.forEach((label, i) => {
    for (const [feature, count] of Object.entries(classifier.classFeatures[label])) {
      // natural stores a first sighting as 1 + smoothing; keep plain document counts.
      (counts[feature] ??= labels.map(() => 0))[i] = count - classifier.smoothing;
    }
  });
  return {
    labels,
    classTotals: labels.map((label) => classifier.classTotals[label]),
    totalExamples: classifier.totalExamples,
    smoothing: classifier.smoothing,
    counts,
  };
}

/** natural's LogisticRegressionClassifier, kept for the comparison `npm run eval -- --classifier logistic`. */
export function trainLogisticRegression(docs: FeatureDoc[]): IntentScorer {
  const classifier = new LogisticRegressionClassifier();
  for (const doc of docs) classifier.addDocument(doc.features, doc.intent);
  classifier.train();
  const known = new Set(Object.keys(classifier.features));
  return {
    rank(features: string[]): Ranked<string>[] | undefined {
      if (!features.some((f) => known.has(f) && !isContextFeature(f))) return undefined;
      const results = classifier.getClassifications(features);
      // Sigmoid outputs of one-vs-rest models; log-odds through a softmax gives a distribution.
      const odds = results.map((r) => Math.log(Math.max(r.value, 1e-9) / Math.max(1 - r.value, 1e-9)));
      return softmaxRanking(
        results.map((r) => r.label),
        odds,
      );
    },
  };
}

export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Features seen in fewer examples get no weight (naive Bayes still scores them). */
  minCount: number;
}
/** Settings of the ensemble by cross-validation: 15-60 epochs, rates 0.1-2 and L2 0-1e-3 all scored within 0.01 macro-F1; rate 2 loses. */
export const softmaxDefaults: SoftmaxOptions = { epochs: 15, learningRate: 0.5, l2: 1e-4, seed: 5, minCount: 1 };

/**
 * Multinomial logistic regression on the feature lists, by stochastic gradient descent with
 * AdaGrad steps and L2 shrinkage of the weights an example touches; a few milliseconds per epoch.
 */
export function trainSoftmax(docs: FeatureDoc[], options: SoftmaxOptions = softmaxDefaults): LinearState {
  const labels = [...new Set(docs.map((d) => d.intent))];
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const size = labels.length;
  const weights = new Map<string, Float64Array>();
  const squares = new Map<string, Float64Array>();
  const bias = new Float64Array(size);
  const biasSquares = new Float64Array(size);
  const documentCounts = new Map<string, number>();
  for (const doc of docs) for (const f of doc.features) documentCounts.set(f, (documentCounts.get(f) ?? 0) + 1);
  for (const [f, count] of documentCounts) {
    if (count < options.minCount) continue;
    weights.set(f, new Float64Array(size));
    squares.set(f, new Float64Array(size));
  }
  const rowsOf = docs.map((doc) => doc.features.filter((f) => weights.has(f)).map((f) => [weights.get(f)!, squares.get(f)!] as const));
  const order = docs.map((_, i) => i);
  const random = seededRandom(options.seed);
  const probabilities = new Float64Array(size);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const index of order) {
      const rows = rowsOf[index];
      probabilities.set(bias);
      for (const [w] of rows) for (let i = 0; i < size; i++) probabilities[i] += w[i];
      let max = -Infinity;
      for (let i = 0; i < size; i++) max = Math.max(max, probabilities[i]);
      let total = 0;
      for (let i = 0; i < size; i++) total += probabilities[i] = Math.exp(probabilities[i] - max);
      const target = labelIndex.get(docs[index].intent)!;
      for (let i = 0; i < size; i++) {
        const gradient = probabilities[i] / total - (i === target ? 1 : 0);
        biasSquares[i] += gradient * gradient;
        bias[i] -= (options.learningRate * gradient) / Math.sqrt(biasSquares[i] + 1e-8);
        for (const [w, s] of rows) {
          const g = gradient + options.l2 * w[i];
          s[i] += g * g;
          w[i] -= (options.learningRate * g) / Math.sqrt(s[i] + 1e-8);
        }
      }
    }
  }
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    labels,
    bias: Array.from(bias, round),
    weights: Object.fromEntries([...weights].map(([f, w]) => [f, Array.from(w, round)])),
  };
}
