/** Lower case, curly quotes made straight, everything but letters, digits and apostrophes a space. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/[^a-z0-9']+/)
    .filter(Boolean);
}

/** Same words in the same order, ignoring case and punctuation: how typed buttons are matched. */
export function sameWords(a: string, b: string): boolean {
  return words(a).join(' ') === words(b).join(' ');
}

const negationWindow = 3;

/**
 * Whether `text` contains `phrase` as whole words, without one of `negations` in the few words
 * before it ("I haven't unlocked the car" does not count as unlocking it).
 */
export function mentions(text: string, phrase: string, negations: readonly string[] = []): boolean {
  return mentionTest(text, negations)(phrase);
}

/** `mentions` for many phrases of one message: the message and the negations are split into words once. */
export function mentionTest(text: string, negations: readonly string[] = []): (phrase: string) => boolean {
  const said = words(text);
  const negating = new Set(negations.flatMap(words));
  return (phrase) => {
    const wanted = words(phrase);
    for (let start = 0; start + wanted.length <= said.length; start += 1) {
      if (!wanted.every((word, i) => said[start + i] === word)) continue;
      const before = said.slice(Math.max(0, start - negationWindow), start);
      if (!before.some((word) => negating.has(word) || word.endsWith("n't"))) return true;
    }
    return false;
  };
}

const questionOpeners = new Set([
  'can', 'could', 'should', 'why', 'how', 'what', 'where', 'when', 'which', 'is', 'are', 'do', 'does', 'will', 'would', 'may', 'am',
]);

/** A message asking something rather than answering: ends with "?" or opens like a question. */
export function isQuestion(text: string): boolean {
  return text.trim().endsWith('?') || questionOpeners.has(words(text)[0] ?? '');
}
