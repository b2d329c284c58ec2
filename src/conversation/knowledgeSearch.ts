import path from 'node:path';
import type { Knowledge, KnowledgeItem } from '../content/knowledge';
import { isEnglishWord } from '../nlu/englishWords';
import { analyse, clauseBreak, SpellingCorrector, stem, tokenize } from '../nlu/textAnalysis';
import { exampleFolders, examplesFileSchema } from '../nlu/trainingData';
import { contentDirs } from '../paths';
import { loadYamlFile, yamlFilesIn } from '../yamlFiles';

export interface SearchHit {
  item: KnowledgeItem;
  /** How well the item answers the question, 0..1 (at least `minScore`). */
  coverage: number;
}

/** Words a driver puts before a question ("sorry, what's a solenoid", "ok but where is it"). */
const interjections = [
  'sorry',
  'ok',
  'okay',
  'fine',
  'so',
  'but',
  'and',
  'well',
  'right',
  'hi',
  'hello',
  'hey',
  'thanks',
  'oh',
  'also',
  'then',
  'seriously',
];
/** Dropped before matching: they say nothing about what is asked ("sorry, can I just ... please"). */
const fillerWords = new Set([
  ...interjections,
  'a',
  'an',
  'the',
  'i',
  'me',
  'my',
  'myself',
  'it',
  'its',
  'this',
  'that',
  'is',
  'am',
  'are',
  'be',
  'of',
  'to',
  'or',
  'just',
  'really',
  'even',
  'actually',
  'basically',
  'anyway',
  'u',
  'you',
  'your',
  'please',
  'some',
  'bit',
  'mate',
  'all',
]);
/** Which kind of question it is ("where" is not "why"): they count, but a match on them alone is no answer. */
const questionWords = new Set(['what', 'how', 'why', 'where', 'when', 'which', 'who']);
/**
 * Stems of how a question is put ("can I", "what if", "is it ok to get"): common to many items'
 * phrasings, so they count for little, and a match on them alone is no answer.
 */
const frameStems = new Set([
  'can',
  'could',
  'should',
  'shall',
  'would',
  'will',
  'must',
  'might',
  'may',
  'do',
  'doe',
  'did',
  'have',
  'ha',
  'had',
  'get',
  'go',
  'need',
  'want',
  'alright',
  'if',
  'there',
  'ani',
  'anyth',
  'someth',
  'thing',
  'now',
  'in',
  'on',
  'at',
  'for',
  'with',
  'out',
  'up',
  'off',
  'about',
  'from',
  'by',
  'we',
  'try',
  'happen',
  'mean',
  'know',
  'think',
  'tell',
  'like',
  'best',
  'wai',
]);
const frameWeight = 0.4;
/** A word the knowledge and the examples never use weighs this share of the rarest word's weight: in a chatty question it is often filler. */
const unknownWeight = 0.3;
/**
 * A clause that asks something is also matched on its own ("can both ends lock at once or is it
 * only ever one"), and so are the words from a question word on ("while i wait is it ok to pull it
 * hard"), if at least `minQuestionLength` words long. A clause that asks nothing ("it's just
 * stuck") answers nothing on its own.
 */
const conjunctions = new Set(['or', 'but', 'and', 'because', 'cause', 'though', 'although', 'so']);
const questionOpeners = new Set([
  'can',
  'could',
  'should',
  'is',
  'are',
  'do',
  'does',
  'will',
  'would',
  'what',
  'how',
  'why',
  'where',
  'when',
  'which',
  'any',
  'anything',
]);
const minQuestionLength = 4;
/** A part of the message answers only if clearly better than the whole: "we had a power cut, how do I get it out" is about the power cut. */
const partOfMessageFactor = 0.8;
/** Only the end of a very long message is read (where the question usually is), so a search stays quick. */
const maxWords = 60;
/** Corrections are remembered (a few map reads instead of a speller search), up to this many words. */
const maxCachedCorrections = 10_000;

/** Below this score an item does not answer the question (chosen on the tuning part of the test table). */
const minScore = 0.5;
/** Share of the score from how much of the question the whole item (title, askedAs, text) covers. */
const itemShare = 0.2;
/** An item must cover at least this share of the question's topic words (not its question words). */
const minTopicCoverage = 0.5;

interface Phrasing {
  /** Index of the item it asks for; -1 for a question the knowledge does not answer. */
  item: number;
  terms: readonly string[];
  mass: number;
}

const offTopic = -1;

/**
 * Finds the knowledge item that answers a driver's free question ("can I use a screwdriver?"), or
 * nothing when none does ("how much is a new charger?").
 *
 * Every item is asked in several ways: its title and its `askedAs` questions. A question is compared
 * with each of those phrasings over stemmed words: the project's tokenizer, misspellings of the
 * knowledge's words corrected (real English words left alone), synonyms read as one word
 * (knowledge/synonyms.yaml). Each word weighs by how rare it is among all phrasings and texts (IDF):
 * "isolator" counts for more than "charger", "where" and "can" for little. The match is the F-measure
 * of the weight the question and a phrasing share, a little raised when the item's text covers the
 * rest of the question. The examples the recognizer learns as out of scope are phrasings too, of no
 * item: a question closer to one of them than to any item finds nothing. Each clause of a long
 * message, and the question at its end, are also tried on their own, so chat around the question
 * doesn't drown it.
 */
