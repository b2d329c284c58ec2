import { hasCode } from '../nlu/codeInText';
import { isEnglishWord } from '../nlu/englishWords';
import { words } from '../nlu/textMatching';
import { emailSchema, normalisePhone, postcodeSchema, townSchema } from '../tickets/contactFields';
import { withoutSpellingNotes } from './respelling';

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
const nameWordLeadIns = [
  // "my name is", "his full name is", "the customer's name is", "names Dave", "name's Dave"
  String.raw`(?:(?:my|her|his|their|(?:the\s+)?(?:customer|cust|client|driver|owner)(?:'s|s)?)\s+)?(?:full\s+|real\s+|proper\s+|first\s+)?name(?:\s+is|'s|s)`,
  String.raw`i'm|i\s+am|im|it's|it\s+is|its|this\s+is|call\s+me|you\s+can\s+call\s+me|they\s+call\s+me`,
  String.raw`(?:just\s+)?put(?:\s+(?:me|it|them|her|him)\s+down\s+as|\s+down)?|(?:just\s+)?(?:use|say|write)`,
  String.raw`(?:the\s+)?(?:customer|cust|client|driver|owner)(?:'s|s)?\s+is`,
  String.raw`(?:she|he)\s+is\s+called|(?:she's|he's)\s+called`,
];
const greetings = String.raw`(?:hi|hello|hey|sorry|oops|oh|ok|okay|right|yes|yeah|sure)`;
/**
 * The words of a correction before "my name is" ("no my name is spelt Siobhan", "actually, my name's
 * Jon"). Only before that lead-in: "no idea" is no name "idea", nor "oh and its Penarth" one "Penarth".
 */
const beforeALeadIn = String.raw`(?:${greetings}|no|nope|nah|actually|wait|and|also|um|erm|i\s+mean)`;
/** "name: Sam", "cust: Harriet Lowe", "customer name - Jo": a label and its value. */
const nameLabels = String.raw`(?:(?:customer|cust|client|full)\s+)?name|customer|cust|client`;
const nameLeadIns = new RegExp(
  String.raw`^(?:(?:${greetings}[,!.]?\s+)*(?:(?:${nameWordLeadIns.join('|')})\s+|(?:${nameLabels})\s*[:=-]\s*)|(?:${beforeALeadIn}[,!.]?\s+)+(?:${nameWordLeadIns[0]})\s+)`,
  'i',
);
const openingInterjections = /^(?:(?:hi|hello|hey|sorry|oops|oh|ok|okay|right|yes|yeah|sure|um|erm|ah)\b[,!.\s]*)+/i;
/** Lead-ins that open any sentence ("it's fine", "this is useless", "I'm stuck"), not only a name. */
const sentenceLeadIn = new RegExp(String.raw`^(?:${greetings}[,!.]?\s+)*(?:i'm|i\s+am|im|it's|it\s+is|its|this\s+is)\s+$`, 'i');
const townLeadIns =
  /\b(?:live\s+in|living\s+in|based\s+in|located\s+in|lives\s+in|town\s+is|town:|in|at|near|nr|from|should\s+be|change\s+(?:it|the\s+town|town)\s+to|make\s+it)\s+(\p{Lu}[\p{L}'.-]*(?:[ -]\p{Lu}[\p{L}'.-]*){0,3})/u;
const trailingFillers = /[\s,.;:!?]*(?:\b(?:here|thanks|thank\s+you|cheers|please|pls|mate|thx|ta|speaking)\b[\s,.;:!?]*)*$/i;
/** "Aisha Rahman, not Aysha": the wrong spelling after the right one goes. */
const notThat =
  /[\s,;]+not\s+(?!(?:say|saying|tell|telling|give|giving|sure|now|yet|really|bothered|today)\b)[\p{L}'.-]+(?:\s+[\p{L}'.-]+)?\s*$/u;

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
    // Declining: "rather not", "prefer not to say"; the labels of a pasted list ("tel 07700 ...").
    'rather prefer private tel mob mobile cell email e-mail addr address',
    // Chat noise and placeholders typed instead of an answer: "lol", "hmm", "null", "n/a".
    'lol lmao lmfao rofl haha hahaha hehe heh hmm hmmm umm um erm err uh ugh meh wtf omg ffs fml xxx xx null undefined nan nil blah whatever nothing nobody anonymous nein nope nah',
  ]
    .join(' ')
    .split(' '),
);

