import type { RuleFindings } from './entityExtraction';
import { clauseBreak, type AnalysedText } from './textAnalysis';

/** Words too common to tell labels apart; "in", "out", "not", "will" (won't) and "no" stay. */
const stopwords = new Set(['a', 'an', 'the', 'my', 'our', 'your', 'its', 'it', 'i', 'me', 'is', 'am', 'are', 'was', 'were', 'be', 'been', 'this', 'that', 'these', 'those', 'of', 'to', 'and', 'or', 'so', 'just', 'really', 'very', 'has', 'have', 'had', 'us', 'we', 'you']);

/**
 * The classifier's view of a message: stems, a `not_` mark on negated topic words ("no power cut"
 * gives `not_power not_cut`, unlike "power cut"), adjacent-stem bigrams, and placeholders for a
 * named car make or charger brand, so brands the examples never used still count.
 */
export function featuresOf(text: AnalysedText, findings: RuleFindings, negatable: ReadonlySet<string>): string[] {
  const features = new Set<string>();
  let previous: string | undefined;
  text.stems.forEach((stem, i) => {
    if (stem === clauseBreak) {
      previous = undefined;
      return;
    }
    if (stopwords.has(text.words[i])) return;
    const feature = text.negated[i] && negatable.has(stem) ? `not_${stem}` : stem;
    features.add(feature);
    if (previous) features.add(`${previous}_${feature}`);
    previous = feature;
  });
  if (findings.entities.vehicleMake) features.add('#make');
  if (findings.entities.chargerBrand) features.add('#brand');
  return [...features];
}
