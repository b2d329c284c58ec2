/**
 * `npm run train`: trains the recognizer from `intents/` and writes `intents/model.json`.
 */
import fs from 'node:fs';
import { contentDirs } from '../paths';
import { defaultModelFile, type ModelFile, readModelFile } from '../nlu/model';
import { loadTrainingData } from '../nlu/trainingData';
import { trainModel } from '../nlu/training';

/**
 * The thresholds of the model file it replaces. A file the loader refuses (its gazetteer is of an
 * older shape: a list was added to intents/entities.yaml) still has them: only they are taken.
 */
function tryRead(file: string): Pick<ModelFile, 'thresholds' | 'replies'> | undefined {
  try {
    return readModelFile(file);
  } catch {
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ModelFile>;
      const minConfidence = raw.replies?.minConfidence;
      const { thresholds } = raw;
      if (typeof thresholds?.minConfidence !== 'number' || typeof thresholds.minMargin !== 'number' || typeof minConfidence !== 'number')
        return undefined;
      return { thresholds, replies: { ...raw.replies!, minConfidence } };
    } catch {
      return undefined;
    }
  }
}

function main(): void {
  const started = process.hrtime.bigint();
  const data = loadTrainingData(contentDirs.intents);
  // The thresholds of the model it replaces stay while they are about as good (src/nlu/training.ts).
  const previous = fs.existsSync(defaultModelFile) ? tryRead(defaultModelFile) : undefined;
  const model = trainModel(data, previous);
  fs.writeFileSync(defaultModelFile, `${JSON.stringify(model)}\n`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cv = model.crossValidation;
  process.stdout.write(
    `Trained on ${data.examples.length} examples in ${seconds.toFixed(2)} s -> ${defaultModelFile}\n` +
      `Thresholds: confidence >= ${model.thresholds.minConfidence.toFixed(3)}, margin >= ${model.thresholds.minMargin.toFixed(3)}\n` +
      `Threshold CV (${cv.folds}-fold): macro-F1 ${cv.macroF1.toFixed(3)}, accuracy ${cv.accuracy.toFixed(3)}, OOS recall ${cv.oosRecall?.toFixed(3) ?? 'n/a'}\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
