import { stem, tokenize, type AnalysedText } from './textAnalysis';

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

const verbEnding = /(ed|ing)$/;

function phraseWord(word: string): PhraseWord {
  const stemmed = stem(word);
  return { stem: stemmed, verbForm: verbEnding.test(word) && stemmed !== word };
}

/** Finds gazetteer phrases in analysed text, word by word on stems, so inflections match too. */
export class PhraseMatcher<T> {
  private readonly byFirstStem = new Map<string, { words: PhraseWord[]; value: T }[]>();

  constructor(entries: Iterable<[phrase: string, value: T]>) {
    for (const [phrase, value] of entries) {
      const words = tokenize(phrase).map(phraseWord);
      if (words.length === 0) continue;
      const list = this.byFirstStem.get(words[0].stem) ?? [];
      list.push({ words, value });
      list.sort((a, b) => b.words.length - a.words.length);
      this.byFirstStem.set(words[0].stem, list);
    }
  }

  /** All matches, longest first at each position (matches may overlap). */
  matchAll(text: AnalysedText): PhraseMatch<T>[] {
    const found: PhraseMatch<T>[] = [];
    text.stems.forEach((first, start) => {
      for (const candidate of this.byFirstStem.get(first) ?? []) {
        const end = start + candidate.words.length;
        const matches = (w: PhraseWord, k: number): boolean => text.stems[start + k] === w.stem && (!w.verbForm || verbEnding.test(text.words[start + k]));
        if (end <= text.stems.length && candidate.words.every(matches)) {
          found.push({ value: candidate.value, start, end, negated: text.negated[start] });
        }
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
