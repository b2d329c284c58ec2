import type { Gazetteer } from './gazetteer';
import { PhraseMatcher, phrasesOf, type PhraseMatch } from './phraseMatcher';
import { clauseBreak, type AnalysedText } from './textAnalysis';
import { damageDetails, type ChargerType, type DamageDetail, type Entities, type IntentLabel, type Side } from './types';

type Named = { kind: 'make' | 'brand'; name: string };
type TopicCue = 'damage' | 'human' | 'power_cut' | 'cold_weather' | 'cable_stuck';

export interface RuleFindings {
  entities: Omit<Entities, 'mentions'>;
  /** Topic labels the message speaks of by rule, not negated (a stuck cable is named by its side). */
  topics: Set<IntentLabel>;
  /** Conversational labels whose everyday words the message uses ("cheerio": thanks); evidence for the classifier only. */
  conversation: Set<IntentLabel>;
  /**
   * Word positions inside a phrase that is not a hazard though a hazard word is in it ("bang on",
   * "having a smoke", the `without` phrases): the classifier does not see those words either.
   */
  idiomWords: ReadonlySet<number>;
}

/** Words before a side word that make it the place the cable is held: "stuck IN the car". */
const placePrepositions = new Set(['in', 'into', 'from', 'of', 'out', 'at', 'to', 'between']);
const ownerPrepositions = new Set(['on', 'of']);
/** How many words before a step a word of `stepNotDone` (intents/entities.yaml) makes it one not done yet. */
const notDoneYetReach = 5;
/** Words a reply may open with before what it says ("ok so, on it"). */
const openingFillers = new Set([
  'ok',
  'okay',
  'k',
  'kk',
  'right',
  'righto',
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'alright',
  'cool',
  'fine',
  'great',
  'thanks',
  'ta',
  'so',
  'and',
  'then',
  'now',
  'well',
  'oh',
  'ah',
  'sound',
  'cheers',
  'just',
]);
/** People who "came out" or "have come out" are a visit, not a cable coming free. */
const visitors = new Set([
  'engineer',
  'installer',
  'technician',
  'electrician',
  'someone',
  'somebody',
  'person',
  'anyone',
  'anybody',
  'man',
  'guy',
  'he',
  'she',
  'they',
]);
const determiners = new Set(['the', 'my', 'our', 'your', 'a', 'its', 'their', 'his', 'her', 'this', 'that']);

/** Rule- and gazetteer-based recognition of entities and topic cues; no model involved. */
export class EntityExtractor {
  private readonly names: PhraseMatcher<Named>;
  private readonly sides: PhraseMatcher<'car' | 'charger'>;
  private readonly cableWords: PhraseMatcher<true>;
  private readonly modifiers: PhraseMatcher<true>;
  private readonly chargerTypes: PhraseMatcher<ChargerType>;
  private readonly damageAny: PhraseMatcher<DamageDetail>;
  private readonly damageWith: Map<DamageDetail, PhraseMatcher<true>>;
  private readonly damageWithout: Map<DamageDetail, PhraseMatcher<true>>;
  private readonly stepsDone: PhraseMatcher<string>;
  private readonly attemptFailed: PhraseMatcher<true>;
  private readonly bothEnds: PhraseMatcher<true>;
  private readonly corrections: PhraseMatcher<true>;
  private readonly power: PhraseMatcher<'back' | 'off'>;
  private readonly cues: PhraseMatcher<TopicCue>;
  private readonly conversationWords: PhraseMatcher<IntentLabel>;
  private readonly freed: PhraseMatcher<true>;
  private readonly endFreed: PhraseMatcher<true>;
  private readonly notDoneYet: PhraseMatcher<true>;
  private readonly underWay: PhraseMatcher<true>;
  private readonly stepHelp: PhraseMatcher<true>;

