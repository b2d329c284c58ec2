import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { loadKnowledge } from '../content/knowledge';
import { yamlFilesIn } from '../yamlFiles';
import type { EvaluationReport, FoldOptions } from '../nlu/evaluation';
import { readModelFile } from '../nlu/model';
import { loadTrainingData, type TrainingData } from '../nlu/trainingData';
import { crossValidateTraining, modelKind, trainModel } from '../nlu/training';
import type { IntentLabel } from '../nlu/types';
import { type LabelledLine, LabellingFileError } from './labelling';

export interface Figures {
  macroF1: number;
  accuracy: number;
  oosRecall: number | null;
}

export interface ReviewOutcome {
  /** False: the figures dropped, and nothing was changed. */
  accepted: boolean;
  /** New training examples by label, and new `askedAs` wordings by knowledge item. */
  examplesAdded: Partial<Record<IntentLabel, number>>;
  wordingsAdded: Record<string, number>;
  /** Messages left out because the training data or the item already has them (`line: why`). */
  alreadyThere: string[];
  /** Cross-validation on the same folds before and after; absent when no example was added (no retraining). */
  before?: Figures;
  after?: Figures;
  /** The real files written, when accepted. */
  changed: string[];
}

const figuresOf = (report: EvaluationReport): Figures => ({
  macroF1: report.macroF1,
  accuracy: report.accuracy,
  oosRecall: report.oosRecall,
});
const sameText = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');
const writeYaml = (file: string, doc: Document) => fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));

/** Adds `texts` to the `examples` of the label's own file (`intents/examples/<label>.yaml`), creating it if need be. */
function addExamples(intentsDir: string, intent: IntentLabel, texts: string[]): string {
  const file = path.join(intentsDir, 'examples', `${intent}.yaml`);
  const doc = fs.existsSync(file) ? parseDocument(fs.readFileSync(file, 'utf8')) : parseDocument(`intent: ${intent}\nexamples: []\n`);
  const examples = doc.get('examples');
  if (!isSeq(examples)) throw new Error(`${file}: "examples" is not a list`);
  for (const text of texts) examples.add(doc.createNode(text));
  examples.flow = false;
  writeYaml(file, doc);
  return file;
}

/** Adds `texts` to the `askedAs` of the knowledge item `id`, in whichever file holds it. */
function addWordings(knowledgeDir: string, id: string, texts: string[]): string {
  for (const file of yamlFilesIn(knowledgeDir)) {
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    const items = doc.get('items');
    const item = isSeq(items) ? items.items.find((node) => isMap(node) && node.get('id') === id) : undefined;
    if (!isMap(item)) continue;
    const askedAs = item.get('askedAs');
    if (isSeq(askedAs)) for (const text of texts) askedAs.add(doc.createNode(text));
    else item.set('askedAs', doc.createNode(texts));
    writeYaml(file, doc);
    return file;
  }
  throw new Error(`no knowledge item "${id}"`);
}

function groupBy<K extends string>(lines: LabelledLine[], key: (line: LabelledLine) => K | undefined): Map<K, LabelledLine[]> {
  const groups = new Map<K, LabelledLine[]>();
  for (const line of lines) {
    const k = key(line);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), line]);
  }
  return groups;
}

/**
 * The review loop's `--apply`: on a copy of `intents/` and `knowledge/`, adds each labelled message
 * (an intent label: a training example; `faq:<id>`: a wording the knowledge search matches), then,
 * if examples were added, cross-validates the training before and after on the same folds and
 * retrains. Only when no figure drops (by more than `tolerance`) are the changed files and the new
 * model copied over the real ones; otherwise nothing is written.
 */
