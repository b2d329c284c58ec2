import path from 'node:path';
import { z } from 'zod';
import { loadYamlFile, yamlFilesIn } from '../yamlFiles';
import type { FeatureDoc } from './classifierTraining';
import { trainBayes, trainSoftmax } from './classifierTraining';
import { isContextFeature } from './features';
import { type BayesState, bayesStateSchema, type IntentScorer, type LinearState, linearStateSchema, scorerOf } from './intentScorer';
import { type Ranked, type ReplyAct, replyActs, type ReplyReading } from './types';

export type { ReplyAct, ReplyReading };

/** The question a reply answers: the step being asked. */
export interface ReplyContext {
  step: string;
}

/** One file of intents/replies/: the examples of one act, some only after certain steps. */
const example = z.union([
  z.string().trim().min(1),
  z.object({ text: z.string().trim().min(1), after: z.array(z.string().min(1)).min(1) }).strict(),
]);
export const replyExamplesFileSchema = z.object({ act: z.enum(replyActs), examples: z.array(example).min(1) }).strict();

export interface ReplyExample {
  text: string;
  act: ReplyAct;
  /** Steps after which the text means this act; any step when absent. */
  after?: string[];
}

export function loadReplyExamples(dir: string): ReplyExample[] {
  return yamlFilesIn(dir).flatMap((file) => {
    const { act, examples } = loadYamlFile(file, replyExamplesFileSchema);
    return examples.map((entry) => (typeof entry === 'string' ? { text: entry, act } : { ...entry, act }));
  });
}

export const replyExamplesDir = (intentsDir: string) => path.join(intentsDir, 'replies');

/**
 * The features of a reply: the message's own (as the intent model sees it) and the question it
 * answers, alone and with the reply's first word ("stopped it" after "end the session").
 */
export function replyFeatures(messageFeatures: string[], context: ReplyContext | undefined): string[] {
  if (!context) return messageFeatures;
  const first = messageFeatures.find((feature) => feature.startsWith('^'));
  return [...messageFeatures, `#after_${context.step}`, ...(first ? [`#after_${context.step}${first}`] : [])];
}

/** The reply model as stored in intents/model.json. */
export const replyModelSchema = z.object({
  bayes: bayesStateSchema,
  linear: linearStateSchema,
  /** Below this confidence a reply is `other`. */
  minConfidence: z.number().min(0).max(1),
});
export type ReplyModelState = z.output<typeof replyModelSchema>;

/** Reads replies with a stored reply model. */
export class ReplyReader {
  private readonly scorer: IntentScorer<ReplyAct>;

  constructor(private readonly state: ReplyModelState) {
    this.scorer = scorerOf<ReplyAct>(state.bayes, state.linear);
  }

  read(features: string[]): ReplyReading {
    const ranking = this.scorer.rank(features);
    return decideReply(ranking, this.state.minConfidence);
  }
}

export function decideReply(ranking: Ranked<ReplyAct>[] | undefined, minConfidence: number): ReplyReading {
  const top = ranking?.[0];
  if (!top || top.confidence < minConfidence) return { act: 'other', confidence: top?.confidence ?? 0 };
  return { act: top.intent, confidence: top.confidence };
}

/**
 * Training documents of the reply examples: one bound to steps is learnt after each of them, the
 * others without a step, so the model learns what the words say, and from the bound ones what they
 * say after that step.
 */
export function replyDocs(examples: ReplyExample[], featuresOfText: (text: string) => string[]): FeatureDoc[] {
  return examples.flatMap(({ text, act, after }) => {
    const features = featuresOfText(text);
    if (!features.some((feature) => !isContextFeature(feature))) return [];
    return (after ?? [undefined]).map((step) => ({ features: replyFeatures(features, step ? { step } : undefined), intent: act }));
  });
}

export function trainReplyModel(docs: FeatureDoc[], minConfidence: number): ReplyModelState {
  return { bayes: trainBayes(docs) as BayesState, linear: trainSoftmax(docs) as LinearState, minConfidence };
}
