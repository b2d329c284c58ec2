/**
 * `npm run bench:nlu`: on the same cross-validation folds and machine, compares this recognizer,
 * natural's BayesClassifier with default settings, and NLP.js (@nlpjs/nlp + @nlpjs/lang-en-min),
 * all trained on the same examples: macro-F1 and the median and 99th percentile microseconds to classify one message.
 * Options: --folds K, --repeats R.
 */
import { parseArgs } from 'node:util';
import { BayesClassifier } from 'natural/lib/natural/classifiers';
import { defaultFolds, scorePredictions, stratifiedFolds, type Prediction } from '#service/nlu/evaluation';
import type { Gazetteer } from '#service/nlu/gazetteer';
import { loadTrainingData, type LabelledText } from '#service/nlu/trainingData';
import { modelKind, trainingProcedure } from '#service/nlu/training';
import { contentDirs } from '#service/paths';
import type { IntentLabel, RecognizedIntent } from '#service/nlu/types';

const { Nlp } = require('@nlpjs/nlp') as { Nlp: new (settings: object) => NlpJs };

const { LangEn } = require('@nlpjs/lang-en-min') as { LangEn: unknown };

interface NlpJs {
  use(plugin: unknown): void;
  addLanguage(locale: string): void;
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string }>;
}

type Predict = (text: string) => RecognizedIntent | Promise<RecognizedIntent>;
type System = { name: string; train: (examples: LabelledText[]) => Promise<Predict> };

const systems = (gazetteer: Gazetteer): System[] => [
  {
    name: 'this recognizer',
    train: async (examples) => trainingProcedure(examples, gazetteer, modelKind),
  },
  {
    name: 'natural BayesClassifier (defaults)',
    train: async (examples) => {
      const classifier = new BayesClassifier();
      for (const { text, intent } of examples) classifier.addDocument(text, intent);
      classifier.train();
      return (text) => classifier.classify(text) as IntentLabel;
    },
  },
  {
    name: 'NLP.js (nlp + lang-en-min)',
    train: async (examples) => {
      const nlp = new Nlp({ languages: ['en'], autoSave: false, autoLoad: false, nlu: { log: false } });
      nlp.use(LangEn);
      nlp.addLanguage('en');
      for (const { text, intent } of examples) nlp.addDocument('en', text, intent);
      await nlp.train();
      return async (text) => {
        const { intent } = await nlp.process('en', text);
        return intent === 'None' ? 'none' : (intent as IntentLabel);
      };
    },
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { folds: { type: 'string', default: String(defaultFolds.folds) }, repeats: { type: 'string', default: '1' } },
  });
  const folds = { ...defaultFolds, folds: Number(values.folds), repeats: Number(values.repeats) };
  const { examples, gazetteer } = loadTrainingData(contentDirs.intents);
  const splits = stratifiedFolds(examples, folds);
  const rows: string[] = [];
  for (const system of systems(gazetteer)) {
    const predictions: Prediction[] = [];
    const micros: number[] = [];
    for (const { train, test } of splits) {
      const predict = await system.train(train);
      for (const example of test) {
        const started = process.hrtime.bigint();
        const predicted = await predict(example.text);
        micros.push(Number(process.hrtime.bigint() - started) / 1000);
        predictions.push({ ...example, predicted });
      }
    }
    const report = scorePredictions(predictions);
    micros.sort((a, b) => a - b);
    const median = micros[Math.floor(micros.length / 2)];
    const p99 = micros[Math.min(micros.length - 1, Math.floor(micros.length * 0.99))];
    rows.push(
      `${system.name.padEnd(36)} ${report.macroF1.toFixed(3).padEnd(9)} ${report.accuracy.toFixed(3).padEnd(9)} ${(report.oosRecall ?? 0).toFixed(3).padEnd(11)} ${median.toFixed(1).padEnd(10)} ${p99.toFixed(1)}`,
    );
  }
  process.stdout.write(
    `${folds.repeats}x stratified ${folds.folds}-fold, ${examples.length} examples, same folds for all\n` +
      `${'system'.padEnd(36)} macro-F1  accuracy  OOS recall  median µs  p99 µs (a message)\n${rows.join('\n')}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
