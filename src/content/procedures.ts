import path from 'node:path';
import { z } from 'zod';
import { handoffReasons } from '../tickets/ticket';
import { contentDirs } from '../paths';
import { knowledgeId } from './knowledge';
import { ContentError, loadYamlFile, yamlFilesIn } from '../yamlFiles';
import { damageDetails } from '../nlu/types';
import { procedureScenarios } from './messages';

const stepId = knowledgeId;

/** Where an answer leads. `next` is the following step in the file; `then` returns after a called procedure. */
export const targetSchema = z.union([
  z.literal('success'),
  z.literal('next'),
  z.object({ step: stepId }).strict(),
  z.object({ handoff: z.enum(handoffReasons), say: z.array(knowledgeId).default([]) }).strict(),
  z.object({ procedure: z.enum(procedureScenarios), then: stepId.optional() }).strict(),
]);

export type Target = z.output<typeof targetSchema>;

/** `freed`: "did it come free?" (yes ends well, no goes on); `yes_no`: a check; `side`: which end is stuck. */
export const askKinds = ['freed', 'yes_no', 'side'] as const;
export type AskKind = (typeof askKinds)[number];

export const answerKeys = ['affirm', 'deny', 'car', 'charger', 'both'] as const;
export type AnswerKey = (typeof answerKeys)[number];

const answersOf: Record<AskKind, readonly AnswerKey[]> = {
  freed: ['affirm', 'deny'],
  yes_no: ['affirm', 'deny'],
  side: ['car', 'charger', 'both'],
};

export const stepSchema = z
  .object({
    id: stepId,
    say: z.array(knowledgeId).default([]),
    ask: z.enum(askKinds).default('freed'),
    /** A key of `questions` in messages.yaml; `freed` steps use didItComeFree by default. */
    question: z.string().default('didItComeFree'),
    on: z.partialRecord(z.enum(answerKeys), targetSchema).default({}),
    /** Other steps this one also does, so they count as tried once it has been tried. */
    covers: z.array(stepId).default([]),
    /** Knowledge ids said when the driver cannot do the step or asks how; the instruction again when absent. */
    help: z.array(knowledgeId).default([]),
    /** A yes/no step that what the driver already said answers (the power being back or still off). */
    answeredBy: z.enum(['power']).optional(),
    /** A side step that asks nothing when the end is not known yet: where to go instead. */
    ifSideUnknown: targetSchema.optional(),
    /** Once done and still stuck, a criterion for a person is met: a procedure entered after it starts here. */
    decisive: z.boolean().default(false),
  })
  .strict()
  .superRefine((step, ctx) => {
    const allowed = answersOf[step.ask];
    for (const key of Object.keys(step.on)) {
      if (!allowed.includes(key as AnswerKey)) {
        ctx.addIssue({ code: 'custom', path: ['on', key], message: `a ${step.ask} step answers only ${allowed.join(', ')}` });
      }
    }
    if (step.ask !== 'freed') {
      for (const key of allowed.filter((k) => !(k in step.on))) {
        ctx.addIssue({ code: 'custom', path: ['on', key], message: `a ${step.ask} step must say where "${key}" leads` });
      }
    }
    if (step.ifSideUnknown && step.ask !== 'side') {
      ctx.addIssue({ code: 'custom', path: ['ifSideUnknown'], message: 'only a side step can go elsewhere when the end is unknown' });
    }
    if (step.ask === 'freed' && step.say.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['say'], message: 'a freed step needs an instruction to say' });
    }
  });

export type Step = z.output<typeof stepSchema>;

export const procedureSchema = z
  .object({
    scenario: z.enum(procedureScenarios),
    /** Start somewhere else when the first message contains one of these phrases. */
    entryPoints: z.array(z.object({ step: stepId, phrases: z.array(z.string().min(1)).min(1) }).strict()).default([]),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Procedure = z.output<typeof procedureSchema>;

export const interruptionsSchema = z
  .object({
    damage: z
      .object({
        say: z.array(knowledgeId),
        reasons: z.partialRecord(z.enum(damageDetails), z.enum(handoffReasons)),
        defaultReason: z.enum(handoffReasons),
        safety: z
          .object({ details: z.array(z.enum(damageDetails)).min(1), say: z.array(knowledgeId).min(1), reason: z.enum(handoffReasons) })
          .strict(),
      })
      .strict(),
    human: z.object({ reason: z.enum(handoffReasons) }).strict(),
    /** Advice that a fact the driver gave adds to the first step said after it, in any procedure but its own. */
    advice: z.object({ cold: z.array(knowledgeId).min(1) }).strict(),
  })
  .strict();

export type Interruptions = z.output<typeof interruptionsSchema>;

export interface Dialogs {
  procedures: ReadonlyMap<string, Procedure>;
  interruptions: Interruptions;
}

export function loadDialogs(dir = contentDirs.dialogs): Dialogs {
  const procedures = new Map<string, Procedure>();
  for (const file of yamlFilesIn(path.join(dir, 'procedures'))) {
    const procedure = loadYamlFile(file, procedureSchema);
    if (path.basename(file, path.extname(file)) !== procedure.scenario) {
      throw new ContentError(file, [`scenario: the file must be named after its scenario (${procedure.scenario}.yaml)`]);
    }
    procedures.set(procedure.scenario, procedure);
  }
  return {
    procedures,
    interruptions: loadYamlFile(path.join(dir, 'interruptions.yaml'), interruptionsSchema),
  };
}
