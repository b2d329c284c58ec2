/**
 * Takes personal data out of a message before the insights keep it. It errs on the side of removing
 * too much: a support author reading the messages needs the wording, not the person.
 */
const patterns: Array<[RegExp, string]> = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, '[email]'],
  // A full UK postcode, with or without its space ("SW1A 1AA", "m11ae"); an outward code alone
  // ("SW1A") is left, as it reads like a car model ("EV6", "ID3").
  [/\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b/gi, '[postcode]'],
  // Any run of seven or more digits, however spaced or punctuated: phone numbers of every country,
  // and account or card numbers with them.
  [/\+?\(?\d(?:[\s().-]*\d){6,}/g, '[number]'],
  // A house number and street ("12 Acacia Avenue", "4b mill lane").
  [
    /\b\d{1,4}[a-z]?,?\s+(?:[\p{L}'-]+\s+){0,3}(?:road|rd|street|avenue|ave|lane|close|drive|crescent|court|grove|gardens|terrace|square|mews)\b/giu,
    '[address]',
  ],
  // A name the driver gives ("my name is Sam Patel", "I'm Jo"): the capitalised words after it. Not
  // case-insensitive as a whole: "i'm stuck" names nobody.
  [
    /\b((?:[Mm]y\s+)?[Nn]ame(?:\s+is|'s)|[Cc]all\s+me|[Ii]\s+am|[Ii]'?m|[Tt]his\s+is)(\s+)\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*){0,2}/gu,
    '$1$2[name]',
  ],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with emails, postcodes, long numbers, street addresses and introduced names replaced by a
 * placeholder, and each of `personal` (the name and town the driver gave, say) removed as a whole
 * and word by word, in any letter case.
 */
export function redact(text: string, personal: readonly string[] = []): string {
  let redacted = text;
  for (const [pattern, replacement] of patterns) redacted = redacted.replace(pattern, replacement);
  const values = personal.flatMap((value) => [value.trim(), ...value.split(/[\s,]+/)]).filter((value) => value.length >= 2);
  // Longest first, so "Sam Patel" goes as a whole before "Sam" alone.
  for (const value of [...new Set(values)].sort((a, b) => b.length - a.length)) {
    redacted = redacted.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, 'giu'), '[personal]');
  }
  return redacted;
}
