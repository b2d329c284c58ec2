import { z } from 'zod';
import { describeIssues } from '../yamlFiles';

/**
 * The least an activity must have before the bot sees it. Channels send far more; that is kept as
 * it is. What fails here is answered with 400 and the fields at fault, instead of a failure deep
 * inside the adapter.
 */
const account = z.looseObject({ id: z.string().min(1).max(512) });

export const incomingActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  channelId: z.string().min(1).max(128),
  serviceUrl: z.string().max(2048).optional(),
  from: account,
  recipient: account.optional(),
  conversation: account,
  text: z.string().optional(),
});

export type IncomingActivityCheck = { ok: true } | { ok: false; problems: string[] };

export function checkIncomingActivity(body: unknown): IncomingActivityCheck {
  const result = incomingActivitySchema.safeParse(body);
  return result.success ? { ok: true } : { ok: false, problems: describeIssues(result.error) };
}
