import { type IntentLabel, intentLabels } from '../nlu/types';
import type { MisunderstoodEntry } from './events';
import type { InsightsSummary } from './summary';

/**
 * The labelling file of the review loop: one misunderstood message a line, `label | message`, with
 * what is known about it in a comment above. A support author replaces the `?` by a label; plain
 * text, so any editor does.
 */
export type Label = { kind: 'intent'; intent: IntentLabel } | { kind: 'faq'; id: string };
export interface LabelledLine {
  line: number;
  label: Label;
  text: string;
}

const unlabelled = ['?', 'skip'];
const percent = (confidence: number) => `${Math.round(confidence * 100)}%`;

/** The same message said several times is one line; the latest occurrence describes it. */
function distinctMessages(entries: MisunderstoodEntry[]): Array<{ latest: MisunderstoodEntry; times: number }> {
  const byText = new Map<string, { latest: MisunderstoodEntry; times: number }>();
  for (const entry of entries) {
    const key = entry.text.trim().toLowerCase().replace(/\s+/g, ' ');
    const seen = byText.get(key);
    if (seen) seen.times += 1;
    else if (key) byText.set(key, { latest: entry, times: 1 });
  }
  return [...byText.values()];
}

export function labellingFile(summary: Pick<InsightsSummary, 'from' | 'to' | 'days' | 'misunderstood'>): string {
  const lines = [
    `# Messages the assistant did not understand, ${summary.from} to ${summary.to} (${summary.days} days), newest first.`,
    '# For each message, replace the ? before the | with what the message should have been:',
    `#   an intent label: ${intentLabels.join(', ')}`,
    '#   or faq:<id> so that the FAQ with that id in knowledge/ answers it (e.g. faq:faq_cold_night);',
    '#   for a new FAQ, add it to knowledge/faqs.yaml first (see knowledge/README.md), then use its id;',
    '#   or leave ? (or write skip) to leave the message out.',
    '# You may correct the message after the | (e.g. take out a [personal] placeholder).',
    '# Then: npm run review -- --apply <this file>',
  ];
  for (const { latest, times } of distinctMessages(summary.misunderstood)) {
    const where = [latest.stage, latest.procedure, latest.step].filter(Boolean).join(' / ');
    const thought = latest.topLabels.map((l) => `${l.intent} ${percent(l.confidence)}`).join(', ') || 'nothing';
    lines.push(
      '',
      `# ${times === 1 ? 'once' : `${times} times`}, last ${latest.at.slice(0, 16).replace('T', ' ')} UTC at ${where} (${latest.why}); the bot thought: ${thought}`,
    );
    lines.push(`? | ${latest.text.replace(/\s+/g, ' ').trim()}`);
  }
  return `${lines.join('\n')}\n`;
}

export class LabellingFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} cannot be applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LabellingFileError';
  }
}

const knownIntents = new Set<string>(intentLabels);

/** The labelled lines of a labelling file; every bad line is named, and then none is used. */
export function parseLabellingFile(content: string, file: string): LabelledLine[] {
  const labelled: LabelledLine[] = [];
  const problems: string[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const match = /^([^|]*)\|(.*)$/.exec(raw);
    if (!match) {
      problems.push(`line ${line}: no "|" between the label and the message`);
      return;
    }
    const label = match[1].trim();
    const text = match[2].trim();
    if (unlabelled.includes(label.toLowerCase())) return;
    if (!text) problems.push(`line ${line}: the message after the "|" is empty`);
    else if (knownIntents.has(label)) labelled.push({ line, label: { kind: 'intent', intent: label as IntentLabel }, text });
    else if (/^faq:[a-z][a-z0-9_]*$/.test(label)) labelled.push({ line, label: { kind: 'faq', id: label.slice(4) }, text });
    else problems.push(`line ${line}: "${label}" is not a label: use an intent label (${intentLabels.join(', ')}), faq:<id>, ? or skip`);
  });
  if (problems.length) throw new LabellingFileError(file, problems);
  return labelled;
}