  constructor(gazetteer: Gazetteer) {
    this.names = new PhraseMatcher([
      ...phrasesOf(gazetteer.vehicleMakes, (name): Named => ({ kind: 'make', name })),
      ...phrasesOf(gazetteer.chargerBrands, (name): Named => ({ kind: 'brand', name })),
    ]);
    this.sides = new PhraseMatcher(phrasesOf(gazetteer.side, (side) => side as 'car' | 'charger'));
    this.cableWords = new PhraseMatcher(gazetteer.cableWords.map((w): [string, true] => [w, true]));
    this.modifiers = new PhraseMatcher([
      ...gazetteer.cableWords.map((w): [string, true] => [w, true]),
      ['charger', true],
      ['charging', true],
    ]);
    this.chargerTypes = new PhraseMatcher(phrasesOf(gazetteer.chargerType, (type) => type as ChargerType));
    this.damageAny = new PhraseMatcher(
      damageDetails.flatMap((detail) => gazetteer.damage[detail].any.map((p): [string, DamageDetail] => [p, detail])),
    );
    this.damageWith = new Map(
      damageDetails.flatMap((detail) => {
        const required = gazetteer.damage[detail].with;
        return required ? [[detail, new PhraseMatcher(required.map((p): [string, true] => [p, true]))] as const] : [];
      }),
    );
    this.damageWithout = new Map(
      damageDetails.flatMap((detail) => {
        const excluded = gazetteer.damage[detail].without;
        return excluded ? [[detail, new PhraseMatcher(excluded.map((p): [string, true] => [p, true]))] as const] : [];
      }),
    );
    this.stepsDone = new PhraseMatcher(phrasesOf(gazetteer.stepsDone, (step) => step));
    this.attemptFailed = new PhraseMatcher(gazetteer.attemptFailed.map((p): [string, true] => [p, true]));
    this.bothEnds = new PhraseMatcher(gazetteer.bothEnds.map((p): [string, true] => [p, true]));
    this.corrections = new PhraseMatcher(gazetteer.corrections.map((p): [string, true] => [p, true]));
    this.power = new PhraseMatcher(phrasesOf(gazetteer.power, (state) => state as 'back' | 'off'));
    this.cues = new PhraseMatcher(phrasesOf(gazetteer.topicCues, (topic) => topic as TopicCue));
    this.conversationWords = new PhraseMatcher(phrasesOf(gazetteer.conversationWords, (label) => label as IntentLabel));
    this.freed = new PhraseMatcher(gazetteer.cableFreed.map((p): [string, true] => [p, true]));
    this.endFreed = new PhraseMatcher(gazetteer.endFreed.map((p): [string, true] => [p, true]));
    this.notDoneYet = new PhraseMatcher(Object.values(gazetteer.stepNotDone).flatMap((list) => list.map((p): [string, true] => [p, true])));
    this.underWay = new PhraseMatcher(gazetteer.underWay.map((p): [string, true] => [p, true]));
    this.stepHelp = new PhraseMatcher(gazetteer.stepNotDone.help.map((p): [string, true] => [p, true]));
  }

