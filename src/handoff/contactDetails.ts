import { isEnglishWord } from '../nlu/englishWords';
import { words } from '../nlu/textMatching';
import { emailSchema, normalisePhone, postcodeSchema, townSchema } from '../tickets/contactFields';

/** Contact details found in one message, each already in the form the ticket stores. */
export interface ContactDetails {
  name?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  town?: string;
}

const emailPattern = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** A run of digits that may be a phone number: "07700 900123", "+44 (0)7700-900-123", "0044 7700 900123". */
const phonePattern = /(?:\+|00)?\d[\d ()./-]{7,}\d/g;
const postcodePattern = /\b(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b/gi;

/**
 * How people introduce a value: "my name is Sam", "it's Sam Patel", "I live in Leeds". The value
 * follows; what comes after it ("here", "thanks") is trimmed by `cleaned`.
 */
const nameLeadIns =
  /^(?:(?:hi|hello|hey|sorry|oops|oh|ok|okay|right|yes|yeah|sure)[,!.]?\s+)*(?:my\s+(?:full\s+)?name\s+is|my\s+name's|name\s+is|name's|name:|names|i'm|i\s+am|im|it's|it\s+is|its|this\s+is|call\s+me|you\s+can\s+call\s+me|they\s+call\s+me|(?:the\s+)?(?:customer|cust|client|driver|owner)(?:'s|s)?\s+(?:name\s+)?is|(?:her|his|their)\s+name\s+is|(?:she|he)\s+is\s+called|(?:she's|he's)\s+called)\s+/i;
const openingInterjections = /^(?:(?:hi|hello|hey|sorry|oops|oh|ok|okay|right|yes|yeah|sure|um|erm|ah)\b[,!.\s]*)+/i;
/** Lead-ins that open any sentence ("it's fine", "this is useless", "I'm stuck"), not only a name. */
const sentenceLeadIn =
  /^(?:(?:hi|hello|hey|sorry|oops|oh|ok|okay|right|yes|yeah|sure)[,!.]?\s+)*(?:i'm|i\s+am|im|it's|it\s+is|its|this\s+is)\s+$/i;
const townLeadIns =
  /\b(?:live\s+in|living\s+in|based\s+in|located\s+in|lives\s+in|town\s+is|town:|in|at|near|nr|from)\s+(\p{Lu}[\p{L}'.-]*(?:[ -]\p{Lu}[\p{L}'.-]*){0,3})/u;
const trailingFillers = /[\s,.;:!?]*(?:\b(?:here|thanks|thank\s+you|cheers|please|pls|mate|thx|ta|speaking)\b[\s,.;:!?]*)*$/i;
/** "Aisha Rahman, not Aysha": the wrong spelling after the right one goes. */
const notThat = /[\s,;]+not\s+[\p{L}'.-]+(?:\s+[\p{L}'.-]+)?\s*$/u;

/**
 * Words that are never part of a person's name: the chat's own words (the cable, the car, asking,
 * agreeing) and the words of a sentence. "The cable is still stuck" is not a name.
 */
const notInNames = new Set(
  [
    'the a an is are was were be been am do does did done not no yes yeah yep nope ok okay it its this that these those what why how when where who which',
    // Not "will" or "may": they are names too (Will Dunne, May Lee).
    'can could would should shall might must have has had need needs want wants my your our their his her me you we they us them i',
    'and or but so if then than to of in on at for with from by about as into out up down over off again still just also very really too',
    'cable lead plug cord connector socket port charger charging charge wallbox car vehicle stuck locked lock unlock release emergency boot',
    'help person human agent someone somebody anyone call ring phone email number address postcode town skip cancel stop pass none unknown',
    'broken bent cracked damaged error dashboard power cut cold frozen ice',
    'hi hello hey thanks thank cheers bye sorry please idk dunno know sure maybe test testing asdf',
  ]
    .join(' ')
    .split(' '),
);

/** Keyboard rows: "asdf" and "qwerty" are mashed keys, not names. */
const keyboardRows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function isKeyMash(word: string): boolean {
  const lower = word.toLowerCase();
  if (lower.length >= 4 && keyboardRows.some((row) => row.includes(lower))) return true;
  // A short chunk typed over and over: "sdfsdf", "asdasd", "jjjj".
  return /^(.{1,3})\1+$/.test(lower) && lower.length >= 4;
}

const nameWord = /^\p{L}[\p{L}'.-]*$/u;
const maxNameWords = 5;

/** The text with a value's lead-in and trailing politeness removed. */
function cleaned(text: string, leadIn: RegExp): string {
  return text.trim().replace(leadIn, '').replace(trailingFillers, '').replace(notThat, '').replace(trailingFillers, '').trim();
}

/**
 * A person's name, if the text is one or introduces one: letters only (hyphens, apostrophes,
 * initials), at most five words, none of them a word of a sentence or of the chat. Typed in any case.
 */
export function nameIn(text: string): string | undefined {
  // "Nadia Rahman, her mobile is ...", "Sam here, ring me on ...": the name comes before the comma.
  // "<b>Dana</b> **Okafor**": markup pasted or typed around a name is not part of it.
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/[*_`~]+/g, '');
  const withoutGreeting = plain.replace(emailPattern, ' ').replace(phonePattern, ' ').trim().replace(openingInterjections, '');
  const firstClause = withoutGreeting.split(/[,;]|\s[-–—]\s/)[0];
  // "this is useless", "im fine": after a lead-in that also opens sentences, one everyday word is no name.
  const leadIn = firstClause.trim().match(nameLeadIns)?.[0];
  const candidate = cleaned(firstClause, nameLeadIns)
    .replace(/^(?:sorry|oops|oh|ok|okay)[,!.\s]+/i, '')
    .replace(/\s+/g, ' ');
  const parts = candidate.split(' ').filter(Boolean);
  if (parts.length === 0 || parts.length > maxNameWords) return undefined;
  if (!parts.every((part) => nameWord.test(part))) return undefined;
  if (!parts.some((part) => part.replace(/[^\p{L}]/gu, '').length >= 2)) return undefined;
  if (parts.some(isKeyMash)) return undefined;
  if (words(candidate).some((word) => notInNames.has(word))) return undefined;
  if (leadIn && sentenceLeadIn.test(leadIn) && parts.length === 1 && !/^\p{Lu}/u.test(candidate) && isEnglishWord(candidate.toLowerCase()))
    return undefined;
  return candidate;
}

export function emailIn(text: string): string | undefined {
  for (const found of (text.match(emailPattern) ?? []).reverse()) {
    const email = emailSchema.safeParse(found.replace(/[.,;:]+$/, ''));
    if (email.success) return email.data;
  }
  return undefined;
}

export function phoneIn(text: string): string | undefined {
  for (const found of (text.match(phonePattern) ?? []).reverse()) {
    const phone = normalisePhone(found);
    if (phone) return phone;
  }
  return undefined;
}

export function postcodeIn(text: string): string | undefined {
  // "LS97 2XX, sorry no I mean LS97 2XY": the last one given is the one meant.
  for (const found of (text.match(postcodePattern) ?? []).reverse()) {
    const postcode = postcodeSchema.safeParse(found);
    if (postcode.success) return postcode.data;
  }
  return undefined;
}

/**
 * A town, if the text names one: after "in", "near", "I live in"..., or (`alone`: the answer to
 * "which town?") the text itself once a postcode and politeness are taken out. A town is letters,
 * one to four words, none of them a word of a sentence.
 */
const lowerCaseTownAtEnd = /\b(?:in|near|nr)\s+([\p{L}'.-]+(?:[ -][\p{L}'.-]+)?)[\s.!]*$/iu;
const titleCase = (text: string | undefined) =>
  text?.replace(/(^|[ -])(\p{L})/gu, (_all, gap: string, letter: string) => gap + letter.toUpperCase());

export function townIn(text: string, alone: boolean): string | undefined {
  const withoutPostcode = text.replace(postcodePattern, ' ').replace(/\s+/g, ' ').trim().replace(openingInterjections, '');
  // "its at my house in york": typed in lower case, a town after "in" at the end of the answer.
  const introduced =
    townLeadIns.exec(withoutPostcode)?.[1] ?? (alone ? titleCase(lowerCaseTownAtEnd.exec(withoutPostcode)?.[1]) : undefined);
  const candidates = [
    introduced,
    alone
      ? cleaned(
          withoutPostcode.replace(/^(?:postcode|post code)\b[:\s]*/i, '').replace(/^[,;\s]+|[,;\s]+$/g, ''),
          /^(?:it's|its|it is|in|the town is|town is|i live in|we live in|near|nr)\s+/i,
        )
      : undefined,
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const town = townSchema.safeParse(candidate);
    const parts = town.success ? town.data.split(/[ -]/) : [];
    if (town.success && parts.length <= 4 && !words(town.data).some((word) => notInNames.has(word)) && !parts.some(isKeyMash))
      return town.data;
  }
  return undefined;
}

/**
 * A name written as names are ("Jo Sparks", "Mary-Anne Burns"): two or more words, each capitalised.
 * A hazard word in it is a surname, not a hazard: "Sparks" at "what's your name?" is someone's name.
 */
export function isProperName(text: string): boolean {
  const name = nameIn(text);
  return !!name && name.split(' ').length >= 2 && name.split(' ').every((part) => /^\p{Lu}/u.test(part));
}

/** Every contact detail a message holds ("call me on 07700 900123", "LS6 2AB in Leeds"); the name only when introduced. */
export function contactDetailsIn(text: string): ContactDetails {
  const details: ContactDetails = {};
  const email = emailIn(text);
  const phone = phoneIn(text.replace(emailPattern, ' '));
  const postcode = postcodeIn(text.replace(emailPattern, ' '));
  const town = townIn(text.replace(emailPattern, ' ').replace(phonePattern, ' '), false);
  const name = nameLeadIns.test(text.trim()) ? nameIn(text) : undefined;
  if (email) details.email = email;
  if (phone) details.phone = phone;
  if (postcode) details.postcode = postcode;
  if (town) details.town = town;
  if (name) details.name = name;
  return details;
}

const productLeadIns =
  /^(?:(?:it's|its|it\s+is|it's\s+an?|its\s+an?|it\s+is\s+an?|i\s+have|i've\s+got|ive\s+got|i\s+got|we\s+have|we've\s+got|i\s+drive|we\s+drive|the\s+(?:charger|car|model)\s+is|my\s+(?:charger|car)\s+is|charger\s+is|car\s+is|model\s+is|model:|make\s+is)\s+)?(?:an?\s+|the\s+)?/i;

/** Words of a sentence about something else: a product's name has none of them (it may say "charger"). */
const productWords = new Set(['charger', 'charging', 'charge', 'car', 'vehicle', 'wallbox', 'point', 'one', 'home', 'box']);
const notInProducts = new Set(
  [...notInNames, ...'smoke fire burning sparks hot bang wait came oh got now yet'.split(' ')].filter((word) => !productWords.has(word)),
);

/**
 * A charger or car model as typed ("Ohme Home Pro", "it's a zappi", "Kia Niro"), without its
 * lead-in: letters and digits, at most eight words, no contact detail and no word of a sentence.
 */
export function productIn(text: string): string | undefined {
  if (emailIn(text) || phoneIn(text) || postcodeIn(text)) return undefined;
  const candidate = cleaned(text, productLeadIns).replace(/\s+/g, ' ');
  const parts = candidate.split(' ').filter(Boolean);
  if (parts.length === 0 || parts.length > 8 || /[?<>[\]{}]|:\/\//.test(candidate)) return undefined;
  if (parts.some(isKeyMash) || words(candidate).some((word) => notInProducts.has(word))) return undefined;
  return candidate;
}
