import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/levenshtein_distance';

/**
 * Turns a message into words the recognizer can match: lower case, contractions expanded,
 * punctuation split off (kept as clause breaks), misspellings corrected against the known
 * vocabulary, stems, and which words sit in the scope of a negation.
 */
export interface AnalysedText {
  /** Corrected words and clause-break marks (`,`), in message order. */
  words: string[];
  /** Porter stem of each word (breaks stay as they are). */
  stems: string[];
  /** True where the word was written with 's ("the car's socket"): an owner, or "is"/"has" after a noun. */
  possessive: boolean[];
  /** True where a negation ("no", "not", "never"...) closely precedes the word in the same clause. */
  negated: boolean[];
  /** True where the word's clause ends in "?": "can I pull the emergency release?" asks, it does not tell. */
  asked: boolean[];
}

export const clauseBreak = ',';

const negators = new Set(['no', 'not', 'never', 'without', 'nothing', 'none', 'nobody', 'nor', 'neither']);
/**
 * Words that end a negation's scope: "no power cut, but it's frozen" negates only the power cut, and
 * "it won't release in the cold" negates the release, not the cold.
 */
const scopeEnders = new Set([
  clauseBreak,
  'but',
  'and',
  'because',
  'cause',
  'so',
  'though',
  'although',
  'however',
  'just',
  'only',
  'still',
  'yet',
  'in',
  'into',
  'at',
  'on',
  'after',
  'during',
  'since',
  'due',
  'from',
  'as',
  'when',
  'while',
  'until',
  'now',
]);
const negationReach = 4;
const pronounNegators = new Set(['nothing', 'none', 'nobody', 'neither']);
const prepositionEnders = new Set(['in', 'into', 'at', 'on', 'from', 'as']);
/**
 * A "no" that answers or exclaims rather than negates: "oh no its smoking", "no, the plug is hot",
 * "no it's still stuck". Before a subject or after an interjection, it negates nothing that follows.
 */
const interjections = new Set(['oh', 'ah', 'uh', 'omg', 'god', 'oops']);
const subjects = new Set(['it', 'the', 'i', 'there', 'this', 'that', 'my', 'we', 'he', 'she', 'they', 'you', 'its', 'now']);
const exclaims = (words: string[], i: number) =>
  words[i] === 'no' && (interjections.has(words[i - 1] ?? '') || subjects.has(words[i + 1] ?? ''));

