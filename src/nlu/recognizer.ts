import { decide, type Thresholds } from './decision';
import type { EntityExtractor, RuleFindings } from './entityExtraction';
import { featuresOf } from './features';
import type { IntentScorer } from './intentScorer';
import { analyse, type SpellingCorrector } from './textAnalysis';
import type { Entities, RankedIntent, Recognition, Recognizer } from './types';

/** Longer messages are cut here: nobody types more, and recognition time stays bounded. */
const maxMessageLength = 2000;

export interface RecognizerParts {
  speller: SpellingCorrector;
  extractor: EntityExtractor;
  scorer: IntentScorer;
  thresholds: Thresholds;
}

export interface Inspection {
  ranking: RankedIntent[] | undefined;
  findings: RuleFindings;
}

/** Text in, label + confidence + ranking + entities out; knows nothing of Bot Framework. */
export class IntentRecognizer implements Recognizer {
  constructor(private readonly parts: RecognizerParts) {}

  recognize(text: string): Recognition {
    const { ranking, findings } = this.inspect(text);
    return decide(ranking, findings, this.parts.thresholds);
  }

  entitiesOf(text: string): Entities {
    return this.parts.extractor.extract(this.analysed(text)).entities;
  }

  /** The classifier's ranking and the rule findings before thresholds and priority are applied. */
  inspect(text: string): Inspection {
    const analysed = this.analysed(text);
    const findings = this.parts.extractor.extract(analysed);
    const ranking = this.parts.scorer.rank(featuresOf(analysed, findings));
    return { ranking, findings };
  }

  private analysed(text: string) {
    return analyse(typeof text === 'string' ? text.slice(0, maxMessageLength) : '', this.parts.speller);
  }
}
