import { clauseBreak, tokenize } from './textAnalysis';

/**
 * The words of a message as the recognizer reads them (lower case, accents and punctuation gone,
 * contractions spelled out: "haven't" is "have not"), without its clause breaks.
 */
export function words(text: string): string[] {
  return tokenize(text).filter((word) => word !== clauseBreak);
}

/** Same words in the same order, ignoring case and punctuation: how typed buttons are matched. */
export function sameWords(a: string, b: string): boolean {
  return words(a).join(' ') === words(b).join(' ');
}

const negationWindow = 3;
/** One shared default, so calls without negations hit the negation cache instead of adding to it. */
const noNegations: readonly string[] = [];

/**
 * Whether `text` contains `phrase` as whole words, without one of `negations` in the few words
 * before it ("I haven't unlocked the car", read "have not unlocked", does not count as unlocking it).
 */
export function mentions(text: string, phrase: string, negations: readonly string[] = noNegations): boolean {
  return mentionTest(text, negations)(phrase);
}

/**
 * Phrases and negations come from the content (a few hundred): each is split into words once, not
 * on every message (that splitting was a tenth of what a turn allocated). Bounded all the same.
 */
const phraseWords = new Map<string, readonly string[]>();
const negationWords = new WeakMap<readonly string[], ReadonlySet<string>>();
const maxCachedPhrases = 10_000;

function wordsOfPhrase(phrase: string): readonly string[] {
  let split = phraseWords.get(phrase);
  if (!split) {
    split = words(phrase);
    if (phraseWords.size < maxCachedPhrases) phraseWords.set(phrase, split);
  }
  return split;
}

function wordsOfNegations(negations: readonly string[]): ReadonlySet<string> {
  let set = negationWords.get(negations);
  if (!set) {
    set = new Set(negations.flatMap(words));
    negationWords.set(negations, set);
  }
  return set;
}

/** `mentions` for many phrases of one message: the message is split into words once. */
export function mentionTest(text: string, negations: readonly string[] = noNegations): (phrase: string) => boolean {
  const said = words(text);
  const negating = wordsOfNegations(negations);
  const negated = (start: number) => {
    for (let i = Math.max(0, start - negationWindow); i < start; i += 1) {
      if (negating.has(said[i])) return true;
    }
    return false;
  };
  const saidAt = (start: number, wanted: readonly string[]) => {
    for (let i = 0; i < wanted.length; i += 1) if (said[start + i] !== wanted[i]) return false;
    return true;
  };
  return (phrase) => {
    const wanted = wordsOfPhrase(phrase);
    for (let start = 0; start + wanted.length <= said.length; start += 1) {
      if (saidAt(start, wanted) && !negated(start)) return true;
    }
    return false;
  };
}

const questionOpeners = new Set([
  // Not "did": "did that, still stuck" reports.
  'can',
  'could',
  'should',
  'why',
  'how',
  'what',
  'where',
  'when',
  'which',
  'who',
  'is',
  'are',
  'do',
  'does',
  'will',
  'would',
  'may',
  'am',
  'shall',
  'whats',
  'hows',
  'wheres',
]);
/** Words people put before a question ("ok but seriously, where is it"): skipped when looking for its opener. */
const fillers = new Set([
  'ok',
  'okay',
  'so',
  'but',
  'and',
  'right',
  'hmm',
  'um',
  'erm',
  'seriously',
  'also',
  'hi',
  'hello',
  'hey',
  'sorry',
  'quick',
  'question',
  'just',
  'then',
  'well',
  'oh',
  'wait',
  'actually',
  'btw',
  'please',
  'fine',
  'cool',
  'alright',
  'great',
  'thanks',
]);
/** The words that turn a message opening with "if" into a question: "if it sparks, what do I do". */
const supposedAsks = new Set(['what', 'how', 'should', 'shall', 'can', 'could', 'do', 'does']);
/** Openers that, followed by "not", state rather than ask: "can't get it out", "won't come out". */
const statedWithNot = new Set(['can', 'could', 'do', 'does', 'will', 'would', 'is', 'are']);
const modals = new Set(['can', 'could', 'will', 'would', 'shall', 'should', 'may']);
/** Verbs straight after a modal, with no subject between: "will do", "can try", "will give it a go". */
const statedModalVerbs = new Set(['do', 'try', 'give', 'go', 'have', 'check', 'get', 'see', 'look', 'be', 'keep', 'wait', 'ring', 'call']);
/** "I want to know where the isolator is", "no idea how to": a question asked as a statement. */
const askedAsStatement =
  /\b(?:tell me|want to know|wondering|wonder|not sure|no idea|any idea|do you know|explain)\s+(?:where|how|what|why|if|whether|when|which)\b/i;

/**
 * A message asking something rather than answering: it has a "?", opens like a question (after
 * fillers such as "ok but"), or asks as a statement ("I want to know where the isolator is").
 */
export function isQuestion(text: string): boolean {
  return text.includes('?') || opensAsQuestion(text);
}

/**
 * A message that is a question as a whole, not one that reports and then asks ("still stuck, what
 * now?" is still a report of the step).
 */
export function opensAsQuestion(text: string): boolean {
  if (askedAsStatement.test(text)) return true;
  const said = words(text);
  const at = said.findIndex((word) => !fillers.has(word));
  const opener = said[at] ?? '';
  if (statedWithNot.has(opener) && said[at + 1] === 'not') return false;
  // "Will do", "can do", "will try that now": a modal with no one after it to ask about states.
  if (modals.has(opener) && statedModalVerbs.has(said[at + 1] ?? '')) return false;
  // "if it ever starts smoking what do I do": a supposition that goes on to ask.
  const supposes = (opener === 'if' || (opener === 'in' && said[at + 1] === 'case')) && said.slice(at + 2).some((w) => supposedAsks.has(w));
  return questionOpeners.has(opener) || (opener === 'what' && said[at + 1] === 'about') || supposes;
}

const yesWords = new Set(['yes', 'yeah', 'yep', 'yup', 'yea', 'yeh', 'ya', 'yh', 'aye', 'yas']);
const noWords = new Set(['no', 'nope', 'nah', 'negative']);
/** "yesss", "yeahhh", "nooo": the word without its drawn-out letters. */
const plainWord = (word: string) => word.replace(/(.)\1+/g, '$1');

/** The yes or no a message opens with ("nah I'm fine now", "yep!! it's out"), if any. */
export function opensWithYesOrNo(text: string): 'yes' | 'no' | undefined {
  const first = plainWord(words(text)[0] ?? '');
  return yesWords.has(first) ? 'yes' : noWords.has(first) ? 'no' : undefined;
}

/** A message that is nothing but yes ("yep!!", "yes yes"). */
export function onlyYes(text: string): boolean {
  const said = words(text);
  return said.length > 0 && said.every((word) => yesWords.has(plainWord(word)));
}