  extract(text: AnalysedText): RuleFindings {
    const entities: RuleFindings['entities'] = {};
    const names = this.names.matchLongest(text);
    const make = names.find((m) => m.value.kind === 'make');
    const brand = names.find((m) => m.value.kind === 'brand');
    if (make) entities.vehicleMake = make.value.name;
    if (brand) entities.chargerBrand = brand.value.name;

    const mentions = this.sideMentions(text, names);
    const stepMentions = this.stepsDone.matchAll(text);
    // "Locked it with the fob, then unlocked it": a step told of, not a cable that is locked.
    const inStep = (cue: PhraseMatch<TopicCue>) => stepMentions.some((step) => cue.start < step.end && step.start < cue.end);
    const freedCues = this.freed.matchAll(text).filter((m) => !m.negated && !visitors.has(text.words[m.start - 1] ?? ''));
    // "That released the plug": the past tense is news of a free cable, not the "release the plug" of a stuck one.
    const inFreed = (cue: PhraseMatch<TopicCue>) => freedCues.some((freed) => freed.start <= cue.start && cue.end <= freed.end);
    const stuckCues = this.cues.matchAll(text).filter((c) => c.value === 'cable_stuck' && !c.negated && !inStep(c) && !inFreed(c));
    const endCues = this.endFreed.matchAll(text).filter((m) => !m.negated);
    // "unplugged it from the car but it's stuck in the zappi": one end is free, the other is the stuck one.
    const failed = this.attemptFailed.occursIn(text);
    const stuckSaid = stuckCues.length > 0 || failed;
    // "Car end, the charger side came out": with the other end named, the free end says which is stuck.
    const endFree = freedEndOf(text, stuckSaid ? [...freedCues, ...endCues] : endCues, mentions);
    const otherNamed = !!endFree && mentions.some((m) => m.value !== endFree);
    const freedEnd = stuckSaid || otherNamed ? endFree : undefined;
    let side = this.sideOf(text, mentions, stuckCues);
    if (freedEnd) {
      entities.freedEnd = freedEnd;
      if (side === undefined || side === 'both' || side === freedEnd) side = freedEnd === 'car' ? 'charger' : 'car';
    }
    if (side) entities.side = side;
    const chargerType = this.chargerTypes.matchAll(text).find((m) => !m.negated);
    if (chargerType) entities.chargerType = chargerType.value;

    const idioms = this.idiomsOf(text);
    const damage = this.damageOf(text, idioms);
    if (damage.length > 0) entities.damage = damage;
    // "It won't come out, the release came free" is not news that the cable is out.
    // "The car end came out", nothing else said of the other end: the cable is out.
    if ((freedCues.length > 0 || endCues.length > 0) && !stuckSaid && !freedEnd) entities.cableFreed = true;
    if (stuckCues.length > 0 || failed) entities.stuck = true;
    if (this.corrections.occursIn(text)) entities.correction = true;
    // Steps in a sentence that asks ("can I just pull the emergency release?") are not done, nor
    // what is looked for or asked help with ("help me release the cable"): only in the step's clause.
    const notDoneWords = this.notDoneYet.matchAll(text);
    const notDoneYet = (m: PhraseMatch<string>) => {
      let from = m.start;
      while (from > Math.max(0, m.start - notDoneYetReach) && text.words[from - 1] !== clauseBreak) from--;
      return notDoneWords.some((word) => word.start >= from && word.end <= m.start);
    };
    const stepsDone = [...new Set(stepMentions.filter((m) => !m.negated && !text.asked[m.start] && !notDoneYet(m)).map((m) => m.value))];
    if (stepsDone.length > 0) entities.stepsDone = stepsDone;
    // "I haven't unlocked it": a step said earlier to be done is not.
    const stepsNotDone = [...new Set(stepMentions.filter((m) => m.negated).map((m) => m.value))].filter(
      (step) => !stepsDone.includes(step),
    );
    if (stepsNotDone.length > 0) entities.stepsNotDone = stepsNotDone;
    const power = this.powerOf(text);
    if (power) entities.power = power;
    if (this.underWayIn(text)) entities.underWay = true;
    // "Help me release it", "talk me through unlocking": the same words as keep a step from being done.
    if (this.stepHelp.matchAll(text).some((m) => !m.negated)) entities.helpWanted = true;

    const idiomWords = new Set([...idioms.values()].flat().flatMap((idiom) => range(idiom.start, idiom.end)));
    const topics = new Set<IntentLabel>();
    // Longest first, so "cold snap" is the cold and not a snapped part.
    for (const cue of this.cues.matchLongest(text)) {
      if (cue.negated) continue;
      // "Bang on", "having a smoke": the phrase is not the hazard its word names.
      if (cue.value === 'damage' && idiomWords.has(cue.start)) continue;
      // "What if it melts?" supposes damage, it does not report it.
      if (cue.value === 'damage' && supposed(text, cue.start)) continue;
      if (cue.value === 'cable_stuck')
        topics.add(side === 'car' ? 'stuck_in_car' : side === 'charger' ? 'stuck_in_charger' : 'cable_stuck');
      else topics.add(cue.value);
    }
    if (damage.length > 0) topics.add('damage');
    const conversation = new Set(
      this.conversationWords
        .matchLongest(text)
        .filter((m) => !m.negated)
        .map((m) => m.value),
    );
    return { entities, topics, conversation, idiomWords };
  }

