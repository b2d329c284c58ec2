import type { Knowledge } from './knowledge';
import type { Messages } from './messages';
import { procedureScenarios } from './messages';
import type { AnswerKey, Dialogs, Procedure, Step, Target } from './procedures';

/**
 * Checks that content files agree with each other: every id a procedure names exists, every step can
 * be reached, every flow ends somewhere. Returns the problems, one sentence each, for authors.
 */
export function checkContent(knowledge: Knowledge, messages: Messages, dialogs: Dialogs): string[] {
  const problems: string[] = [];
  const needKnowledge = (where: string, ids: readonly string[]) => {
    for (const id of ids) if (!knowledge.has(id)) problems.push(`${where}: unknown knowledge id "${id}"`);
  };

  for (const scenario of procedureScenarios) {
    if (!dialogs.procedures.has(scenario)) problems.push(`dialogs/procedures: no procedure for ${scenario}`);
  }
  for (const procedure of dialogs.procedures.values()) {
    const where = `dialogs/procedures/${procedure.scenario}.yaml`;
    const ids = new Set<string>();
    for (const step of procedure.steps) {
      if (ids.has(step.id)) problems.push(`${where}: step id "${step.id}" is used twice`);
      ids.add(step.id);
    }
    for (const entry of procedure.entryPoints) {
      if (!ids.has(entry.step)) problems.push(`${where}: entry point names unknown step "${entry.step}"`);
    }
    procedure.steps.forEach((step, index) => {
      const at = `${where} step ${step.id}`;
      needKnowledge(at, step.say);
      needKnowledge(`${at} help`, step.help);
      if (!(step.question in messages.questions)) problems.push(`${at}: unknown question "${step.question}" (messages.yaml questions)`);
      for (const covered of step.covers) {
        if (!isStepAnywhere(dialogs, covered)) problems.push(`${at}: covers unknown step "${covered}"`);
      }
      for (const target of allTargets(step)) {
        problems.push(...checkTarget(at, target, procedure, index, dialogs, needKnowledge));
      }
    });
    for (const unreachable of unreachableSteps(procedure)) {
      problems.push(`${where}: step "${unreachable}" can never be reached`);
    }
  }

  const { damage } = dialogs.interruptions;
  needKnowledge('dialogs/interruptions.yaml damage', damage.say);
  needKnowledge('dialogs/interruptions.yaml damage.safety', damage.safety.say);
  needKnowledge('dialogs/interruptions.yaml advice.cold', dialogs.interruptions.advice.cold);
  for (const item of knowledge.items) {
    if (!item.onlyAfter) continue;
    needKnowledge(`knowledge ${item.id} onlyAfter.instead`, item.onlyAfter.instead);
    for (const step of item.onlyAfter.steps)
      if (!isStepAnywhere(dialogs, step)) problems.push(`knowledge ${item.id}: onlyAfter names unknown step "${step}"`);
  }
  return problems;
}

/** The answers a step understands and where each leads, with the defaults filled in. */
export function targetsOf(step: Step): Partial<Record<AnswerKey, Target>> {
  return step.ask === 'freed' ? { affirm: 'success', deny: 'next', ...step.on } : step.on;
}

function allTargets(step: Step): Target[] {
  return [...Object.values(targetsOf(step)), step.ifSideUnknown].filter((t): t is Target => t !== undefined);
}

function checkTarget(
  at: string,
  target: Target,
  procedure: Procedure,
  index: number,
  dialogs: Dialogs,
  needKnowledge: (where: string, ids: readonly string[]) => void,
): string[] {
  const hasStep = (id: string) => procedure.steps.some((s) => s.id === id);
  if (target === 'success') return [];
  if (target === 'next') return index + 1 < procedure.steps.length ? [] : [`${at}: "next" after the last step; say where it leads`];
  if ('step' in target) return hasStep(target.step) ? [] : [`${at}: leads to unknown step "${target.step}"`];
  if ('handoff' in target) {
    needKnowledge(at, target.say);
    return [];
  }
  const problems: string[] = [];
  if (!dialogs.procedures.has(target.procedure)) problems.push(`${at}: leads to unknown procedure "${target.procedure}"`);
  if (target.then && !hasStep(target.then)) problems.push(`${at}: returns to unknown step "${target.then}"`);
  return problems;
}

export function isStepAnywhere(dialogs: Dialogs, id: string): boolean {
  return [...dialogs.procedures.values()].some((p) => p.steps.some((s) => s.id === id));
}

/** Steps not reachable from the first step or an entry point by any answer. */
export function unreachableSteps(procedure: Procedure): string[] {
  const reached = new Set<string>();
  const pending = [procedure.steps[0].id, ...procedure.entryPoints.map((e) => e.step)];
  while (pending.length > 0) {
    const id = pending.pop()!;
    const index = procedure.steps.findIndex((s) => s.id === id);
    if (index < 0 || reached.has(id)) continue;
    reached.add(id);
    for (const target of allTargets(procedure.steps[index])) {
      if (target === 'next' && index + 1 < procedure.steps.length) pending.push(procedure.steps[index + 1].id);
      else if (typeof target === 'object' && 'step' in target) pending.push(target.step);
      else if (typeof target === 'object' && 'then' in target && target.then) pending.push(target.then);
    }
  }
  return procedure.steps.map((s) => s.id).filter((id) => !reached.has(id));
}
