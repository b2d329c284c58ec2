import type { Content } from '../content/loadContent';
import { fillTemplate, type ProcedureScenario, procedureScenarios } from '../content/messages';

export interface ProcedureOverview {
  scenario: ProcedureScenario;
  name: string;
  steps: Array<{ title: string; text: string; question: string }>;
}

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * Every step of a procedure at once, for field staff reading it out to a customer on the phone.
 * {car} and {charger} stay the plain words: the customer's make is not known here.
 */
export function procedureOverview(content: Content, scenario: ProcedureScenario): ProcedureOverview {
  const { knowledge, messages, dialogs } = content;
  const fill = (template: string) => fillTemplate(template, messages.defaultNames);
  return {
    scenario,
    name: fill(messages.scenarios[scenario].name),
    steps: dialogs.procedures.get(scenario)!.steps.map((step) => ({
      title: step.say.length > 0 ? knowledge.get(step.say[0]).title : messages.questions[step.question],
      text: step.say.map((id) => fill(knowledge.get(id).text)).join(' '),
      question: messages.questions[step.question],
    })),
  };
}

/** The names a procedure is asked for by: its id in words ("stuck in car") and its display name. */
export function procedureNames(content: Content): Array<{ scenario: ProcedureScenario; names: string[] }> {
  return procedureScenarios.map((scenario) => ({
    scenario,
    names: [words(scenario), words(fillTemplate(content.messages.scenarios[scenario].name, content.messages.defaultNames))],
  }));
}

/** The procedure whose name appears in `text`, the longest name winning ("stuck in car" over "cable stuck"). */
export function findProcedureByName(content: Content, text: string): ProcedureScenario | undefined {
  const said = ` ${words(text)} `;
  let best: { scenario: ProcedureScenario; length: number } | undefined;
  for (const { scenario, names } of procedureNames(content)) {
    for (const name of names) {
      if (said.includes(` ${name} `) && name.length > (best?.length ?? 0)) best = { scenario, length: name.length };
    }
  }
  return best?.scenario;
}