  /**
   * "ok doing it now", "on it", "right, will do": a reply that opens (after an ok) by saying the step
   * is being done or about to be, in a clause that does not ask. Further in ("the button on it"), the
   * same words say something else.
   */
  private underWayIn(text: AnalysedText): boolean {
    let first = 0;
    while (first < text.words.length && (openingFillers.has(text.words[first]) || text.words[first] === clauseBreak)) first++;
    // "I will not be able to" is no step under way.
    const negatedAfter = (m: PhraseMatch<true>) => text.words[m.end] === 'not' || text.words[m.end] === 'never';
    return this.underWay.matchAll(text).some((m) => m.start === first && !m.negated && !negatedAfter(m) && !text.asked[m.start]);
  }

  /** The phrases of each detail that are not that detail though its word is in them ("having a smoke"). */
  private idiomsOf(text: AnalysedText): Map<DamageDetail, PhraseMatch<true>[]> {
    return new Map([...this.damageWithout].map(([detail, without]) => [detail, without.matchAll(text)]));
  }

  /** The car and charger words of a message, makes and brands included ("my Leaf" is the car). */
  private sideMentions(text: AnalysedText, names: PhraseMatch<Named>[]): SideMention[] {
    // "car charging point" is the charger and "charger cable" the cable, but "the car's charging point" is the car.
    const modifierEnds = new Set(this.modifiers.matchAll(text).map((m) => m.start));
    return [
      ...this.sides.matchLongest(text).filter((m) => !modifierEnds.has(m.end) || text.possessive[m.end - 1]),
      ...names.map((m) => ({ ...m, value: m.value.kind === 'make' ? ('car' as const) : ('charger' as const), isName: true })),
    ].sort((a, b) => a.start - b.start);
  }

  /**
   * Car, charger or both: "both ends" says both; after a correction ("the charger, no sorry, the
   * car") only what follows it counts; then places named after "in/from/of..." count first, then
   * any mention.
   */
  private sideOf(text: AnalysedText, named: SideMention[], stuckCues: PhraseMatch<TopicCue>[]): Side | undefined {
    if (this.bothEnds.occursIn(text)) return 'both';
    // "Stuck in the charger, not the car": the end said not to be it is not.
    const affirmed = named.filter((m) => !m.negated);
    const allMentions = affirmed.length > 0 ? affirmed : named;
    const correction = this.corrections.matchAll(text).at(-1);
    const corrected = correction ? allMentions.filter((m) => m.start >= correction.end) : [];
    const mentions = corrected.length > 0 ? corrected : allMentions;
    const cableStarts = new Set(this.cableWords.matchAll(text).map((m) => m.start));
    // "the car's socket" owns the socket; "the charger's cable" only owns the cable.
    const owners = mentions.filter((m) => (text.possessive[m.end - 1] && !cableStarts.has(m.end)) || ownsPrevious(text, m, mentions));
    const endWords = new Set(['end', 'side']);
    const placed = mentions.filter((m) => isPlace(text, m.start) || endWords.has(text.words[m.end]) || endWords.has(text.words[m.end - 1]));
    // "Stuck between my Leaf and the Zappi": what is joined on to a place is a place too.
    for (const m of mentions) {
      if (!placed.includes(m) && placed.some((at) => at.end <= m.start && joinedOn(text, at.end, joinPoint(text, m.start)))) placed.push(m);
    }
    // "i unplugged from the car but the other end is stuck in the charger": the end it is stuck in wins.
    const stuckEnds = new Set(stuckCues.map((c) => c.end));
    const stuckStarts = new Set(stuckCues.map((c) => c.start));
    // "stuck in the zappi", "the car end won't release", and what is joined on ("...and also in the car").
    const stuckIn = placed.filter(
      (m) => stuckEnds.has(placeWordStart(text, m.start)) || [m.end, m.end + 1, m.end + 2].some((at) => stuckStarts.has(at)),
    );
    for (const m of placed) {
      if (!stuckIn.includes(m) && stuckIn.some((held) => held.end <= m.start && joinedOn(text, held.end, joinPoint(text, m.start))))
        stuckIn.push(m);
    }
    const chosen = new Set(
      (owners.length > 0 ? owners : stuckIn.length > 0 ? stuckIn : placed.length > 0 ? placed : mentions).map((m) => m.value),
    );
    // "The car is at 100% and the charger says complete": both named, neither placed: which is stuck is not said.
    const onlyNamed = owners.length === 0 && stuckIn.length === 0 && placed.length === 0;
    if (chosen.size === 2) return onlyNamed ? undefined : 'both';
    return chosen.values().next().value;
  }

