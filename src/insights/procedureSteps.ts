import type { Content } from '../content/loadContent';
import { fillTemplate } from '../content/messages';
import type { ProcedureSteps } from './summary';

/** The procedures of `dialogs/` with their steps, named as the bot names them to drivers. */
export function procedureStepsOf(content: Content): ProcedureSteps {
  const { messages, knowledge, dialogs } = content;
  const names = { car: messages.defaultNames.car, charger: messages.defaultNames.charger };
  return new Map(
    [...dialogs.procedures.values()].map((procedure) => [
      procedure.scenario,
      {
        title: fillTemplate(messages.scenarios[procedure.scenario].name, names),
        steps: procedure.steps.map((step) => ({
          id: step.id,
          title: step.say.length > 0 ? knowledge.get(step.say[0]).title : fillTemplate(messages.questions[step.question], names),
        })),
      },
    ]),
  );
}
