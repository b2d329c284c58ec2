import { z } from 'zod';
import { handoffReasons } from '../tickets/ticket';
import { intentLabels } from '../nlu/types';
import { misunderstandings } from '../conversation/turn';

/**
 * What the conversation engine tells the insights, one event per fact, as the turn happens.
 * Procedure, step and stage ids are content ids (lower_snake_case): they become counter names, so
 * they are checked here and an event with anything else is dropped (the set of counters stays as
 * small as the content).
 *
 * A procedure run: `procedure_started`, then `step_reached` each time a step is asked for the first
 * time in the run, a `step_outcome` for its answer, and one end: `procedure_ended` (resolved,
 * cancelled, or continued into another procedure that is started next) or a `handoff` naming the
 * procedure. A run with no end is counted as abandoned (docs/operations.md, Insights).
 */
const contentId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a content id (lower_snake_case, at most 64 characters)');

export const stepOutcomes = ['freed', 'still_stuck', 'skipped', 'tried_before'] as const;
export const procedureResults = ['resolved', 'cancelled', 'continued'] as const;
export const ratingScores = ['1', '2', '3', '4', '5'] as const;

export const rankedIntentSchema = z.object({ intent: z.enum(intentLabels), confidence: z.number().min(0).max(1) }).strict();

export const insightEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('procedure_started'), procedure: contentId }).strict(),
  z.object({ type: z.literal('step_reached'), procedure: contentId, step: contentId }).strict(),
  /**
   * `freed`: "it came free" at this step; `still_stuck`: any other answer (not free, or the answer to
   * a check such as "which end?"); `skipped`: passed over without asking (already tried);
   * `tried_before`: the driver said they had done it before being asked.
   */
  z.object({ type: z.literal('step_outcome'), procedure: contentId, step: contentId, outcome: z.enum(stepOutcomes) }).strict(),
  /** `continued`: led into another procedure ("which end?" answered), which gets its own `procedure_started`. */
  z
    .object({ type: z.literal('procedure_ended'), procedure: contentId, result: z.enum(procedureResults), step: contentId.optional() })
    .strict(),
  /** A person takes over; with `procedure`, that run ends handed off (at `step`, if given). */
  z
    .object({ type: z.literal('handoff'), reason: z.enum(handoffReasons), procedure: contentId.optional(), step: contentId.optional() })
    .strict(),
  z.object({ type: z.literal('rating'), score: z.number().int().min(1).max(5) }).strict(),
  /**
   * A message the bot could not use: the recognizer answered `none` or was below its threshold
   * (`not_recognised`), the bot asked a clarifying question, or a step could not read the reply.
   * `text` is redacted before it is stored; never send answers to the contact questions.
   */
  z
    .object({
      type: z.literal('misunderstood'),
      text: z.string(),
      /** Where the conversation was: `start` (no procedure running), `step`, `rating`... */
      stage: contentId,
      procedure: contentId.optional(),
      step: contentId.optional(),
      topLabels: z.array(rankedIntentSchema).max(3),
      why: z.enum(misunderstandings),
    })
    .strict(),
]);

export type InsightEvent = z.input<typeof insightEventSchema>;
export type StepOutcomeEvent = Extract<InsightEvent, { type: 'step_outcome' }>['outcome'];

/** A misunderstood message as stored and shown: redacted text, no conversation id, only its hash. */
export interface MisunderstoodEntry {
  at: string;
  /** `hashId` of the conversation, as in the logs. */
  conversation: string;
  text: string;
  stage: string;
  procedure?: string;
  step?: string;
  topLabels: { intent: string; confidence: number }[];
  why: (typeof misunderstandings)[number];
}