  private damageOf(text: AnalysedText, idioms: Map<DamageDetail, PhraseMatch<true>[]>): DamageDetail[] {
    // A word inside a phrase that is not the detail ("having a smoke", "sparked a row") does not
    // count, but the same detail said elsewhere in the message still does.
    const excepted = (m: PhraseMatch<DamageDetail>) => (idioms.get(m.value) ?? []).some((w) => w.start < m.end && m.start < w.end);
    // "The plug is not warm": a negation inside the phrase counts as much as one before it.
    const named = new Set(
      this.damageAny
        .matchAll(text)
        .filter((m) => !m.negated && !text.negated[m.end - 1] && !excepted(m) && !supposed(text, m.start))
        .map((m) => m.value),
    );
    return damageDetails.filter((detail) => named.has(detail) && (this.damageWith.get(detail)?.occursIn(text) ?? true));
  }

  /** The last thing said of the power wins; "the power isn't back" says it is still off. */
  private powerOf(text: AnalysedText): 'back' | 'off' | undefined {
    const said = this.power.matchAll(text).map((m) => (m.negated ? (m.value === 'back' ? 'off' : 'back') : m.value));
    return said.at(-1);
  }
}

/** Words that make what follows in their clause a supposition: "what if it starts smoking?", "in case it sparks". */
const supposing = new Set(['suppose', 'supposing', 'imagine', 'hypothetically', 'hypothetical', 'case']);
/** After "if", words of what has not happened: "if it ever", "if it starts", "if it were to". */
const notYet = new Set([
  'ever',
  'start',
  'starts',
  'begin',
  'begins',
  'were',
  'does',
  'should',
  'would',
  'happen',
  'happens',
  'gets',
  'goes',
  'turns',
  'becomes',
  'catches',
  'did',
]);
/** Modals and the future: "could it catch fire?", "am I going to get a shock?". */
const modals = new Set(['could', 'would', 'will', 'might', 'may', 'can', 'should', 'shall', 'going', 'gonna']);
const perceiving = new Set(['smell', 'see', 'hear', 'feel', 'notice', 'tell', 'sense', 'spot']);
const askingWords = new Set(['what', 'how', 'whats', 'hows']);
/** How far before a hazard word a modal makes it a possibility ("could it catch fire?"). */
const modalReach = 4;

/**
 * Whether the words from `index` are only supposed, not reported: "what if it starts smoking?", "in
 * case it sparks", "if it ever gets hot", "could it catch fire?", "will it melt?". A suspicion of
 * the present ("it might be overheating", "if it's smoking should I pull it?") is reported.
 */