export class KnowledgeSearch {
  private readonly items: readonly KnowledgeItem[];
  private readonly phrasings: Phrasing[] = [];
  /** Every term of each item: title, askedAs and text. */
  private readonly itemTerms: Array<ReadonlySet<string>> = [];
  /** Which phrasings use each term. */
  private readonly postings = new Map<string, number[]>();
  private readonly weights = new Map<string, number>();
  private readonly unknownTermWeight: number;
  private readonly speller: SpellingCorrector;
  private readonly vocabulary: ReadonlySet<string>;
  /** Synonym phrases by their first stem, longest first, with the stems of their group's first word. */
  private readonly synonyms = new Map<string, Array<{ stems: string[]; canonical: string[] }>>();
  private readonly corrections = new Map<string, string>();
  /** Reused by every search (they never overlap): shared weight per phrasing, which were touched, best per item. */
  private readonly scratch: { shared: Float64Array; touched: Int32Array; bestPhrasing: Float64Array };

  constructor(knowledge: Knowledge, offTopicQuestions: readonly string[] = outOfScopeExamples()) {
    this.items = knowledge.items;
    const frequencies = new Map<string, number>();
    for (const item of this.items) {
      for (const text of [item.title, ...item.askedAs, item.text]) {
        for (const word of wordsOf(text)) frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
      }
    }
    for (const word of knowledge.synonyms.flat().flatMap(wordsOf)) frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
    this.speller = new SpellingCorrector(frequencies);
    this.vocabulary = new Set(frequencies.keys());
    for (const group of knowledge.synonyms) {
      const canonical = wordsOf(group[0]).map(stem);
      for (const phrase of group) {
        const stems = wordsOf(phrase).map(stem);
        const list = this.synonyms.get(stems[0]) ?? [];
        list.push({ stems, canonical });
        list.sort((a, b) => b.stems.length - a.stems.length);
        this.synonyms.set(stems[0], list);
      }
    }

    const documents: Array<ReadonlySet<string>> = [];
    this.items.forEach((item, index) => {
      const all = new Set<string>();
      // The safety instruction goes with a handoff, never as an answer: hazards are read before any question.
      for (const text of item.kind === 'safety' ? [] : [item.title, ...item.askedAs]) {
        const terms = this.termsOf(wordsOf(text));
        this.phrasings.push({ item: index, terms: [...terms], mass: 0 });
        documents.push(terms);
        terms.forEach((term) => all.add(term));
      }
      const textTerms = this.termsOf(wordsOf(item.text));
      documents.push(textTerms);
      textTerms.forEach((term) => all.add(term));
      this.itemTerms.push(all);
    });
    for (const text of offTopicQuestions) {
      const terms = this.termsOf(wordsOf(text));
      this.phrasings.push({ item: offTopic, terms: [...terms], mass: 0 });
      documents.push(terms);
    }

    const documentFrequency = new Map<string, number>();
    for (const terms of documents) for (const term of terms) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    const n = documents.length;
    for (const [term, count] of documentFrequency)
      this.weights.set(term, Math.log(1 + n / count) * (frameStems.has(term) ? frameWeight : 1));
    this.unknownTermWeight = Math.log(1 + n) * unknownWeight;
    this.scratch = {
      shared: new Float64Array(this.phrasings.length),
      touched: new Int32Array(this.phrasings.length),
      bestPhrasing: new Float64Array(this.items.length),
    };
    this.phrasings.forEach((phrasing, index) => {
      phrasing.mass = phrasing.terms.reduce((sum, term) => sum + this.weightOf(term), 0);
      for (const term of phrasing.terms) {
        const list = this.postings.get(term);
        if (list) list.push(index);
        else this.postings.set(term, [index]);
      }
    });
  }

  find(question: string): SearchHit | undefined {
    // A dash between words ends a clause too: "ended the session already - is it safe to pull it hard?"
    const tokens = tokensOf(question.replace(/\s[-\u2013\u2014]+\s/g, ', '))
      .slice(-maxWords)
      .map((token) => (token === clauseBreak ? token : this.corrected(token)));
    const clauses: string[][] = [[]];
    for (const token of tokens) {
      if (token === clauseBreak || conjunctions.has(token)) clauses.push([]);
      else clauses[clauses.length - 1].push(token);
    }
    const whole = tokens.filter((token) => token !== clauseBreak);
    const parts = clauses.length > 1 ? clauses.filter(asks) : [];
    for (let start = 1; start + minQuestionLength <= whole.length; start++)
      if (questionOpeners.has(whole[start])) parts.push(whole.slice(start));
    let best = this.bestItemFor(this.termsOf(whole));
    for (const part of parts) {
      const scored = this.bestItemFor(this.termsOf(part));
      if (scored && (!best || scored.score * partOfMessageFactor > best.score))
        best = { index: scored.index, score: scored.score * partOfMessageFactor };
    }
    // "Where do I stop it in the car? There's no button on the charger": the sentence with the
    // question mark is the question, the rest is what the driver sees; it wins unless clearly worse.
    const asked = (question.match(/[^.!?]*\?/g) ?? []).join(' ');
    if (asked.trim() && asked.trim().length < question.trim().length) {
      const scored = this.bestItemFor(this.termsOf(wordsOf(asked).map((word) => this.corrected(word))));
      if (scored && scored.score >= minScore && (!best || scored.score > best.score * partOfMessageFactor)) best = scored;
    }
    return best && best.score >= minScore ? { item: this.items[best.index], coverage: best.score } : undefined;
  }

