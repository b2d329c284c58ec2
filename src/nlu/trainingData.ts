import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { loadYamlFile, yamlFilesIn } from '../yamlFiles';
import { loadGazetteer, type Gazetteer } from './gazetteer';
import { loadReplyExamples, type ReplyExample, replyExamplesDir } from './replyModel';
import { intentLabels, type IntentLabel } from './types';

/** One training file: the examples of one label (a label may be spread over several files). */
export const examplesFileSchema = z
  .object({
    intent: z.enum(intentLabels),
    /** Where borrowed examples come from (licence attribution); absent for our own. */
    source: z.string().min(1).optional(),
    examples: z.array(z.string().trim().min(1)).min(1),
  })
  .strict();

export interface LabelledText {
  text: string;
  intent: IntentLabel;
}

export interface TrainingData {
  examples: LabelledText[];
  /** What replies to a step's question say (intents/replies/), for the reply model. */
  replies: ReplyExample[];
  gazetteer: Gazetteer;
  /** Hash of the examples and gazetteer: a model trained on other data is stale. */
  hash: string;
}

/** Folders under `intents/` whose YAML files hold examples. */
export const exampleFolders = ['examples', 'clinc150'];

export function loadTrainingData(intentsDir: string): TrainingData {
  const examples: LabelledText[] = [];
  for (const folder of exampleFolders) {
    for (const file of yamlFilesIn(path.join(intentsDir, folder))) {
      const content = loadYamlFile(file, examplesFileSchema);
      for (const text of content.examples) examples.push({ text, intent: content.intent });
    }
  }
  const gazetteer = loadGazetteer(path.join(intentsDir, 'entities.yaml'), path.join(intentsDir, 'common-words.yaml'));
  const replies = loadReplyExamples(replyExamplesDir(intentsDir));
  const hash = crypto.createHash('sha256').update(JSON.stringify({ examples, replies, gazetteer })).digest('hex');
  return { examples, replies, gazetteer, hash };
}

/** Reads `{"text": ..., "intent": ...}` lines; names the line of any bad one. */
export function parseLabelledJsonl(content: string, source: string): LabelledText[] {
  const lineSchema = z.object({ text: z.string(), intent: z.enum([...intentLabels, 'none']) });
  return content
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`${source}:${number}: not valid JSON`);
      }
      const parsed = lineSchema.safeParse(raw);
      if (!parsed.success)
        throw new Error(`${source}:${number}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      // An evaluation file may say `none` where it expects no topic; it is scored as out_of_scope.
      return { text: parsed.data.text, intent: parsed.data.intent === 'none' ? 'out_of_scope' : parsed.data.intent };
    });
}
