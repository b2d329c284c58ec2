/**
 * `npm run train`: trains the recognizer from `intents/` and writes `intents/model.json`.
 */
import fs from 'node:fs';
import { contentDirs } from '../paths';
import { defaultModelFile, type ModelFile, readModelFile } from '../nlu/model';
import { loadTrainingData } from '../nlu/trainingData';
import { trainModel } from '../nlu/training';

function tryRead(file: string): ModelFile | undefined {
  try {
    return readModelFile(file);
  } catch {
    return undefined;
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
