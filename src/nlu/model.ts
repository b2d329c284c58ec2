import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { contentDirs } from '../paths';
import { describeIssues } from '../yamlFiles';
import { EntityExtractor } from './entityExtraction';
import { gazetteerSchema, spellerFor } from './gazetteer';
import { bayesStateSchema, linearStateSchema, scorerOf } from './intentScorer';
import { IntentRecognizer } from './recognizer';
import { ReplyReader, replyModelSchema } from './replyModel';
import { type IntentLabel, intentLabels } from './types';

const labelsAre = (known: readonly string[]) => (state: { labels: string[] }) => state.labels.every((label) => known.includes(label));

export const defaultModelFile = path.join(contentDirs.intents, 'model.json');

/** `intents/model.json`: everything recognition needs, so start-up reads one file and never trains. */
export const modelFileSchema = z.object({
  version: z.literal(2),
  /** Hash of the training data this model was trained on (see `loadTrainingData`). */
  dataHash: z.string().min(1),
  /** Naive Bayes counts and logistic-regression weights; their label distributions are averaged. */
  classifier: z.literal('ensemble'),
  bayes: bayesStateSchema.refine(labelsAre(intentLabels), 'labels must be intent labels'),
  linear: linearStateSchema.refine(labelsAre(intentLabels), 'labels must be intent labels'),
  /** Word frequencies of the training data and gazetteer, for spelling correction. */
  vocabulary: z.record(z.string(), z.number().int().positive()),
  gazetteer: gazetteerSchema,
  thresholds: z.object({ minConfidence: z.number().min(0).max(1), minMargin: z.number().min(0).max(1) }),
  /** The second model: what a reply to a step's question says (intents/replies/). */
  replies: replyModelSchema,
  replyCrossValidation: z.object({ examples: z.number(), accuracy: z.number(), precision: z.number(), recall: z.number() }),
  /** Cross-validation figures of the training run that chose the thresholds, for the record. */
  crossValidation: z.object({
    folds: z.number(),
    repeats: z.number(),
    macroF1: z.number(),
    accuracy: z.number(),
    oosRecall: z.number().nullable(),
  }),
});
export type ModelFile = z.output<typeof modelFileSchema>;

export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot use intent model ${file}: ${problem}. Run \`npm run train\`.`, options);
    this.name = 'ModelFileError';
  }
}

export function recognizerFromModel(model: ModelFile): IntentRecognizer {
  return new IntentRecognizer({
    speller: spellerFor(model.vocabulary, model.gazetteer),
    extractor: new EntityExtractor(model.gazetteer),
    scorer: scorerOf<IntentLabel>(model.bayes, model.linear),
    thresholds: model.thresholds,
    replies: new ReplyReader(model.replies),
  });
}

export function readModelFile(modelFile: string = defaultModelFile): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
  } catch (error) {
    throw new ModelFileError(modelFile, (error as Error).message, { cause: error });
  }
  const parsed = modelFileSchema.safeParse(raw);
  if (!parsed.success) throw new ModelFileError(modelFile, describeIssues(parsed.error).join('; '));
  return parsed.data;
}

/** Loads the trained recognizer (default `intents/model.json`); never retrains. */
export function loadRecognizer(modelFile: string = defaultModelFile): IntentRecognizer {
  return recognizerFromModel(readModelFile(modelFile));
}