// Spelled-out forms, longest first; bare forms ("wont", "dont") are how people type on phones.
const contractions: [RegExp, string][] = [
  [/\bwon'?t\b/g, 'will not'],
  [/\bcan'?t\b|\bcannot\b/g, 'can not'],
  [/\bain'?t\b/g, 'is not'],
  [/\bshan'?t\b/g, 'shall not'],
  [/\b(do|does|did|is|are|was|were|has|have|had|would|could|should|must|need)n'?t\b/g, '$1 not'],
  [/\bi'?m\b/g, 'i am'],
  [/\b(it|that|there|what|where|who|here|he|she|how)'s\b/g, '$1 is'],
  [/\b(it|that|there|what)s\b/g, '$1 is'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
];

/** Words that open a question clause, and clauses that only suppose ("if I unlock it, ..."). */
const askingOpeners = new Set([
  'should',
  'can',
  'could',
  'shall',
  'would',
  'will',
  'is',
  'are',
  'do',
  'does',
  'what',
  'how',
  'where',
  'why',
  'when',
  'which',
  'whats',
  'wheres',
  'hows',
  'am',
  'may',
  'must',
]);
const conditionalOpeners = new Set(['if', 'when', 'once', 'before', 'after', 'unless', 'until', 'whether']);

/** Lower-cases, expands contractions and splits into words and clause breaks. */
export function tokenize(text: string): string[] {
  return splitWords(text).words;
}

/**
 * Email addresses and phone numbers stand as one word each: their parts are not words of the
 * message ("greg.holt@example.com" says nothing about heat).
 */
const emailLike = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const phoneLike = /(?:\+|\b00)?\d[\d ()./-]{7,}\d/g;

/** Emoji that say ok or no and little else (skin tones and variation selectors included). */
export const yesEmoji = /(?:\u{1F44D}|\u{1F44C}|\u2705|\u2714|\u{1F197})(?:[\u{1F3FB}-\u{1F3FF}]|\uFE0F)*/gu;
export const noEmoji = /(?:\u{1F44E}|\u274C|\u274E|\u{1F6AB})(?:[\u{1F3FB}-\u{1F3FF}]|\uFE0F)*/gu;

/** The words of `tokenize`, and which of them carried an 's. */
type Split = { words: string[]; possessive: boolean[]; asked: boolean[] };

/**
 * A turn splits the same message many times over (every button compared, every phrase list asked):
 * the splits of recent texts are kept, bounded, and handed out as copies.
 */
const recentSplits = new Map<string, Split>();
const maxRecentSplits = 256;

function splitWords(text: string): Split {
  let split = recentSplits.get(text);
  if (!split) {
    if (recentSplits.size >= maxRecentSplits) recentSplits.clear();
    split = splitWordsOnce(text);
    recentSplits.set(text, split);
  }
  return { words: [...split.words], possessive: [...split.possessive], asked: [...split.asked] };
}

function splitWordsOnce(text: string): Split {
  // "-4" and "minus 4" are the same cold.
  let normalised = text
    // Zero-width and soft-hyphen characters hide inside words ("stu\u200bck"): they are no part of them.
    .replace(/[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g, '')
    // Emoji that stand for a word are read as it: a thumbs-up is an "ok" (a yes at "is that right?",
    // a step acknowledged at "did it come free?"), a thumbs-down a "no".
    .replace(yesEmoji, ' ok ')
    .replace(noEmoji, ' no ')
    .replace(emailLike, ' emailaddress ')
    .replace(phoneLike, ' phonenumber ')
    .replace(/(^|[\s(])-(\d)/g, '$1minus $2')
    // A dash between words breaks a sentence like a semicolon: "ended it already - is it safe to pull?"
    .replace(/\s[-–—]+\s/g, ' ; ')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019`´]/g, "'");
  for (const [pattern, replacement] of contractions) normalised = normalised.replace(pattern, replacement);
  const words: string[] = [];
  const possessive: boolean[] = [];
  const asked: boolean[] = [];
  let clauseStart = 0;
  let commaStarts: number[] = [];
  let afterComma = false;
  for (const match of normalised.matchAll(/[a-z0-9]+|(?<=[a-z0-9])'s\b|[,.;:!?()]/g)) {
    const token = match[0];
    if (token === '?') {
      // "already ended it and did the fob thing, should I pull the tab now?": only the part from the
      // question asks; "if I unlock it, can I pull it?" asks all of it.
      const opener = [...commaStarts].reverse().find((start) => askingOpeners.has(words[start]));
      const from =
        opener !== undefined &&
        !commaStarts.some((start) => start < opener && conditionalOpeners.has(words[start])) &&
        !conditionalOpeners.has(words[clauseStart])
          ? opener
          : clauseStart;
      asked.fill(true, from, words.length);
    }
    if (token === ',') afterComma = true;
    else if (!/^[a-z0-9]/.test(token) && token !== "'s") commaStarts = [];
    if (token === "'s") possessive[words.length - 1] = true;
    else if (/^[a-z0-9]/.test(token)) {
      if (afterComma) commaStarts.push(words.length);
      afterComma = false;
      words.push(token);
      possessive.push(false);
      asked.push(false);
    } else if (words.length > 0 && words[words.length - 1] !== clauseBreak) {
      words.push(clauseBreak);
      possessive.push(false);
      asked.push(false);
      if (token !== ',') clauseStart = words.length;
    }
  }
  if (words[words.length - 1] === clauseBreak) {
    words.pop();
    possessive.pop();
    asked.pop();
  }
  return { words, possessive, asked };
}

const stemCache = new Map<string, string>();
export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = word === clauseBreak || /\d/.test(word) ? word : PorterStemmer.stem(word);
    if (stemCache.size < 50_000) stemCache.set(word, stemmed);
  }
  return stemmed;
}

export interface SpellingGuard {
  /** Words that raise a topic by rule: a correction into one must not invent the topic. */
  cueWords: ReadonlySet<string>;
  /** Real words that are never corrected into a cue word ("front" is not "frost"). */
  commonWords: ReadonlySet<string>;
  /** Any other real word, also never corrected into a cue ("Stoke" is a town, not "smoke"). */
  isRealWord?: (word: string) => boolean;
}
const noGuard: SpellingGuard = { cueWords: new Set(), commonWords: new Set() };
const minCorrectedLength = 4;
/** Shorter words are one letter from too many others ("hold", "cold") to be corrected into a cue. */
const minCorrectedIntoCueLength = 5;

/**
 * Corrects an unknown word to the most frequent known word within Damerau-Levenshtein distance 1
 * (one letter added, dropped, changed or two swapped). Candidates come from a delete index, so a
 * lookup costs a few map reads rather than a scan of the vocabulary. A cue word is a candidate only
 * for a clear misspelling: long enough and not a common English word.
 */
export class SpellingCorrector {
  private readonly byDeletion = new Map<string, string[]>();

  constructor(
    private readonly frequencies: ReadonlyMap<string, number>,
    private readonly guard: SpellingGuard = noGuard,
  ) {
    for (const word of frequencies.keys()) {
      for (const key of [word, ...deletions(word)]) {
        const words = this.byDeletion.get(key);
        if (words) words.push(word);
        else this.byDeletion.set(key, [word]);
      }
    }
  }

  correct(word: string): string {
    if (this.frequencies.has(word) || word.length < minCorrectedLength || /\d/.test(word)) return word;
    const unknown = !this.guard.commonWords.has(word) && !this.guard.isRealWord?.(word);
    const mayBecomeCue = word.length >= minCorrectedIntoCueLength && unknown;
    // "smok", "hott": a shorter word that is no word at all is a cue with a letter left out, the
    // commonest slip when typing fast; only that correction is made (a letter changed is not).
    const mayBecomeLongerCue = word.length === minCorrectedLength && unknown;
    let best = word;
    let bestCount = 0;
    for (const key of [word, ...deletions(word)]) {
      for (const candidate of this.byDeletion.get(key) ?? []) {
        const cueAllowed = mayBecomeCue || (mayBecomeLongerCue && candidate.length === word.length + 1);
        if (!cueAllowed && this.guard.cueWords.has(candidate)) continue;
        const count = this.frequencies.get(candidate) ?? 0;
        if (count > bestCount && DamerauLevenshteinDistance(word, candidate) <= 1) {
          best = candidate;
          bestCount = count;
        }
      }
    }
    return best;
  }
}

function deletions(word: string): string[] {
  const result: string[] = [];
  for (let i = 0; i < word.length; i++) result.push(word.slice(0, i) + word.slice(i + 1));
  return result;
}

export function analyse(text: string, speller?: SpellingCorrector): AnalysedText {
  const split = splitWords(text);
  const words = split.words.map((word) => (speller && word !== clauseBreak ? speller.correct(word) : word));
  const stems = words.map(stem);
  const negated = words.map(() => false);
  let reach = 0;
  let strong = false;
  words.forEach((word, i) => {
    // "nothing on the car is hot": a negating pronoun reaches past prepositions, to the clause's end.
    if (scopeEnders.has(word) && !(strong && prepositionEnders.has(word))) reach = 0;
    else if (reach > 0) {
      negated[i] = true;
      reach--;
    }
    if (negators.has(word) && !exclaims(words, i)) {
      strong = pronounNegators.has(word);
      reach = negationReach + (strong ? 2 : 0);
    } else if (reach === 0) strong = false;
  });
  return { words, stems, possessive: split.possessive, negated, asked: split.asked };
}
