import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { photoContentTypes } from './imageType';

/**
 * A photo as conversations, activities and tickets carry it: never its bytes, only what names it.
 * The id starts with a tag of its conversation (its Redis keys share that conversation's Cluster
 * slot) and goes on with 96 random bits, so it cannot be guessed.
 */
export const photoReferenceSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{16}-[0-9a-f]{24}$/),
    contentType: z.enum(photoContentTypes),
    bytes: z.number().int().positive(),
  })
  .strict();
export type PhotoReference = z.output<typeof photoReferenceSchema>;

/** The tag of a conversation's photos: the first 64 bits of SHA-256 of its id. */
export function conversationTag(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 16);
}

export function newPhotoId(conversationId: string): string {
  return `${conversationTag(conversationId)}-${randomBytes(12).toString('hex')}`;
}

export const isPhotoId = (id: string): boolean => photoReferenceSchema.shape.id.safeParse(id).success;

/**
 * Where an activity carries the photos its channel took in (`channelData.photos`): set by this
 * service only (the Direct Line upload, the Teams download), never taken from a client.
 */
export const photosKey = 'photos';

const photoListSchema = z.array(photoReferenceSchema).max(100);

/** The photo references of an activity's channel data; anything else there is none. */
export function photosIn(channelData: unknown): PhotoReference[] {
  const listed = (channelData as Record<string, unknown> | undefined)?.[photosKey];
  if (listed === undefined) return [];
  const parsed = photoListSchema.safeParse(listed);
  return parsed.success ? parsed.data : [];
}
