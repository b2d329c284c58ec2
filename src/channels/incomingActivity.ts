import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { describeIssues } from '../yamlFiles';
import { isJsonObject } from '../state/jsonObject';

/**
 * The least an activity must have before the bot sees it. Channels send far more; that is kept as
 * it is. What fails here is answered with 400 and the fields at fault, instead of a failure deep
 * inside the adapter.
 */
const account = z.looseObject({ id: z.string().min(1).max(512) });

/** An entity botbuilder can read (it lowercases every entity's `type` looking for mentions). */
export const isWellFormedEntity = (entity: unknown): boolean => isJsonObject(entity) && typeof entity.type === 'string';

/**
 * A list botbuilder walks through without looking (entities, members added...): members of the
 * wrong shape are left out, and so is a value that is not a list, rather than failing the turn.
 */
const listOf = (keep: (item: unknown) => boolean) =>
  z
    .unknown()
    .transform((value) => (Array.isArray(value) ? value.filter(keep) : undefined))
    .optional();

export const incomingActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  channelId: z.string().min(1).max(128),
  serviceUrl: z.string().max(2048).optional(),
  from: account,
  recipient: account.optional(),
  conversation: account,
  text: z.string().optional(),
  entities: listOf(isWellFormedEntity),
  attachments: listOf(isJsonObject),
  membersAdded: listOf(isJsonObject),
  membersRemoved: listOf(isJsonObject),
  reactionsAdded: listOf(isJsonObject),
  reactionsRemoved: listOf(isJsonObject),
});

export type IncomingActivityCheck = { ok: true; activity: Activity } | { ok: false; problems: string[] };

/** The activity as the bot may read it, or the problems that make it none. */
export function checkIncomingActivity(body: unknown): IncomingActivityCheck {
  const result = incomingActivitySchema.safeParse(body);
  if (!result.success) return { ok: false, problems: describeIssues(result.error) };
  // A list that was not one is left out, not kept as undefined.
  const activity = Object.fromEntries(Object.entries(result.data).filter(([, value]) => value !== undefined));
  return { ok: true, activity: activity as unknown as Activity };
}
