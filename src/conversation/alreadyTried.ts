import type { AlreadyTriedPhrases } from '../content/procedures';
import { isQuestion, mentionTest } from './textMatching';

/**
 * The steps a message says were already done ("I already stopped it and unlocked the car"), from the
 * phrases in dialogs/already-tried.yaml. A question never reports a step as done.
 */
export function stepsAlreadyTried(text: string, phrases: AlreadyTriedPhrases): string[] {
  if (isQuestion(text)) return [];
  const mentioned = mentionTest(text, phrases.negations);
  return Object.entries(phrases.steps)
    .filter(([, stepPhrases]) => stepPhrases.some(mentioned))
    .map(([step]) => step);
}
