import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/levenshtein_distance';
import { isEnglishWord } from '../nlu/englishWords';

/**
 * Spelling corrections of a name or an email address given already: "it's Sara without the h",
 * "with an e at the end", "double t", "it's spelt S-A-R-A", "Jon not John", "surname is Smyth with a
 * y". The change is applied only when it is plain which part it changes and how; otherwise the
 * detail is asked for again rather than guessed.
 */
export type Respelling = { value: string } | { unclear: true };

type LetterEdit =
  | { kind: 'remove'; letter: string; atEnd: boolean }
  | { kind: 'append'; letter: string }
  | { kind: 'double'; letter: string }
  | { kind: 'single'; letter: string }
  | { kind: 'replace'; letter: string; instead: string };

const position = String.raw`(?:\s+(?:at|on|in)\s+the\s+(end|start|beginning|middle))?`;
const letterAt = String.raw`['"]?([a-z])['"]?`;
const removing = String.raw`(?:without|minus|drop|lose|take\s+(?:out|off|away)|no)`;
/** "without the h", "no h at the end", "drop the h", "take out the h". */
const removed = new RegExp(
  String.raw`\b${removing}\s+(?:the\s+|an?\s+|any\s+)?${letterAt}${position}(?=\s*(?:$|[,.!;]|please|sorry|thanks|of|in|from))`,
  'i',
);
/** "with an e at the end", "add an e on the end", "e on the end". */
const appended = new RegExp(
  String.raw`(?<!\b${removing}\s+(?:the\s+|an?\s+|any\s+)?)\b(?:(?:with|add|put|plus)\s+(?:an?\s+|the\s+)?)?${letterAt}\s+(?:at|on|to)\s+the\s+end\b`,
  'i',
);
/** "double t", "two t's", "two ts". */
const doubled = new RegExp(String.raw`\b(?:double|two)\s+${letterAt}(?:'?s)?\b`, 'i');
/** "one n", "only one n", "single l". */
const single = new RegExp(String.raw`\b(?:only\s+one|one|single)\s+${letterAt}\b(?!\s*\w)`, 'i');
/** "with a y instead of an i", "y not i". */
const replaced = new RegExp(
  String.raw`\b(?:with\s+)?(?:an?\s+)?${letterAt}\s+(?:instead\s+of|not)\s+(?:an?\s+)?${letterAt}(?=\s*(?:$|[,.!;]))`,
  'i',
);
/** "Smyth with a y", "Anne with an e": the spelling said again about the word before it. */
const withLetter = /\b(?:with|without)\s+(?:an?|the|two|one|double)\s+['"]?[a-z]['"]?(?:'?s)?\b/i;
/** Letters spelt out one by one: "S-A-R-A", "s a r a", "S.A.R.A". */
const spelledOut = /(?:^|[\s:,(])((?:\p{L}[\s.-]){2,}\p{L})(?=$|[\s,.!?)])/u;
/** "surname is Smyth", "last name Smyth", "first name's Jon". */
const namedPart = /\b(sur|last|family|first|christian|fore|given)\s*name(?:\s+is|'s|s|\s*:)?\s+(\p{L}[\p{L}'-]*)/iu;
/** "Jon not John", "it's Jon, not John" (not "it's not John"). */
const insteadOfWord =
  /\b(?!(?:it's|its|it|is|that|this|and|but|no|yes|ok|okay|sorry|just|i|me)\b)(\p{L}[\p{L}'-]*)\s*,?\s+(?:not|instead\s+of|rather\s+than)\s+(\p{L}[\p{L}'-]*)/iu;
/** Words that say a spelling is being corrected, for a close variant said without any other cue ("sorry, it's Jon"). */
const correctionCue =
  /\b(?:spelt|spelled|spelling|spell|spells|typo|misspelt|misspelled|sorry|actually|oops|i\s+mean|i\s+meant|wrong|correction|should\s+be)\b/i;

/** The letter edits the message says. */
function editsIn(message: string): LetterEdit[] {
  const edits: LetterEdit[] = [];
  const swap = replaced.exec(message);
  if (swap) edits.push({ kind: 'replace', letter: swap[1].toLowerCase(), instead: swap[2].toLowerCase() });
  const gone = removed.exec(message);
  if (gone) edits.push({ kind: 'remove', letter: gone[1].toLowerCase(), atEnd: gone[2]?.toLowerCase() === 'end' });
  const added = appended.exec(message);
  if (added) edits.push({ kind: 'append', letter: added[1].toLowerCase() });
  const twice = doubled.exec(message);
  if (twice) edits.push({ kind: 'double', letter: twice[1].toLowerCase() });
  const once = single.exec(message);
  if (once) edits.push({ kind: 'single', letter: once[1].toLowerCase() });
  return edits;
}

/** The word with the edit made, or undefined when the edit does not fit it exactly once. */
function edited(word: string, edit: LetterEdit): string | undefined {
  const lower = word.toLowerCase();
  const at = (letter: string) => [...lower].flatMap((char, i) => (char === letter ? [i] : []));
  const apply = (index: number, replacement: string, length = 1) => word.slice(0, index) + replacement + word.slice(index + length);
  switch (edit.kind) {
    case 'remove': {
      const found = at(edit.letter);
      if (edit.atEnd) return lower.endsWith(edit.letter) && lower.length > 1 ? word.slice(0, -1) : undefined;
      return found.length === 1 ? apply(found[0], '') : undefined;
    }
    case 'append':
      return lower.endsWith(edit.letter) ? undefined : word + edit.letter;
    case 'double': {
      const lone = at(edit.letter).filter((i) => lower[i - 1] !== edit.letter && lower[i + 1] !== edit.letter);
      return lone.length === 1 ? apply(lone[0], word[lone[0]] + edit.letter) : undefined;
    }
    case 'single': {
      const pairs = at(edit.letter).filter((i) => lower[i + 1] === edit.letter);
      return pairs.length === 1 ? apply(pairs[0], word[pairs[0]], 2) : undefined;
    }
    case 'replace': {
      const found = at(edit.instead);
      return found.length === 1 ? apply(found[0], edit.letter) : undefined;
    }
  }
}

/**
 * Whether two spellings are near enough to be the same word spelt another way ("Sara", "Sarah"); a
 * word spelt out letter by letter may change its first letter too ("C-A-T-E" for "Kate").
 */
function variantOf(word: string, of: string, anyFirstLetter = false): boolean {
  const [a, b] = [word.toLowerCase(), of.toLowerCase()];
  if (a === b || (a[0] !== b[0] && !anyFirstLetter)) return false;
  return DamerauLevenshteinDistance(a, b) <= (Math.min(a.length, b.length) <= 4 ? 1 : 2);
}

/** A word written as a name: "sara" and "SARA" become "Sara". */
const asAName = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/** The words of the message that could be a name part, as typed. */
function nameWordsOf(message: string): string[] {
  return message.match(/\p{L}[\p{L}'-]*/gu) ?? [];
}

/**
 * The name with the spelling the message gives for one of its parts, `unclear` when the message
 * corrects a spelling in a way that fits no part plainly, or undefined when it corrects no spelling.
 * `variantAlone`: a close variant with only "sorry" or "spelt" around it counts (not when the message
 * answers another question: "sorry, it's a Kia" at the car question does not make Kim "Kia").
 */
export function respeltName(
  name: string,
  message: string,
  options: { variantAlone: boolean; otherThing?: (word: string) => boolean } = { variantAlone: true },
): Respelling | undefined {
  const parts = name.split(' ');
  const withPart = (index: number, word: string): Respelling => {
    const written = word === word.toLowerCase() || word === word.toUpperCase() ? asAName(word) : word;
    return { value: parts.map((part, i) => (i === index ? written : part)).join(' ') };
  };
  const spelled = spelledOut.exec(message)?.[1].replace(/[\s.-]/g, '');
  if (spelled) {
    const closest = parts.findIndex((part) => variantOf(spelled, part, true));
    return closest >= 0 ? withPart(closest, spelled) : { unclear: true };
  }
  const part = namedPart.exec(message);
  if (part) {
    const last = /^(?:sur|last|family)$/i.test(part[1]);
    if (last && parts.length === 1) return { value: `${name} ${asAName(part[2])}` };
    return withPart(last ? parts.length - 1 : 0, part[2]);
  }
  // "It's Sara without the h": the word given, when it is one of the parts spelt another way; an
  // everyday word ("an", "same") or a car or charger ("Kia" is no respelt "Kim") may only confirm an edit.
  const variants = nameWordsOf(message).flatMap((word) => {
    const index = parts.findIndex((p) => variantOf(word, p));
    return index >= 0 ? [{ word, index }] : [];
  });
  const named = variants.filter((v) => !isEnglishWord(v.word.toLowerCase()) && !options.otherThing?.(v.word));
  const instead = insteadOfWord.exec(message);
  const wrong = instead ? parts.findIndex((p) => p.toLowerCase() === instead[2].toLowerCase()) : -1;
  if (instead && wrong >= 0) {
    // "Aisha Rahman, not Aysha": the word before "not" may be another part; the variant given replaces the wrong one.
    const right =
      variants.find((v) => v.index === wrong)?.word ??
      (parts.some((p) => p.toLowerCase() === instead[1].toLowerCase()) ? undefined : instead[1]);
    return right ? withPart(wrong, right) : { unclear: true };
  }
  const edits = editsIn(message);
  if (edits.length > 0) {
    // "no h at the end of the first name": only that part.
    const scope = /\bfirst\s+name\b/i.test(message) ? 0 : /\b(?:sur|last|family)\s*name\b/i.test(message) ? parts.length - 1 : undefined;
    const results = parts.flatMap((p, index) => {
      if (scope !== undefined && index !== scope) return [];
      const changed = edits.reduce<string | undefined>((word, edit) => word && edited(word, edit), p);
      return changed ? [{ index, changed }] : [];
    });
    const given = variants.find((v) => results.some((r) => r.index === v.index && r.changed.toLowerCase() === v.word.toLowerCase()));
    if (given) return withPart(given.index, given.word);
    if (named.length === 0 && results.length === 1) return withPart(results[0].index, results[0].changed);
    return { unclear: true };
  }
  // "Sorry, it's Jon": a variant given with no edit.
  if (options.variantAlone && named.length === 1 && (withLetter.test(message) || correctionCue.test(message)))
    return withPart(named[0].index, named[0].word);
  return undefined;
}

/** The email address with a spelling correction of its user part ("double t", "without the h"), as for names. */
export function respeltEmail(email: string, message: string): Respelling | undefined {
  const edits = editsIn(message);
  if (edits.length === 0) return undefined;
  const [user, domain] = email.split('@');
  const changed = edits.reduce<string | undefined>((word, edit) => word && edited(word, edit), user);
  return changed ? { value: `${changed}@${domain}` } : { unclear: true };
}

/**
 * A name as given with its spelling said too ("Anne with an e", "Smyth, with a y", "it's S-A-R-A",
 * "Matt, double t"): the notes taken out and letters spelt out joined up.
 */
export function withoutSpellingNotes(text: string): string {
  return text
    .replace(spelledOut, (all, letters: string) => all.replace(letters, letters.replace(/[\s.-]/g, '')))
    .replace(/[\s,;-]*\b(?:spelt|spelled|spelling)\b(?:\s+(?:like|as|with))?(?=\s|$)/gi, ' ')
    .replace(new RegExp(`[\\s,;-]*(?:${withLetter.source}|${doubled.source}|${single.source})${position}`, 'gi'), ' ')
    .replace(new RegExp(`[\\s,;-]*${removed.source}`, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
