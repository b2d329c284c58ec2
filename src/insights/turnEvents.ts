import type { TurnResult } from '../conversation/engine';
import type { StoredConversation } from '../conversation/conversationState';
import type { StepOutcome, TriedStep } from '../tickets/ticket';
import type { InsightEvent, StepOutcomeEvent } from './events';

/** A step's answer as the insights count it: out, tried before, or anything else (still stuck). */
const outcomeOf = (outcome: StepOutcome): StepOutcomeEvent =>
  outcome === 'freed' ? 'freed' : outcome === 'tried_before' ? 'tried_before' : 'still_stuck';
const keyOf = (step: TriedStep) => `${step.procedure}|${step.step}|${step.outcome}`;

/** The entries of `after` that `before` did not have (each counted as often as it occurs). */
function added(before: readonly TriedStep[], after: readonly TriedStep[]): TriedStep[] {
  const left = new Map<string, number>();
  for (const step of before) left.set(keyOf(step), (left.get(keyOf(step)) ?? 0) + 1);
  return after.filter((step) => {
    const count = left.get(keyOf(step)) ?? 0;
    if (count > 0) left.set(keyOf(step), count - 1);
    return count === 0;
  });
}

/**
 * What one turn tells the support team, read from the conversation before and after it and what
 * the engine said of the turn: procedures started and ended, steps reached and their outcomes,
 * handoffs, ratings, and a message that could not be used (never an answer to the contact questions).
 */
export function insightEventsOf(before: StoredConversation, result: TurnResult, message: string | undefined): InsightEvent[] {
  const events: InsightEvent[] = [];
  const was = before.stage.kind === 'guiding' ? before.stage.guide : undefined;
  const now = result.conversation.stage.kind === 'guiding' ? result.conversation.stage.guide : undefined;

  // "Which end?" answered: the run goes on in the procedure for that end.
  if (was && now && now.procedure !== was.procedure) {
    events.push({ type: 'procedure_ended', procedure: was.procedure, result: 'continued', step: was.step });
    events.push({ type: 'procedure_started', procedure: now.procedure });
  }
  for (const effect of result.effects)
    if (effect.kind === 'procedureStarted') events.push({ type: 'procedure_started', procedure: effect.procedure });

  // A step's outcome once a turn, however many ways the turn noted it ("already stopped it").
  const outcomes = new Map(added(was?.tried ?? [], result.summary.tried ?? []).map((step) => [`${step.procedure}|${step.step}`, step]));
  for (const step of outcomes.values())
    events.push({ type: 'step_outcome', procedure: step.procedure, step: step.step, outcome: outcomeOf(step.outcome) });
  for (const { procedure, step } of result.summary.skipped ?? [])
    events.push({ type: 'step_outcome', procedure, step, outcome: 'skipped' });
  const reachedBefore = new Set([
    ...(was?.tried ?? []).map((step) => `${step.procedure}|${step.step}`),
    ...(was ? [`${was.procedure}|${was.step}`] : []),
  ]);
  // A first message nothing could be made of is asked "which end?" again, but starts no run.
  const running = was || result.effects.some((effect) => effect.kind === 'procedureStarted');
  if (now && running && !reachedBefore.has(`${now.procedure}|${now.step}`))
    events.push({ type: 'step_reached', procedure: now.procedure, step: now.step });

  for (const outcome of result.conversation.record.outcomes.slice(before.record.outcomes.length)) {
    const procedure = outcome.scenario && outcome.scenario !== 'none' ? outcome.scenario : undefined;
    if (outcome.result === 'handoff' && outcome.reason)
      events.push({ type: 'handoff', reason: outcome.reason, procedure, step: outcome.step });
    if ((outcome.result === 'freed' || outcome.result === 'cancelled') && procedure) {
      events.push({
        type: 'procedure_ended',
        procedure,
        result: outcome.result === 'freed' ? 'resolved' : 'cancelled',
        step: outcome.step,
      });
    }
  }
  for (const effect of result.effects) if (effect.kind === 'rated') events.push({ type: 'rating', score: effect.score });

  const { misunderstood, ranking } = result.summary;
  if (misunderstood && message && before.stage.kind !== 'handoff') {
    events.push({
      type: 'misunderstood',
      text: message,
      stage: was ? 'step' : before.stage.kind === 'idle' ? 'start' : before.stage.kind,
      procedure: was?.procedure,
      step: was?.step,
      topLabels: (ranking ?? []).slice(0, 3).map(({ intent, confidence }) => ({ intent, confidence })),
      why: misunderstood,
    });
  }
  return events.map((event) => Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined)) as InsightEvent);
}
