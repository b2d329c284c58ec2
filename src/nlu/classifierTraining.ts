import { BayesClassifier, LogisticRegressionClassifier } from 'natural/lib/natural/classifiers';
import type { BayesState, IntentScorer } from './intentScorer';
import { softmaxRanking } from './intentScorer';
import type { IntentLabel, RankedIntent } from './types';

export interface FeatureDoc {
  features: string[];
  intent: IntentLabel;
}

export const classifierKinds = ['bayes', 'logistic'] as const;
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
  const labels = Object.keys(classifier.classTotals) as IntentLabel[];
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
    rank(features: string[]): RankedIntent[] | undefined {
      if (!features.some((f) => known.has(f))) return undefined;
      const results = classifier.getClassifications(features);
      // Sigmoid outputs of one-vs-rest models; log-odds through a softmax gives a distribution.
      const odds = results.map((r) => Math.log(Math.max(r.value, 1e-9) / Math.max(1 - r.value, 1e-9)));
      return softmaxRanking(results.map((r) => r.label as IntentLabel), odds);
    },
  };
}