function supposed(text: AnalysedText, index: number): boolean {
  let clauseStart = index;
  while (clauseStart > 0 && text.words[clauseStart - 1] !== clauseBreak) clauseStart--;
  const before = text.words.slice(clauseStart, index);
  if (before.some((word) => supposing.has(word))) return true;
  const ifAt = before.lastIndexOf('if');
  if (ifAt >= 0) {
    if (before.slice(0, ifAt).some((word) => askingWords.has(word))) return true;
    if (before.slice(ifAt + 1).some((word) => notYet.has(word))) return true;
  }
  const near = before.slice(-modalReach);
  const modalAt = near.findIndex((word) => modals.has(word));
  if (modalAt < 0) return false;
  const after = [...near.slice(modalAt + 1), text.words[index]];
  // "It will not come out and it's hot" states; "it could be overheating" suspects what is happening.
  // "I can smell burning", "I could see sparks": what is perceived is reported.
  return !after.some((word) => word === 'not' || word === 'be' || word === 'been' || perceiving.has(word));
}

/** How far a freed cue and the end it speaks of may be apart, within one clause. */
const freedEndReach = 6;

/**
 * The end a freed cue speaks of ("the car side is unplugged", "unplugged it from the car", "unlocked
 * the car and that end came out"): the nearest car or charger word in the same clause.
 */
function freedEndOf(text: AnalysedText, freedCues: PhraseMatch<true>[], mentions: SideMention[]): 'car' | 'charger' | undefined {
  const clauseOf = (index: number) => text.words.slice(0, index).filter((word) => word === clauseBreak).length;
  let best: { side: 'car' | 'charger'; distance: number } | undefined;
  for (const cue of freedCues) {
    for (const mention of mentions) {
      if (clauseOf(mention.start) !== clauseOf(cue.start)) continue;
      const distance = mention.start >= cue.end ? mention.start - cue.end : cue.start - mention.end;
      if (distance <= freedEndReach && (!best || distance < best.distance)) best = { side: mention.value, distance };
    }
  }
  return best?.side;
}

/**
 * "the charging point on my car", "the socket of the wallbox": a side named right after another
 * one with on/of owns it, so it is the end that holds the cable.
 */
function ownsPrevious(text: AnalysedText, mention: { start: number; value: string }, mentions: SideMention[]): boolean {
  let i = mention.start - 1;
  while (i >= 0 && determiners.has(text.words[i])) i--;
  if (i < 0 || !ownerPrepositions.has(text.words[i])) return false;
  // "the charging point on my car" is the car's; "my id3 on my pod point" is a car plugged into a charger.
  return mentions.some((other) => other.end === i && other.value !== mention.value && !other.isName);
}

/** Where a side word's phrase starts: its preposition, or its determiners ("...and the Zappi"). */
function joinPoint(text: AnalysedText, start: number): number {
  const preposition = placeWordStart(text, start);
  if (preposition >= 0) return preposition;
  let at = start;
  while (at - 1 >= 0 && determiners.has(text.words[at - 1])) at--;
  return at;
}

/** A car or charger word; `isName` for a make or brand. */
type SideMention = PhraseMatch<'car' | 'charger'> & { isName?: boolean };

const joiningWords = new Set(['and', 'also', 'both', 'as', 'well', 'plus', clauseBreak]);

/**
 * Whether only joining words ("and also", ", and") stand between `from` and `to`; a comma or a full
 * stop alone joins nothing: "stuck in the car, the ohme app says finished".
 */
function joinedOn(text: AnalysedText, from: number, to: number): boolean {
  if (to < from) return false;
  const between = text.words.slice(from, to);
  return between.some((word) => word !== clauseBreak) && between.every((word) => joiningWords.has(word));
}

/** Where the preposition before a side word starts ("stuck| in the car"), or -1 without one. */
function placeWordStart(text: AnalysedText, start: number): number {
  let i = start - 1;
  while (i >= 0 && determiners.has(text.words[i])) i--;
  return i >= 0 && placePrepositions.has(text.words[i]) ? i : -1;
}

function isPlace(text: AnalysedText, start: number): boolean {
  return placeWordStart(text, start) >= 0;
}

/** The numbers from `start` up to, not including, `end`. */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
