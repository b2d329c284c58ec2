/**
 * `npm run eval`: repeated stratified k-fold cross-validation of the training procedure on
 * `intents/`, or with `--data FILE` (JSONL of {"text", "intent"}) the committed model on that file.
 * Options: --json, --min-macro-f1 X (exit 1 below), --folds K, --repeats R,
 * --classifier ensemble|bayes|softmax|logistic (the comparison that chose the ensemble).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { classifierKinds, type ClassifierKind } from '../nlu/classifierTraining';
import { defaultFolds, evaluateRecognizer, type EvaluationReport } from '../nlu/evaluation';
import { loadRecognizer } from '../nlu/model';
import { loadTrainingData, parseLabelledJsonl } from '../nlu/trainingData';
import { crossValidateTraining, modelKind } from '../nlu/training';
import { contentDirs } from '../paths';
import { intentLabels } from '../nlu/types';

function main(): number {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      'min-macro-f1': { type: 'string' },
      folds: { type: 'string', default: String(defaultFolds.folds) },
      repeats: { type: 'string', default: String(defaultFolds.repeats) },
      classifier: { type: 'string', default: modelKind },
    },
  });
  const minMacroF1 = values['min-macro-f1'] === undefined ? undefined : Number(values['min-macro-f1']);
  const folds = Number(values.folds);
  const repeats = Number(values.repeats);
  if (minMacroF1 !== undefined && !(minMacroF1 >= 0 && minMacroF1 <= 1)) throw new Error('--min-macro-f1 must be a number between 0 and 1');
  if (!Number.isInteger(folds) || folds < 2 || !Number.isInteger(repeats) || repeats < 1)
    throw new Error('--folds must be an integer >= 2 and --repeats >= 1');
  if (!classifierKinds.includes(values.classifier as ClassifierKind))
    throw new Error(`--classifier must be one of ${classifierKinds.join(', ')}`);

  let title: string;
  let report: EvaluationReport;
  if (values.data) {
    const examples = parseLabelledJsonl(fs.readFileSync(values.data, 'utf8'), values.data);
    const recognizer = loadRecognizer();
    report = evaluateRecognizer((text) => recognizer.recognize(text).intent, examples);
    title = `Committed model on ${values.data} (${examples.length} messages)`;
  } else {
    const data = loadTrainingData(contentDirs.intents);
    report = crossValidateTraining(data.examples, data.gazetteer, values.classifier as ClassifierKind, { ...defaultFolds, folds, repeats });
    title = `${repeats}x repeated stratified ${folds}-fold cross-validation, ${values.classifier} (${data.examples.length} examples)`;
  }

  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(title, report));
  if (minMacroF1 !== undefined && report.macroF1 < minMacroF1) {
    process.stderr.write(`macro-F1 ${report.macroF1.toFixed(4)} is below --min-macro-f1 ${minMacroF1}\n`);
    return 1;
  }
  return 0;
}

function formatReport(title: string, report: EvaluationReport): string {
  const pct = (x: number): string => x.toFixed(3);
  const lines = [
    title,
    '',
    `accuracy   ${pct(report.accuracy)}`,
    `macro-F1   ${pct(report.macroF1)}`,
    `OOS recall ${report.oosRecall === null ? 'n/a' : pct(report.oosRecall)}  (none counts as out_of_scope)`,
    '',
  ];
  lines.push(`${'label'.padEnd(18)} precision recall  f1     support`);
  for (const [label, s] of Object.entries(report.perIntent)) {
    lines.push(`${label.padEnd(18)} ${pct(s.precision).padEnd(9)} ${pct(s.recall).padEnd(7)} ${pct(s.f1).padEnd(6)} ${s.support}`);
  }
  const labels = intentLabels.filter((l) => report.perIntent[l]);
  const short = (l: string): string => l.slice(0, 6).padStart(6);
  lines.push('', 'confusion (rows expected, columns predicted)', `${''.padEnd(18)}${labels.map(short).join(' ')}`);
  for (const expected of labels) {
    lines.push(`${expected.padEnd(18)}${labels.map((p) => String(report.confusion[expected]?.[p] ?? 0).padStart(6)).join(' ')}`);
  }
  lines.push('', `misclassified (${report.errors.length})`);
  for (const e of report.errors) lines.push(`  ${e.expected} -> ${e.predicted}: ${e.text}`);
  return `${lines.join('\n')}\n`;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
}
