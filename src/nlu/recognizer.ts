import { hasCode, withoutCode } from './codeInText';
import { decide, type Thresholds } from './decision';
import type { EntityExtractor, RuleFindings } from './entityExtraction';
import { featuresOf } from './features';
import type { IntentScorer } from './intentScorer';
import { type ReplyContext, type ReplyReader, replyFeatures } from './replyModel';
import { analyse, type SpellingCorrector } from './textAnalysis';
import type { Entities, IntentLabel, RankedIntent, Recognition, Recognizer } from './types';

/** Longer messages are cut here: nobody types more, and recognition time stays bounded. */
const maxMessageLength = 2000;

export interface RecognizerParts {
  speller: SpellingCorrector;
  extractor: EntityExtractor;
  scorer: IntentScorer<IntentLabel>;
  thresholds: Thresholds;
  /** The second model: what a reply to a step's question says. */
  replies?: ReplyReader;
}

export interface Inspection {
  ranking: RankedIntent[] | undefined;
  findings: RuleFindings;
}

/** Text in, label + confidence + ranking + entities out; knows nothing of Bot Framework. */
export class IntentRecognizer implements Recognizer {
  constructor(private readonly parts: RecognizerParts) {}

  recognize(text: string, context?: ReplyContext): Recognition {
    const { ranking, findings, features } = this.inspect(text);
    const recognition = decide(ranking, findings, this.parts.thresholds);
    if (context && this.parts.replies) recognition.reply = this.parts.replies.read(replyFeatures(features, context));
    // Looked for once here: the stages ask the flag, not the text again.
    if (typeof text === 'string' && hasCode(text.slice(0, maxMessageLength))) recognition.code = true;
    return recognition;
  }

  entitiesOf(text: string): Entities {
    return this.parts.extractor.extract(this.analysed(text)).entities;
  }

  /** The classifier's ranking and the rule findings before thresholds and priority are applied. */
  inspect(text: string): Inspection & { features: string[] } {
    const analysed = this.analysed(text);
    const findings = this.parts.extractor.extract(analysed);
    const features = featuresOf(analysed, findings);
    return { ranking: this.parts.scorer.rank(features), findings, features };
  }

  /** Code in a message ("'; DROP TABLE tickets; --") is no words of the driver: neither an intent nor an entity. */
  private analysed(text: string) {
    return analyse(typeof text === 'string' ? withoutCode(text.slice(0, maxMessageLength)) : '', this.parts.speller);
  }
}