/** Keyboard rows: "asdf" and "qwerty" are mashed keys, not names. */
const keyboardRows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function isKeyMash(word: string): boolean {
  const lower = word.toLowerCase();
  if (lower.length >= 4 && keyboardRows.some((row) => row.includes(lower))) return true;
  // A short chunk typed over and over: "sdfsdf", "asdasd", "jjjj"; one letter three times running: "hmmm", "xxx".
  return (/^(.{1,3})\1+$/.test(lower) && lower.length >= 4) || /(\p{L})\1\1/u.test(lower);
}

/** A title alone ("Mr", "Mrs."): the name that goes with it is still to come. */
const titles = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'madam', 'prof', 'rev']);
const onlyTitles = (parts: string[]) => parts.every((part) => titles.has(part.replace(/\.$/, '').toLowerCase()));
/** A web address or a domain ("www.example.com", "example.co.uk"): no name, town or product. */
export const webAddress = /:\/\/|\bwww\.|\p{L}{2,}\.(?:com|net|org|co|uk|io|ly|info|biz|me|app|dev|xyz)\b/iu;

const nameWord = /^\p{L}[\p{L}'.-]*$/u;
const maxNameWords = 5;

/** The text with a value's lead-in and trailing politeness removed. */
function cleaned(text: string, leadIn: RegExp): string {
  return text.trim().replace(leadIn, '').replace(trailingFillers, '').replace(notThat, '').replace(trailingFillers, '').trim();
}

/** Where a sentence's clauses part: commas, dashes, and "and"/"but" before a new detail ("mark evans and my email is ..."). */
const clauseBreaks =
  /[,;]|\s[-–—]\s|\s(?:and|but|&)\s+(?=(?:my|his|her|their|the|i|i'm|im|email|e-mail|number|mobile|phone|postcode|you|u|ring|call|text|contact)\b)/i;
/** "The customer is Bob Jennings", "her name is Jane": a name that is someone else's, which field staff and carers give. */
const someoneElsesLeadIn =
  /^(?:(?:the\s+)?(?:customer|cust|client|driver|owner)(?:'s|s)?\s+(?:(?:full\s+)?name\s+)?is\s+|(?:her|his|their)\s+(?:full\s+|real\s+|first\s+)?name\s+is\s+|(?:she|he)\s+is\s+called\s+|(?:she's|he's)\s+called\s+|(?:customer|cust|client)(?:\s+name)?\s*[:=-]\s*)/i;

/** The name one clause holds, and whether it was introduced ("my name is ...") rather than typed bare. */
function nameInClause(clause: string): { name: string; introduced: boolean; someoneElses: boolean } | undefined {
  // "this is useless", "im fine": after a lead-in that also opens sentences, one everyday word is no name.
  const trimmed = clause.trim().replace(openingInterjections, '');
  const leadIn = trimmed.match(nameLeadIns)?.[0];
  const candidate = cleaned(trimmed, nameLeadIns)
    .replace(/^(?:sorry|oops|oh|ok|okay|fine|alright|just)[,!.\s]+/i, '')
    .replace(/\s+/g, ' ');
  const parts = candidate.split(' ').filter(Boolean);
  if (parts.length === 0 || parts.length > maxNameWords) return undefined;
  if (!parts.every((part) => nameWord.test(part))) return undefined;
  if (!parts.some((part) => part.replace(/[^\p{L}]/gu, '').length >= 2)) return undefined;
  if (parts.some(isKeyMash) || onlyTitles(parts) || webAddress.test(candidate)) return undefined;
  // "John A. Doe", "Mr J Smith": a capital letter alone is an initial, not "a" or "i".
  const initials = new Set(parts.filter((part) => /^\p{Lu}\.?$/u.test(part)).map((part) => part[0].toLowerCase()));
  if (words(candidate).some((word) => notInNames.has(word) && !initials.has(word))) return undefined;
  if (leadIn && sentenceLeadIn.test(leadIn) && parts.length === 1 && !/^\p{Lu}/u.test(candidate) && isEnglishWord(candidate.toLowerCase()))
    return undefined;
  return { name: candidate, introduced: !!leadIn, someoneElses: someoneElsesLeadIn.test(trimmed) };
}

/**
 * A person's name, if the text is one or introduces one: letters only (hyphens, apostrophes,
 * initials), at most five words, none of them a word of a sentence or of the chat. Typed in any case.
 * In a sentence of several parts the name is the part that introduces one ("fine, just put Sam";
 * "I'm Alex from the field team, the customer is Bob Jennings": someone else's first when
 * `someoneElse`), else the first part that is one; a part repeating it in full completes it
 * ("it's dave, dave thompson").
 */
export function nameIn(text: string, options: { someoneElse?: boolean } = {}): string | undefined {
  return namePartIn(text, options)?.name;
}

/** A name the text introduces ("sorry, my name is Aisha", "ok, her name is Jane"), not one typed bare. */
export function introducedNameIn(text: string, options: { someoneElse?: boolean } = {}): string | undefined {
  const found = namePartIn(text, options);
  return found?.introduced ? found.name : undefined;
}

function namePartIn(text: string, options: { someoneElse?: boolean }): { name: string; introduced: boolean } | undefined {
  // "<b>Dana</b> **Okafor**": markup pasted or typed around a name is not part of it.
  // "Anne with an e", "it's S-A-R-A": how it is spelt is no part of the name.
  const plain = withoutSpellingNotes(text.replace(/<[^>]*>/g, ' ').replace(/[*_`~]+/g, ''));
  const withoutDetails = plain.replace(emailPattern, ' ').replace(phonePattern, ' ').trim().replace(openingInterjections, '');
  const clauses = withoutDetails.split(clauseBreaks).filter((clause) => clause && clause.trim());
  const found = clauses.map(nameInClause);
  const names = found.filter((name): name is NonNullable<typeof name> => !!name);
  const first = found[0];
  const chosen =
    (options.someoneElse ? names.find((name) => name.someoneElses) : undefined) ??
    // A bare part after the first is no name ("'; DROP TABLE tickets;--"): only an introduced one.
    (first && (first.introduced || !names.some((name) => name.introduced)) ? first : names.find((name) => name.introduced));
  if (!chosen) return undefined;
  // "it's dave, dave thompson": the fuller name that starts as this one did.
  const fuller = names.find(
    (name) =>
      name !== chosen && name.name.length > chosen.name.length && name.name.toLowerCase().startsWith(`${chosen.name.toLowerCase()} `),
  );
  return { name: (fuller ?? chosen).name, introduced: chosen.introduced };
}

/**
 * An email address written out for a person to read: "dave at gmail dot com", "jo.hill (at) example
 * . co . uk", "sam @ example.com". The user part is not a word of a sentence ("bought it at currys.co.uk").
 */
const spelledAt = String.raw`\s*(?:@|[([{<]\s*at\s*[)\]}>])\s*|\s+at\s+`;
const spelledDot = String.raw`\s*(?:\.|[([{<]\s*dot\s*[)\]}>])\s*|\s+dot\s+`;
const spelledLabel = String.raw`[\p{L}\p{N}_%+'-]+`;
const spelledEmail = new RegExp(
  `(${spelledLabel}(?:(?:${spelledDot})${spelledLabel})*)(?:${spelledAt})([\\p{L}\\p{N}-]+(?:(?:${spelledDot})[\\p{L}\\p{N}-]+)+)`,
  'giu',
);
const splitDots = new RegExp(spelledDot, 'giu');

function spelledEmailIn(text: string): string | undefined {
  for (const found of [...text.matchAll(spelledEmail)].reverse()) {
    const [, user, domain] = found;
    const userParts = user.split(splitDots);
    if (userParts.length === 1 && notInNames.has(user.toLowerCase())) continue;
    const labels = domain.split(splitDots);
    if (!/^\p{L}{2,}$/u.test(labels.at(-1) ?? '')) continue;
    const email = emailSchema.safeParse(`${userParts.join('.')}@${labels.join('.')}`);
    if (email.success) return email.data;
  }
  return undefined;
}

export function emailIn(given: string): string | undefined {
  const text = withoutTheWrongOne(given, emailPattern);
  for (const found of (text.match(emailPattern) ?? []).reverse()) {
    const email = emailSchema.safeParse(found.replace(/[.,;:]+$/, ''));
    if (email.success) return email.data;
  }
  return spelledEmailIn(text);
}

/**
 * A North American number written the American way, without its +1: "(415) 555-0199",
 * "202-555-0147", "1-800-555-0199". Only with its groups marked: ten bare digits may be a UK number.
 */
// The exchange may start 0 or 1 as typed ("(555) 010-4477"): the grouping says it is a number.
const northAmericanPattern = /(?:\b1[\s.-]?)?(?:\(([2-9]\d{2})\)\s*|\b([2-9]\d{2})[\s.-])(\d{3})[\s.-](\d{4})\b/g;

/** "LS6 4AP not LS1 4AP", "07700 900112 not 900111": what follows "not" is the wrong one. */
function withoutTheWrongOne(text: string, pattern: RegExp): string {
  const source = pattern.source;
  return text.replace(new RegExp(String.raw`\b(?:not|instead\s+of|rather\s+than)\s+(?:${source})`, pattern.flags), ' ');
}

/** Not "0000000000" or "07777777777": UK numbers start 1, 2, 3, 5, 7, 8 or 9 after the 0, and no number is one digit over and over. */
function dialable(phone: string): boolean {
  const digits = phone.slice(1);
  if (/^(\d)\1+$/.test(digits.slice(phone.startsWith('+44') ? 2 : 1))) return false;
  return !phone.startsWith('+44') || /^\+44[1235789]/.test(phone);
}

export function phoneIn(given: string): string | undefined {
  const text = withoutTheWrongOne(given, phonePattern);
  for (const found of (text.match(phonePattern) ?? []).reverse()) {
    const phone = normalisePhone(found);
    if (phone && dialable(phone)) return phone;
  }
  for (const found of [...text.matchAll(northAmericanPattern)].reverse()) {
    const [, bracketed, area, exchange, line] = found;
    const phone = normalisePhone(`+1${bracketed ?? area}${exchange}${line}`);
    if (phone) return phone;
  }
  return undefined;
}

export function postcodeIn(given: string): string | undefined {
  const text = withoutTheWrongOne(given, postcodePattern);
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
export const titleCase = (text: string | undefined) =>
  text?.replace(/(^|[ -])(\p{L})/gu, (_all, gap: string, letter: string) => gap + letter.toUpperCase());

/** The last word of a street's name: "High Street", "Mill Ln", "Main St." (not "St Albans", which opens with it). */
const streetTypes =
  'street|st|road|rd|avenue|ave|av|lane|ln|close|cl|drive|dr|way|crescent|cres|court|ct|grove|gardens|gdns|terrace|ter|terr|place|pl|square|sq|mews|row|hill|park|view|walk|rise|green|parade|boulevard|blvd|highway|hwy|circle|cir|parkway|pkwy|wynd|vale|chase|fold|gate|meadows|approach|broadway';
/** What may follow a street's type: "Park Rd", "Pennsylvania Ave NW", "High Street West". */
const directions = 'n|s|e|w|ne|nw|se|sw|north|south|east|west|upper|lower';
/** "12 High Street", "Flat 3, 45b Church Road", "123 Main St.": a house number and the street, at the start. */
const streetAtStart = new RegExp(
  String.raw`^(?:(?:flat|apartment|apt|unit|no\.?)\s*\w+\s*,?\s*)?\d+[a-z]?\s*,?\s+(?:[\p{L}'-]+\s+){0,3}?(?:${streetTypes})\b\.?(?:\s+(?:${streetTypes}|${directions})\b\.?)*`,
  'iu',
);
/** A house number at the start: the street follows, named some other way ("12 Acacia, ..."). */
const houseNumberAtStart = /^(?:(?:flat|apartment|apt|unit)\s*\w+\s*,?\s*)?\d+[a-z]?\b/i;
/** The US states' codes, as written before a ZIP code ("Springfield IL 62704"). */
const usStates = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(
    ' ',
  ),
);
const stateAndZip = /(?:[\s,]+([A-Za-z]{2}))?[\s,]+\d{5}(?:-\d{4})?\s*$/;
/** A county or country closing an address ("..., West Yorkshire", "..., UK"): not the town. */
const regionPart =
  /^(?:\p{L}+shire|(?:west|east|north|south|greater)\s+\p{L}+|county\s+\p{L}+|co\.?\s+\p{L}+|uk|u\.k\.|united kingdom|england|scotland|wales|northern ireland|usa|us|u\.s\.a?\.?|united states)$/iu;

/**
 * The town of an address given in one line ("12 High Street, Leeds", "12 high st leeds", "123 Main
 * St, Springfield IL 62704"): the place after the street. `null`: an address whose town is not
 * plain ("12 acacia leeds": the street's end is not known); undefined: no address.
 */
function townOfAddress(text: string): string | null | undefined {
  const zip = stateAndZip.exec(text);
  const state = zip?.[1];
  const withoutZip = zip && (!state || usStates.has(state.toUpperCase())) ? text.slice(0, zip.index) : text;
  const street = streetAtStart.exec(withoutZip);
  if (!street && !houseNumberAtStart.test(withoutZip)) return undefined;
  const rest = withoutZip.slice(street?.[0].length ?? 0);
  const parts = rest
    .split(/[,;\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  // "12 Acacia, Leeds": without the street's end, only a comma says where the street stops.
  const places = (street ? parts : parts.slice(1)).filter((part) => !/\d/.test(part) && !regionPart.test(part));
  const [place] = places;
  if (!place) return null;
  // "Springfield IL": the state's code goes with the ZIP code.
  const words = place.split(/\s+/);
  return words.length > 1 && usStates.has(words.at(-1)!) ? words.slice(0, -1).join(' ') : place;
}

export function townIn(text: string, alone: boolean): string | undefined {
  const withoutPostcode = text.replace(postcodePattern, ' ').replace(/\s+/g, ' ').trim().replace(openingInterjections, '');
  // "12 High Street, Leeds LS1 4AP": the town of the address, or none when it is not plain.
  const address = townOfAddress(
    withoutPostcode.replace(/^(?:(?:it's|its|it is|the address is|address is|address:|i live at|we live at|at)\s+)/i, ''),
  );
  if (address === null) return undefined;
  if (address) return validTown(address === address.toLowerCase() ? titleCase(address)! : address);
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
    const town = candidate && validTown(candidate);
    if (town) return town;
  }
  return undefined;
}

/** A town is letters, one to four words, none of them a word of a sentence. */
function validTown(candidate: string): string | undefined {
  const town = townSchema.safeParse(candidate);
  const parts = town.success ? town.data.split(/[ -]/) : [];
  return town.success &&
    parts.length <= 4 &&
    !words(town.data).some((word) => notInNames.has(word)) &&
    !parts.some(isKeyMash) &&
    !onlyTitles(parts) &&
    !webAddress.test(town.data)
    ? town.data
    : undefined;
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
  // Nothing is taken out of code ("'; DROP TABLE tickets; --"), whatever it holds.
  if (hasCode(text)) return details;
  const email = emailIn(text);
  const phone = phoneIn(text.replace(emailPattern, ' '));
  const postcode = postcodeIn(text.replace(emailPattern, ' '));
  const town = townIn(text.replace(emailPattern, ' ').replace(phonePattern, ' '), false);
  const name = introducedNameIn(text);
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
  if (parts.length === 0 || parts.length > 8 || /[?<>[\]{}]|:\/\//.test(candidate) || webAddress.test(candidate)) return undefined;
  // "1234", "-", "qwerty123": a model has letters, and not only mashed keys.
  if (!/\p{L}/u.test(candidate) || parts.some((part) => isKeyMash(part.replace(/\d+$/, '')))) return undefined;
  if (onlyTitles(parts) || words(candidate).some((word) => notInProducts.has(word))) return undefined;
  return candidate;
}
