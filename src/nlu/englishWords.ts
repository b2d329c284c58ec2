import fs from 'node:fs';

/** natural's English lexicon (from pos-js, for its Brill part-of-speech tagger): word -> tags. */
const lexiconFile = require.resolve('natural/lib/natural/brill_pos_tagger/data/English/lexicon_from_posjs.json');

let words: ReadonlySet<string> | undefined;

/**
 * Whether a lower-case word is a real English word (about 43,000 of them), so that a speller leaves
 * it alone: "joke" is not a misspelt "poke", nor "price" a misspelt "prise". Read on first use, then
 * kept; only the keys are needed, and picking them out of the text is four times quicker than parsing
 * the 4 MB of JSON (about 45 ms).
 */
export function isEnglishWord(word: string): boolean {
  if (!words) {
    const lowerCaseKeys = new Set<string>();
    for (const match of fs.readFileSync(lexiconFile, 'utf8').matchAll(/"([a-z]+)":/g)) lowerCaseKeys.add(match[1]);
    words = lowerCaseKeys;
  }
  return words.has(word);
}
