import { z } from 'zod';
import { handoffQuestions, procedureScenarios } from '../content/messages';
import type { HandoffRequest } from '../handoff/handoffRequest';
import type { InterviewState } from '../handoff/contactInterview';
import { type PhotoReference, photoReferenceSchema } from '../photos/photoReference';
import { handoffReasons, stepOutcomes } from '../tickets/ticket';
import { checkedRecord, type ConversationRecord, emptyRecord } from './conversationRecord';
import type { GuideState } from './guide';

/** The handoff to a person: the interview for contact details, then the ticket. */
export interface HandoffState {
  request: HandoffRequest;
  interview: InterviewState;
  /** Set once the ticket exists: a repeated "yes, create it" gets its reference again. */
  reference?: string;
  /** The cable came free during the interview: waiting to hear whether a person is still wanted. */
  askedStillWanted?: boolean;
}

/** A person from the support team has joined the chat (a live handoff, from Teams). */
export interface LiveState {
  /** The ticket the person took over. */
  reference: string;
  ticketId: string;
  staffName: string;
  since: string;
}

/** Where a conversation stands: exactly one of these at a time. */
export type Stage =
  | { kind: 'idle' }
  | { kind: 'guiding'; guide: GuideState }
  | { kind: 'handoff'; handoff: HandoffState }
  | { kind: 'rating'; attempts: number }
  | { kind: 'live'; live: LiveState }
  /** The person left the chat: the bot asks whether the cable is free. */
  | { kind: 'afterLive'; reference: string };

/** Everything the bot keeps about one conversation: one state property, plain JSON. */
export interface StoredConversation {
  version: 2;
  welcomed: boolean;
  stage: Stage;
  record: ConversationRecord;
  /** Where the conversation stood could not be read back: the next reply says so once. */
  lostPlace?: true;
  /** The photos the driver sent, for a ticket (references only; the most recent `maxPhotosKept`). */
  photos?: PhotoReference[];
}

export const maxPhotosKept = 20;

export const newConversation = (): StoredConversation => ({ version: 2, welcomed: false, stage: { kind: 'idle' }, record: emptyRecord() });

const triedStep = z.object({ procedure: z.string(), step: z.string(), outcome: z.enum(stepOutcomes) });
const entities = z.record(z.string(), z.unknown());
const scenario = z.enum(procedureScenarios);

const guideSchema = z.object({
  procedure: scenario,
  step: z.string(),
  returns: z.array(z.object({ procedure: scenario, step: z.string() })),
  tried: z.array(triedStep),
  entities,
  unplacedInARow: z.number(),
  clarifying: z.literal(true).optional(),
  atStep: z
    .object({ procedure: scenario, step: z.string(), worked: z.literal(true).optional(), pointed: z.literal(true).optional() })
    .optional(),
  facts: z
    .object({
      clarified: z.literal(true).optional(),
      cold: z.literal(true).optional(),
      coldAdviceGiven: z.literal(true).optional(),
      power: z.enum(['back', 'off']).optional(),
      products: z.object({ vehicle: z.string().optional(), charger: z.string().optional() }).optional(),
      given: z.array(z.string()).max(50).optional(),
    })
    .optional(),
});

const question = z.enum(handoffQuestions);
const interviewSchema = z.object({
  answers: z.record(z.string(), z.string()),
  settled: z.array(question),
  essentialOnly: z.boolean(),
  forCustomer: z.boolean().optional(),
  refused: z.array(question).optional(),
  stage: z.union([
    z.object({ kind: z.literal('question'), question, backToSummary: z.boolean() }),
    z.object({ kind: z.literal('summary') }),
    z.object({ kind: z.literal('chooseChange') }),
  ]),
});

const handoffSchema = z.object({
  request: z.object({
    reason: z.enum(handoffReasons),
    scenario: z.string().optional(),
    stepsTried: z.array(triedStep),
    entities,
    knownContact: z.record(z.string(), z.string()).optional(),
    raisedBy: z.object({ entraObjectId: z.string(), name: z.string() }).optional(),
    vehicle: z.object({ make: z.string().optional(), model: z.string().optional() }).optional(),
    charger: z.object({ model: z.string().optional() }).optional(),
    factsGiven: z.array(z.object({ about: z.string(), topic: z.string(), sources: z.array(z.string()) })).optional(),
  }),
  interview: interviewSchema,
  reference: z.string().optional(),
  askedStillWanted: z.boolean().optional(),
});

/**
 * What a stage must look like before a turn relies on it. A stage that does not fit (an older
 * release's, a hand edit) is not guessed at: the conversation goes back to the start, and says so.
 */
export const stageSchema = z.union([
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('guiding'), guide: guideSchema }),
  z.object({ kind: z.literal('handoff'), handoff: handoffSchema }),
  z.object({ kind: z.literal('rating'), attempts: z.number() }),
  z.object({
    kind: z.literal('live'),
    live: z.object({ reference: z.string(), ticketId: z.string(), staffName: z.string(), since: z.string() }),
  }),
  z.object({ kind: z.literal('afterLive'), reference: z.string() }),
]);

const keptPhotosSchema = z.array(photoReferenceSchema).max(maxPhotosKept);

/**
 * A stored conversation, checked before a turn relies on it: the record keeps what fits, and a stage
 * that does not fit (or names a step the content no longer has) becomes the start, remembered as
 * `lostPlace` so the next reply says so. `problems` names what was set right, for the log.
 */
export function restoreConversation(
  stored: unknown,
  isCurrent: (stage: Stage) => boolean,
): { conversation: StoredConversation; problems: string[] } {
  if (stored === undefined || stored === null) return { conversation: newConversation(), problems: [] };
  const fields = (typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const { record, repaired } = checkedRecord(fields.record);
  if (repaired) problems.push('record');
  const parsed = stageSchema.safeParse(fields.stage);
  const stage = parsed.success && isCurrent(parsed.data as Stage) ? (parsed.data as Stage) : undefined;
  if (!stage) problems.push('stage');
  const conversation: StoredConversation = { version: 2, welcomed: fields.welcomed === true, stage: stage ?? { kind: 'idle' }, record };
  if (!stage || fields.lostPlace === true) conversation.lostPlace = true;
  const photos = fields.photos === undefined ? undefined : keptPhotosSchema.safeParse(fields.photos);
  if (photos?.success && photos.data.length > 0) conversation.photos = photos.data;
  return { conversation, problems };
}
