import type { InsightsRecorder } from '../../src/insights/recorder';

/** The one message not understood among them (nothing personal in it: stored as it is). */
export const sampleMisunderstood = {
  text: 'erm the kona charger thing is doing the beepy thing',
  stage: 'start',
  topLabels: [
    { intent: 'cable_stuck' as const, confidence: 0.31 },
    { intent: 'out_of_scope' as const, confidence: 0.22 },
  ],
  why: 'not_recognised' as const,
};

/**
 * Six conversations' events, as the engine would send them: one freed at the second step and
 * rated, one handed off for a damaged pin, one left at a step, one that went from "which end?" to
 * the charger procedure and was cancelled there, one that asked for a person at once after a
 * message the bot did not understand, and a rating on its own.
 */
export function recordSampleConversations(insights: InsightsRecorder): void {
  const freed = 'conversation-freed';
  insights.record(freed, { type: 'procedure_started', procedure: 'stuck_in_car' });
  insights.record(freed, { type: 'step_reached', procedure: 'stuck_in_car', step: 'end_session' });
  insights.record(freed, { type: 'step_outcome', procedure: 'stuck_in_car', step: 'end_session', outcome: 'still_stuck' });
  insights.record(freed, { type: 'step_reached', procedure: 'stuck_in_car', step: 'unlock_car' });
  insights.record(freed, { type: 'step_outcome', procedure: 'stuck_in_car', step: 'unlock_car', outcome: 'freed' });
  insights.record(freed, { type: 'procedure_ended', procedure: 'stuck_in_car', result: 'resolved', step: 'unlock_car' });
  insights.record(freed, { type: 'rating', score: 5 });

  const damaged = 'conversation-damaged';
  insights.record(damaged, { type: 'procedure_started', procedure: 'stuck_in_car' });
  insights.record(damaged, { type: 'step_reached', procedure: 'stuck_in_car', step: 'end_session' });
  insights.record(damaged, { type: 'handoff', reason: 'pin_damaged', procedure: 'stuck_in_car', step: 'end_session' });

  const left = 'conversation-left';
  insights.record(left, { type: 'procedure_started', procedure: 'stuck_in_car' });
  insights.record(left, { type: 'step_outcome', procedure: 'stuck_in_car', step: 'end_session', outcome: 'tried_before' });
  insights.record(left, { type: 'step_reached', procedure: 'stuck_in_car', step: 'unlock_car' });

  const cancelled = 'conversation-cancelled';
  insights.record(cancelled, { type: 'procedure_started', procedure: 'cable_stuck' });
  insights.record(cancelled, { type: 'step_reached', procedure: 'cable_stuck', step: 'which_end' });
  insights.record(cancelled, { type: 'step_outcome', procedure: 'cable_stuck', step: 'which_end', outcome: 'still_stuck' });
  insights.record(cancelled, { type: 'procedure_ended', procedure: 'cable_stuck', result: 'continued', step: 'which_end' });
  insights.record(cancelled, { type: 'procedure_started', procedure: 'stuck_in_charger' });
  insights.record(cancelled, { type: 'step_reached', procedure: 'stuck_in_charger', step: 'end_session' });
  insights.record(cancelled, { type: 'step_outcome', procedure: 'stuck_in_charger', step: 'end_session', outcome: 'still_stuck' });
  insights.record(cancelled, { type: 'step_reached', procedure: 'stuck_in_charger', step: 'socket_connector_technique' });
  insights.record(cancelled, {
    type: 'procedure_ended',
    procedure: 'stuck_in_charger',
    result: 'cancelled',
    step: 'socket_connector_technique',
  });

  const person = 'conversation-person';
  insights.record(person, { type: 'misunderstood', ...sampleMisunderstood });
  insights.record(person, { type: 'handoff', reason: 'customer_request' });

  insights.record('conversation-rating', { type: 'rating', score: 4 });
}

const noStep = { reached: 0, freed: 0, stillStuck: 0, skipped: 0, triedBefore: 0, handedOff: 0, left: 0 };

/** What `/api/insights` says about them. */
export const sampleFigures = {
  stuckInCar: {
    procedure: 'stuck_in_car',
    started: 3,
    resolved: 1,
    handedOff: 1,
    cancelled: 0,
    continued: 0,
    abandoned: 1,
    steps: [
      { step: 'end_session', ...noStep, reached: 2, stillStuck: 1, triedBefore: 1, handedOff: 1 },
      { step: 'unlock_car', ...noStep, reached: 2, freed: 1, left: 1 },
      { step: 'connector_technique', ...noStep },
      { step: 'emergency_release', ...noStep },
      { step: 'finished_but_locked', ...noStep },
    ],
  },
  cableStuck: { procedure: 'cable_stuck', started: 1, resolved: 0, handedOff: 0, cancelled: 0, continued: 1, abandoned: 0 },
  stuckInCharger: {
    procedure: 'stuck_in_charger',
    started: 1,
    resolved: 0,
    handedOff: 0,
    cancelled: 1,
    continued: 0,
    abandoned: 1,
    steps: [
      { step: 'charger_which_end', ...noStep },
      { step: 'end_session', ...noStep, reached: 1, stillStuck: 1 },
      { step: 'socket_connector_technique', ...noStep, reached: 1, left: 1 },
      { step: 'power_cycle', ...noStep },
    ],
  },
  ratings: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 1 },
  handoffs: { pin_damaged: 1, customer_request: 1 },
  /** One run freed of four (the charger run continued the cable_stuck one). */
  containment: 0.25,
};
