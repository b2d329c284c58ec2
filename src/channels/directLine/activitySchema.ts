import { z } from 'zod';
import { describeIssues } from '../../yamlFiles';
import { directLineChannels } from './tokens';

/**
 * What a Direct Line client may post. Identity fields (id, from.id, conversation, recipient,
 * timestamp) are set by the service from the token, whatever the client sent; the rest is kept,
 * so that Web Chat finds its own `channelData.clientActivityID` in the echo.
 */
export const postedActivitySchema = z.looseObject({
  type: z.enum(['message', 'event', 'typing', 'endOfConversation'], {
    error: 'type must be "message", "event", "typing" or "endOfConversation"',
  }),
  channelId: z.enum(directLineChannels, { error: 'channelId must be "directline" or "webchat"' }).optional(),
  text: z.string().max(4000, { error: 'text is longer than 4000 characters' }).optional(),
  name: z.string().max(256).optional(),
  locale: z.string().max(35).optional(),
  from: z.looseObject({ id: z.string().max(256).optional(), name: z.string().max(256).optional() }).optional(),
  channelData: z.looseObject({ clientActivityID: z.string().max(256).optional() }).optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(256) }))
    .max(10)
    .optional(),
});

export type PostedActivity = z.output<typeof postedActivitySchema>;

export type PostedActivityCheck = { ok: true; activity: PostedActivity } | { ok: false; problems: string[] };

export function checkPostedActivity(body: unknown, maxBytes: number): PostedActivityCheck {
  const size = Buffer.byteLength(JSON.stringify(body ?? null));
  if (size > maxBytes) return { ok: false, problems: [`the activity is ${size} bytes; at most ${maxBytes} are accepted`] };
  const result = postedActivitySchema.safeParse(body);
  return result.success ? { ok: true, activity: result.data } : { ok: false, problems: describeIssues(result.error) };
}
