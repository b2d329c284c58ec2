import type { KnowledgeItem } from '../content/knowledge';
import type { ButtonKey, Messages, ProcedureScenario } from '../content/messages';
import type { AnswerKey, AskKind } from '../content/procedures';
import type { DamageDetail, Recognition } from '../nlu/types';
import type { KnowledgeSearch } from './knowledgeSearch';
import { isQuestion, sameWords } from './textMatching';

/** What a user message means for the conversation, whatever the words. */
export type Interpretation =
  | { kind: 'answer'; answer: AnswerKey }
  | { kind: 'human' }
  | { kind: 'damage'; details: DamageDetail[] }
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'thanks' }
  | { kind: 'greeting' }
  | { kind: 'question'; item: KnowledgeItem }
  | { kind: 'scenario'; scenario: ProcedureScenario }
  | { kind: 'unplaced'; outOfScope: boolean };

const buttonMeaning: Record<ButtonKey, Interpretation> = {
  freed: { kind: 'answer', answer: 'affirm' },
  yes: { kind: 'answer', answer: 'affirm' },
  stillStuck: { kind: 'answer', answer: 'deny' },
  no: { kind: 'answer', answer: 'deny' },
  car: { kind: 'answer', answer: 'car' },
  charger: { kind: 'answer', answer: 'charger' },
  both: { kind: 'answer', answer: 'both' },
  damaged: { kind: 'damage', details: [] },
  person: { kind: 'human' },
};

const scenarioIntents = new Set<string>(['stuck_in_car', 'stuck_in_charger', 'cable_stuck', 'power_cut', 'cold_weather']);

/** The step's answers that an intent or an entity gives, if any. */
function stepAnswer(ask: AskKind | undefined, recognition: Recognition): AnswerKey | undefined {
  if (ask === 'side') {
    if (recognition.intent === 'stuck_in_car') return 'car';
    if (recognition.intent === 'stuck_in_charger') return 'charger';
    return recognition.entities.side;
  }
  if (ask && (recognition.intent === 'affirm' || recognition.intent === 'deny')) return recognition.intent;
  return undefined;
}

/**
 * Reads one message: a button typed or clicked first, then what must win at any step (a person,
 * damage, cancel), then a question the knowledge answers, then help, then an answer to the step being
 * asked (`ask`), then a new scenario. What is left cannot be placed.
 */
export function interpretMessage(
  text: string,
  recognition: Recognition,
  ask: AskKind | undefined,
  deps: { messages: Messages; search: KnowledgeSearch },
): Interpretation {
  const button = (Object.keys(buttonMeaning) as ButtonKey[]).find((key) => sameWords(text, deps.messages.buttons[key]));
  if (button) return buttonMeaning[button];

  switch (recognition.intent) {
    case 'damage':
      return { kind: 'damage', details: recognition.entities.damage ?? [] };
    case 'human':
      return { kind: 'human' };
    case 'cancel':
      return { kind: 'cancel' };
  }
  // A question the knowledge answers wins over `help`: "can I use a screwdriver?" wants the answer.
  if (isQuestion(text)) {
    const hit = deps.search.find(text);
    if (hit) return { kind: 'question', item: hit.item };
  }
  if (recognition.intent === 'help') return { kind: 'help' };
  const answer = stepAnswer(ask, recognition);
  if (answer) return { kind: 'answer', answer };
  if (scenarioIntents.has(recognition.intent)) return { kind: 'scenario', scenario: recognition.intent as ProcedureScenario };
  if (recognition.intent === 'thanks') return { kind: 'thanks' };
  if (recognition.intent === 'greeting') return { kind: 'greeting' };
  return { kind: 'unplaced', outOfScope: recognition.intent === 'out_of_scope' };
}