  private bestItemFor(terms: ReadonlySet<string>): { index: number; score: number } | undefined {
    let total = 0;
    let topicTotal = 0;
    const { shared, touched, bestPhrasing } = this.scratch;
    let touchedCount = 0;
    for (const term of terms) {
      const weight = this.weightOf(term);
      total += weight;
      if (isTopicTerm(term)) topicTotal += weight;
      for (const phrasing of this.postings.get(term) ?? []) {
        if (shared[phrasing] === 0) touched[touchedCount++] = phrasing;
        shared[phrasing] += weight;
      }
    }

    bestPhrasing.fill(0);
    let bestOffTopic = 0;
    for (let t = 0; t < touchedCount; t++) {
      const index = touched[t];
      const common = shared[index];
      shared[index] = 0;
      const phrasing = this.phrasings[index];
      const recall = common / total;
      const precision = common / phrasing.mass;
      const f = (2 * precision * recall) / (precision + recall);
      if (phrasing.item === offTopic) bestOffTopic = Math.max(bestOffTopic, f);
      else if (f > bestPhrasing[phrasing.item]) bestPhrasing[phrasing.item] = f;
    }
    if (topicTotal === 0) return undefined;

    let best: { index: number; score: number } | undefined;
    bestPhrasing.forEach((f, index) => {
      if (f === 0 || f < bestOffTopic) return;
      let covered = 0;
      let topicCovered = 0;
      for (const term of terms) {
        if (!this.itemTerms[index].has(term)) continue;
        covered += this.weightOf(term);
        if (isTopicTerm(term)) topicCovered += this.weightOf(term);
      }
      if (topicCovered / topicTotal < minTopicCoverage) return;
      const score = (1 - itemShare) * f + itemShare * (covered / total);
      if (!best || score > best.score) best = { index, score };
    });
    return best;
  }

  /** The word, or the knowledge word it misspells; a real English word is never changed. */
  private corrected(word: string): string {
    if (this.vocabulary.has(word)) return word;
    let corrected = this.corrections.get(word);
    if (corrected === undefined) {
      corrected = isEnglishWord(word) ? word : this.speller.correct(word);
      if (this.corrections.size < maxCachedCorrections) this.corrections.set(word, corrected);
    }
    return corrected;
  }

  private weightOf(term: string): number {
    return this.weights.get(term) ?? this.unknownTermWeight;
  }

  /**
   * Stems of the words that carry meaning, each synonym read as its group's first word, a negated
   * one marked (`not_get`: "I can't get it out" is not "how do I get it out").
   */
  private termsOf(words: readonly string[]): Set<string> {
    const analysed = analyse(words.join(' '));
    const { stems, negated } = analysed;
    const terms = new Set<string>();
    const add = (term: string, i: number) => terms.add(negated[i] && isTopicTerm(term) ? `not_${term}` : term);
    for (let i = 0; i < stems.length;) {
      const synonym = this.synonyms.get(stems[i])?.find((phrase) => phrase.stems.every((s, k) => stems[i + k] === s));
      if (synonym) {
        synonym.canonical.forEach((term) => add(term, i));
        i += synonym.stems.length;
      } else {
        if (!fillerWords.has(analysed.words[i])) add(stems[i], i);
        i += 1;
      }
    }
    return terms;
  }
}

/** Whether words open like a question ("sorry, what's a solenoid"). */
function asks(words: readonly string[]): boolean {
  const first = words.find((word) => !interjections.includes(word));
  return first !== undefined && questionOpeners.has(first);
}

function isTopicTerm(term: string): boolean {
  return !frameStems.has(term) && !questionWords.has(term);
}

/** Words and clause breaks of a text, "WD-40" written as one word like "wd40". */
function tokensOf(text: string): string[] {
  return tokenize(text.replace(/([a-z])-(\d)/gi, '$1$2'));
}

function wordsOf(text: string): string[] {
  return tokensOf(text).filter((word) => word !== clauseBreak);
}

/**
 * What the assistant does not answer: our own examples labelled out_of_scope (near the topic: apps,
 * prices, charging speed). The general-English ones from CLINC150 are far from any question here.
 */
function outOfScopeExamples(intentsDir = contentDirs.intents): string[] {
  return exampleFolders
    .filter((folder) => folder === 'examples')
    .flatMap((folder) => yamlFilesIn(path.join(intentsDir, folder)))
    .map((file) => loadYamlFile(file, examplesFileSchema))
    .filter((file) => file.intent === 'out_of_scope')
    .flatMap((file) => file.examples);
}