export function applyReview(options: {
  labelled: LabelledLine[];
  file: string;
  intentsDir: string;
  knowledgeDir: string;
  folds: FoldOptions;
  tolerance: number;
}): ReviewOutcome {
  const { labelled, intentsDir, knowledgeDir } = options;
  const current = loadTrainingData(intentsDir);
  const knowledge = loadKnowledge(knowledgeDir);
  const unknownItems = labelled.flatMap((l) =>
    l.label.kind === 'faq' && !knowledge.has(l.label.id) ? [`line ${l.line}: there is no item "${l.label.id}" in ${knowledgeDir}`] : [],
  );
  if (unknownItems.length) throw new LabellingFileError(options.file, unknownItems);

  const labelOf = new Map(current.examples.map((e) => [sameText(e.text), e.intent]));
  const alreadyThere: string[] = [];
  const fresh = labelled.filter((line) => {
    const text = sameText(line.text);
    const known = line.label.kind === 'intent' ? labelOf.get(text) : knowledge.get(line.label.id).askedAs.find((a) => sameText(a) === text);
    if (known)
      alreadyThere.push(
        `line ${line.line}: ${line.label.kind === 'intent' ? `already an example of ${known}` : `already a wording of ${line.label.id}`}`,
      );
    else if (line.label.kind === 'intent') labelOf.set(text, line.label.intent);
    return !known;
  });
  const byIntent = groupBy(fresh, (l) => (l.label.kind === 'intent' ? l.label.intent : undefined));
  const byItem = groupBy(fresh, (l) => (l.label.kind === 'faq' ? l.label.id : undefined));
  const outcome: ReviewOutcome = {
    accepted: true,
    examplesAdded: Object.fromEntries([...byIntent].map(([intent, lines]) => [intent, lines.length])),
    wordingsAdded: Object.fromEntries([...byItem].map(([id, lines]) => [id, lines.length])),
    alreadyThere,
    changed: [],
  };

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'evc-review-'));
  try {
    const copy = { intents: path.join(work, 'intents'), knowledge: path.join(work, 'knowledge') };
    fs.cpSync(intentsDir, copy.intents, { recursive: true });
    fs.cpSync(knowledgeDir, copy.knowledge, { recursive: true });
    const changed = new Map<string, string>();
    for (const [intent, lines] of byIntent)
      changed.set(
        addExamples(
          copy.intents,
          intent,
          lines.map((l) => l.text),
        ),
        path.join(intentsDir, 'examples', `${intent}.yaml`),
      );
    for (const [id, lines] of byItem) {
      const edited = addWordings(
        copy.knowledge,
        id,
        lines.map((l) => l.text),
      );
      changed.set(edited, path.join(knowledgeDir, path.basename(edited)));
    }
    // Throws a ContentError naming the file and field if an edit broke the knowledge.
    loadKnowledge(copy.knowledge);

    if (byIntent.size > 0) {
      const evaluate = (data: TrainingData) => figuresOf(crossValidateTraining(data.examples, data.gazetteer, modelKind, options.folds));
      const next = loadTrainingData(copy.intents);
      outcome.before = evaluate(current);
      outcome.after = evaluate(next);
      outcome.accepted = !droppedBelow(outcome.before, outcome.after, options.tolerance);
      if (!outcome.accepted) return outcome;
      const model = path.join(copy.intents, 'model.json');
      const previous = fs.existsSync(path.join(intentsDir, 'model.json')) ? readModelFile(path.join(intentsDir, 'model.json')) : undefined;
      fs.writeFileSync(model, `${JSON.stringify(trainModel(next, previous))}\n`);
      changed.set(model, path.join(intentsDir, 'model.json'));
    }
    for (const [edited, real] of changed) {
      fs.copyFileSync(edited, real);
      outcome.changed.push(real);
    }
    return outcome;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** True when macro-F1, accuracy or out-of-scope recall is lower after than before, beyond `tolerance`. */
export function droppedBelow(before: Figures, after: Figures, tolerance: number): boolean {
  const lower = (a: number | null, b: number | null) => a !== null && b !== null && b < a - tolerance;
  return lower(before.macroF1, after.macroF1) || lower(before.accuracy, after.accuracy) || lower(before.oosRecall, after.oosRecall);
}
