/**
 * `npm run review`: the review loop of the insights (intents/README.md, "Reviewing misunderstood
 * messages").
 *
 *   npm run review [-- --url URL --days N --out FILE]
 *     downloads the labelling file of the messages not understood from a running service's
 *     `GET /api/insights/review` (with INSIGHTS_TOKEN from the environment or .env, if set).
 *   npm run review -- --apply FILE [--folds K --repeats R --tolerance X]
 *     adds the labelled messages to intents/ (or knowledge/), retrains, and refuses (changes
 *     nothing, exit 1) if the cross-validation of `npm run eval` drops below the previous figures
 *     by more than the tolerance (default 0.01: about what adding good examples moves it by; intents/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configuredEnvironment } from '../config';
import { parseLabellingFile } from '../insights/labelling';
import { applyReview, type Figures } from '../insights/review';
import { defaultFolds } from '../nlu/evaluation';
import { contentDirs } from '../paths';

const env = configuredEnvironment();

async function download(values: { url?: string; days: string; out?: string }): Promise<number> {
  const base = values.url ?? `http://localhost:${env.PORT ?? 3978}`;
  const url = new URL('api/insights/review', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('days', values.days);
  let response: Response;
  try {
    response = await fetch(url, { headers: env.INSIGHTS_TOKEN ? { authorization: `Bearer ${env.INSIGHTS_TOKEN}` } : {} });
  } catch (error) {
    throw new Error(`Cannot reach the service at ${base} (is it running? --url says where): ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(`The service answered ${response.status}: ${body.message ?? response.statusText}`);
  }
  const text = await response.text();
  const out = values.out ?? /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'misunderstood.txt';
  fs.writeFileSync(out, text);
  const messages = text.split('\n').filter((line) => line.startsWith('? | ')).length;
  process.stdout.write(`${messages} messages to label in ${path.resolve(out)}\nLabel them, then: npm run review -- --apply ${out}\n`);
  return 0;
}

const shown = (f: Figures) =>
  `macro-F1 ${f.macroF1.toFixed(4)}, accuracy ${f.accuracy.toFixed(4)}, OOS recall ${f.oosRecall?.toFixed(4) ?? 'n/a'}`;
const counts = (byName: Record<string, number | undefined>) =>
  Object.entries(byName)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ') || 'none';

function apply(file: string, values: { folds: string; repeats: string; tolerance: string; intents: string; knowledge: string }): number {
  const folds = Number(values.folds);
  const repeats = Number(values.repeats);
  const tolerance = Number(values.tolerance);
  if (!Number.isInteger(folds) || folds < 2 || !Number.isInteger(repeats) || repeats < 1)
    throw new Error('--folds must be an integer >= 2 and --repeats >= 1');
  if (!(tolerance >= 0 && tolerance < 1)) throw new Error('--tolerance must be a number from 0 to 1');
  const labelled = parseLabellingFile(fs.readFileSync(file, 'utf8'), file);
  process.stdout.write(`${labelled.length} labelled messages in ${file}\n`);
  if (labelled.length > 0) process.stdout.write('Cross-validating before and after (as npm run eval does): this takes a few minutes...\n');
  const outcome = applyReview({
    labelled,
    file,
    intentsDir: values.intents,
    knowledgeDir: values.knowledge,
    folds: { ...defaultFolds, folds, repeats },
    tolerance,
  });
  const lines = [`New examples: ${counts(outcome.examplesAdded)}`, `New FAQ wordings: ${counts(outcome.wordingsAdded)}`];
  if (outcome.alreadyThere.length) lines.push(`Left out, already there: ${outcome.alreadyThere.join('; ')}`);
  if (outcome.before && outcome.after) lines.push(`Before: ${shown(outcome.before)}`, `After:  ${shown(outcome.after)}`);
  if (!outcome.accepted) {
    lines.push(
      'Refused: the figures would drop, so nothing was changed. Check the labels (a message may fit another label better), or leave the doubtful ones out with ?.',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return 1;
  }
  lines.push(
    outcome.changed.length
      ? `Changed (commit them): ${outcome.changed.map((f) => path.relative(process.cwd(), f)).join(', ')}`
      : 'Nothing to change.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      apply: { type: 'string' },
      url: { type: 'string' },
      days: { type: 'string', default: '7' },
      out: { type: 'string' },
      folds: { type: 'string', default: String(defaultFolds.folds) },
      repeats: { type: 'string', default: String(defaultFolds.repeats) },
      tolerance: { type: 'string', default: '0.01' },
      intents: { type: 'string', default: contentDirs.intents },
      knowledge: { type: 'string', default: contentDirs.knowledge },
    },
  });
  return values.apply ? apply(values.apply, values) : download(values);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
