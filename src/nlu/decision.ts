import type { RuleFindings } from './entityExtraction';
import type { IntentLabel, RankedIntent, Recognition } from './types';

/** The order of `intent-labels.md`: the first label that fits a message wins. */
export const priorityOrder: readonly IntentLabel[] = [
  'damage',
  'human',
  'power_cut',
  'cold_weather',
  'stuck_in_car',
  'stuck_in_charger',
  'cable_stuck',
  'affirm',
  'deny',
  'cancel',
  'help',
  'thanks',
  'greeting',
  'out_of_scope',
];
const topicLabels: ReadonlySet<IntentLabel> = new Set(priorityOrder.slice(0, 7));
const stuckLabels: ReadonlySet<IntentLabel> = new Set<IntentLabel>(['stuck_in_car', 'stuck_in_charger', 'cable_stuck']);
const conversationalLabels: ReadonlySet<IntentLabel> = new Set<IntentLabel>(['affirm', 'deny', 'cancel', 'help', 'thanks', 'greeting']);
/** Topics a rule may raise over the classifier's choice: they outrank everything a stuck cable says. */
const overridingTopics: ReadonlySet<IntentLabel> = new Set<IntentLabel>(['damage', 'human', 'power_cut', 'cold_weather']);

/**
 * Topics the classifier may only give when a rule found their cue: word overlap alone ("the cable
 * is jammed in the port") made a stuck cable look like the cold, and a stuck cable never says
 * "power cut" or "frost" without naming it; "pushed it in and pulled, nada" is not damage.
 */
const cueRequired: ReadonlySet<IntentLabel> = new Set<IntentLabel>(['power_cut', 'cold_weather', 'damage']);

/** Drops cue-required topics the rules did not find and renormalises the rest of the ranking. */
function withoutUncuedTopics(ranking: RankedIntent[], findings: RuleFindings): RankedIntent[] {
  const kept = ranking.filter((r) => !cueRequired.has(r.intent) || findings.topics.has(r.intent));
  const total = kept.reduce((sum, r) => sum + r.confidence, 0);
  return total > 0 ? kept.map((r) => ({ intent: r.intent, confidence: r.confidence / total })) : ranking;
}

/**
 * Out-of-scope confidence from which a found power-cut, cold or stuck-cable cue no longer outranks it
 * ("the mcb tripped" is a power cut, "it's stuck in the charger and I need it for work" a stuck cable);
 * damage and person cues ("an error", "an engineer") also occur in other topics.
 */
const sureOutOfScope = 0.75;

export interface Thresholds {
  /** Below this top confidence the answer is `none`. */
  minConfidence: number;
  /** When the top two are closer than this, the answer is `none`. */
  minMargin: number;
}

/** The stuck end is the rules' call: "stuck in the car" names the car, a bare "cable stuck" neither. */
function stuckLabelFor(findings: RuleFindings, classified: IntentLabel): IntentLabel {
  switch (findings.entities.side) {
    case 'car':
      return 'stuck_in_car';
    case 'charger':
      return 'stuck_in_charger';
    case 'both':
      return classified;
    default:
      return 'cable_stuck';
  }
}

const rankOf = (label: IntentLabel): number => priorityOrder.indexOf(label);

/**
 * Combines the classifier's ranking with the rule findings: thresholds give `none`, then the
 * priority rule lets a rule-found topic (damage, a person, a power cut, the cold) outrank the
 * classifier's label unless the classifier is sure the message is out of scope. Every other topic
 * the message names is kept in `mentions`.
 */
export function decide(classifierRanking: RankedIntent[] | undefined, findings: RuleFindings, thresholds: Thresholds): Recognition {
  const ranking = classifierRanking && withoutUncuedTopics(classifierRanking, findings);
  const top = ranking?.[0];
  const runnerUp = ranking?.[1];
  const confident =
    !!top && top.confidence >= thresholds.minConfidence && top.confidence - (runnerUp?.confidence ?? 0) >= thresholds.minMargin;
  const classified: IntentLabel | 'none' = confident ? top.intent : 'none';

  let intent: IntentLabel | 'none' = classified;
  const surelyOutOfScope = classified === 'out_of_scope' && (top?.confidence ?? 0) >= sureOutOfScope;
  if (!surelyOutOfScope) {
    // A stuck end the rules found outranks a plain yes or no ("no, it's still stuck in the wallbox"),
    // but "still stuck" alone is a no (the label list gives it as one).
    const unplaced = classified === 'none' || classified === 'out_of_scope';
    const overrides = (t: IntentLabel) =>
      stuckLabels.has(t) && (unplaced || (conversationalLabels.has(classified as IntentLabel) && t !== 'cable_stuck'));
    const candidates = [...findings.topics].filter(
      (t) => (classified === 'out_of_scope' ? cueRequired.has(t) : overridingTopics.has(t)) || overrides(t),
    );
    if (classified !== 'none') candidates.push(classified);
    if (candidates.length > 0) intent = candidates.reduce((best, t) => (rankOf(t) < rankOf(best) ? t : best));
  }

  if (stuckLabels.has(intent as IntentLabel)) intent = stuckLabelFor(findings, intent as IntentLabel);

  const spoken = new Set<IntentLabel>([...findings.topics].filter((t) => topicLabels.has(t)));
  if (classified !== 'none' && topicLabels.has(classified)) spoken.add(classified);
  spoken.delete(intent as IntentLabel);
  const mentions = [...spoken].sort((a, b) => rankOf(a) - rankOf(b));
  // Only one stuck label can be true of a message: keep the one the decision or rules settled on.
  const stuckMentions = mentions.filter((t) => stuckLabels.has(t));
  const keptMentions = stuckLabels.has(intent as IntentLabel)
    ? mentions.filter((t) => !stuckLabels.has(t))
    : mentions.filter((t) => !stuckLabels.has(t) || t === stuckMentions[0]);

  const ranked = ranking ?? [];
  const confidence =
    intent === 'none' || intent === top?.intent
      ? (top?.confidence ?? 0)
      : Math.max(top?.confidence ?? 0, ranked.find((r) => r.intent === intent)?.confidence ?? 0);
  const topThree =
    intent === 'none' || intent === top?.intent
      ? ranked.slice(0, 3)
      : [{ intent, confidence }, ...ranked.filter((r) => r.intent !== intent)].slice(0, 3);

  const entities = { ...findings.entities, ...(keptMentions.length > 0 ? { mentions: keptMentions } : {}) };
  return { intent, confidence, ranking: topThree, entities };
}
