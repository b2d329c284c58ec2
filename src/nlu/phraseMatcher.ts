import { clauseBreak, stem, tokenize, type AnalysedText } from './textAnalysis';

export interface PhraseMatch<T> {
  value: T;
  start: number;
  /** Index after the last word of the match. */
  end: number;
  /** A negation governs the phrase ("no power cut"). */
  negated: boolean;
}

/**
 * One word of a phrase, matched by stem. A verb form ("tripped", "freezing") matches only verb forms
 * of its stem ("tripping"), so "tripped" does not fire on "a trip" or "trips".
 */
interface PhraseWord {
  stem: string;
  verbForm: boolean;
}

/** A place in a phrase: one of some words ("stop|end"), or a gap of a few words ("…"). */
type Slot = { options: PhraseWord[] } | { gap: number };

const verbEnding = /(ed|ing)$/;
/** Words a gap may stand for: "pulled it straight out", "stopped the charge in the app". */
const gapWords = 3;
const gapMarks = new Set(['…', '...']);

function phraseWord(word: string): PhraseWord {
  const stemmed = stem(word);
  return { stem: stemmed, verbForm: verbEnding.test(word) && stemmed !== word };
}

/**
 * A phrase as slots. Plain phrases are words ("power cut"); a pattern may offer alternatives for a
 * word ("stop|end … session|charging") and a gap of up to three words ("…"), never across a clause break.
 */
export function slotsOf(phrase: string): Slot[] {
  const tokens = phrase.trim().split(/\s+/);
  if (!tokens.some((token) => token.includes('|') || gapMarks.has(token)))
    return tokenize(phrase).map((word) => ({ options: [phraseWord(word)] }));
  return tokens.flatMap((token): Slot[] => {
    if (gapMarks.has(token)) return [{ gap: gapWords }];
    const alternatives = token.split('|').map((alternative) => tokenize(alternative));
    if (alternatives.some((words) => words.length !== 1)) throw new Error(`"${phrase}": each alternative of "${token}" must be one word`);
    return [{ options: alternatives.map(([word]) => phraseWord(word)) }];
  });
}

const isGap = (slot: Slot): slot is { gap: number } => 'gap' in slot;

/** Finds gazetteer phrases in analysed text, word by word on stems, so inflections match too. */
export class PhraseMatcher<T> {
  private readonly byFirstStem = new Map<string, { slots: Slot[]; value: T }[]>();

  constructor(entries: Iterable<[phrase: string, value: T]>) {
    for (const [phrase, value] of entries) {
      const slots = slotsOf(phrase);
      const first = slots[0];
      if (!first || isGap(first)) continue;
      for (const option of first.options) {
        const list = this.byFirstStem.get(option.stem) ?? [];
        list.push({ slots, value });
        list.sort((a, b) => b.slots.length - a.slots.length);
        this.byFirstStem.set(option.stem, list);
      }
    }
  }

  /** All matches, longest first at each position (matches may overlap). */
  matchAll(text: AnalysedText): PhraseMatch<T>[] {
    const found: PhraseMatch<T>[] = [];
    text.stems.forEach((first, start) => {
      for (const candidate of this.byFirstStem.get(first) ?? []) {
        const end = matchFrom(text, candidate.slots, 0, start);
        if (end >= 0) found.push({ value: candidate.value, start, end, negated: text.negated[start] });
      }
    });
    return found;
  }

  /** Matches that do not overlap, taking the longest at each position ("tesla wall connector" over "tesla"). */
  matchLongest(text: AnalysedText): PhraseMatch<T>[] {
    const result: PhraseMatch<T>[] = [];
    let covered = 0;
    for (const match of this.matchAll(text)) {
      if (match.start >= covered) {
        result.push(match);
        covered = match.end;
      }
    }
    return result;
  }

  /** True when some phrase occurs, not negated. */
  occursIn(text: AnalysedText): boolean {
    return this.matchAll(text).some((match) => !match.negated);
  }
}

export function phrasesOf<T>(table: Record<string, string[]>, valueOf: (key: string) => T): [string, T][] {
  return Object.entries(table).flatMap(([key, list]) => list.map((phrase): [string, T] => [phrase, valueOf(key)]));
}

/** Where the slots from `slot` on end when matched at `at`, or -1. */
function matchFrom(text: AnalysedText, slots: Slot[], slot: number, at: number): number {
  if (slot === slots.length) return at;
  const current = slots[slot];
  if (isGap(current)) {
    for (let skipped = 0; skipped <= current.gap && at + skipped <= text.stems.length; skipped++) {
      if (skipped > 0 && text.stems[at + skipped - 1] === clauseBreak) break;
      const end = matchFrom(text, slots, slot + 1, at + skipped);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (at >= text.stems.length) return -1;
  const fits = current.options.some((w) => text.stems[at] === w.stem && (!w.verbForm || verbEnding.test(text.words[at])));
  return fits ? matchFrom(text, slots, slot + 1, at + 1) : -1;
}
