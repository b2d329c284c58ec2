import type { RuleFindings } from './entityExtraction';
import { clauseBreak, type AnalysedText } from './textAnalysis';

/** Words too common to tell labels apart; "in", "out", "not", "will" (won't) and "no" stay. */
const stopwords = new Set([
  'a',
  'an',
  'the',
  'my',
  'our',
  'your',
  'its',
  'it',
  'i',
  'me',
  'is',
  'am',
  'are',
  'was',
  'were',
  'be',
  'been',
  'this',
  'that',
  'these',
  'those',
  'of',
  'to',
  'and',
  'or',
  'so',
  'just',
  'really',
  'very',
  'has',
  'have',
  'had',
  'us',
  'we',
  'you',
]);

/**
 * Context features (the length, a named make or brand) add to what known words say, but alone they
 * are no evidence: "the" or "asdfgh" stays unknown.
 */
export const isContextFeature = (feature: string): boolean => feature.startsWith('#');

const questionWords = new Set([
  'what',
  'how',
  'who',
  'where',
  'when',
  'which',
  'why',
  'can',
  'could',
  'are',
  'is',
  'do',
  'does',
  'will',
  'would',
]);
const assistantWords = new Set([
  'you',
  'your',
  'yourself',
  'u',
  'bot',
  'this',
  'chatbot',
  'assistant',
  'ai',
  'robot',
  'computer',
  'machine',
  'chat',
  'service',
]);

/**
 * A question about the assistant ("what can you do") is help, one about the world ("what's the
 * population of london") out of scope: both start with "what", so the word alone cannot tell them apart.
 */
function questionFeature(words: string[]): string | undefined {
  if (!questionWords.has(words[0])) return undefined;
  return words.some((w) => assistantWords.has(w)) ? '#question_assistant' : '#question_other';
}

/** Messages up to this many words get first-two-letter features (3 beat 2, and 3 letters, by cross-validation). */
const shortMessage = 3;
const maxSlangLength = 4;

/** Messages this long or longer share one length feature (4 beat 3, 5 and 8 by cross-validation). */
const longLength = 4;

/**
 * The classifier's view of a message: stems, a `not_` mark on every negated word ("no power cut"
 * gives `not_power not_cut`, "didn't work" `not_work`, unlike "it worked"), adjacent-stem bigrams,
 * the first and last word of the message, its length, the conversational labels whose everyday words it uses
 * (`intents/entities.yaml`), and placeholders for a named car make or charger brand,
 * so brands the examples never used still count.
 */
export function featuresOf(text: AnalysedText, findings: RuleFindings): string[] {
  const features = new Set<string>();
  let previous: string | undefined;
  let contentWords = 0;
  text.stems.forEach((stem, i) => {
    if (stem === clauseBreak) {
      previous = undefined;
      return;
    }
    if (stopwords.has(text.words[i]) || findings.idiomWords.has(i)) return;
    const feature = text.negated[i] ? `not_${stem}` : stem;
    contentWords++;
    features.add(feature);
    if (previous) features.add(`${previous}_${feature}`);
    previous = feature;
  });
  // First and last word marks: short answers ("help", "it worked") are told apart by where words sit.
  const words = text.stems.filter((s) => s !== clauseBreak);
  if (words.length > 0) features.add(`^${words[0]}`).add(`${words[words.length - 1]}$`);
  // Length 1, 2, 3 or more: answers and greetings are short, stuck cables and other topics long.
  // Only for messages with a content word: "the" alone says nothing.
  if (contentWords > 0) features.add(`#length${Math.min(words.length, longLength)}`);
  // Short answers are often one-off spellings of short words ("yas", "thx", "nah"): their first letters
  // still carry the label. Longer words are not slang, and keyboard mash ("asdfgh") must stay unknown.
  if (words.length <= shortMessage)
    for (const word of text.words)
      if (word !== clauseBreak && word.length <= maxSlangLength && !stopwords.has(word)) features.add(`~${word.slice(0, 2)}`);
  const question = questionFeature(text.words);
  if (question && contentWords > 0) features.add(question);
  // Known everyday words of a short answer ("ciao", "mhm"): one-off spellings still find their label.
  for (const label of findings.conversation) features.add(`=${label}`);
  if (findings.entities.vehicleMake) features.add('#make');
  if (findings.entities.chargerBrand) features.add('#brand');
  return [...features];
}
