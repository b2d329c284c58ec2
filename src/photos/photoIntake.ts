import { type PhotoContentType, sniffImageType } from './imageType';
import type { PhotoReference } from './photoReference';
import type { PhotoStore, PhotoStoreRefusal } from './photoStore';

/** A limit in bytes as people read it: "10 MB", "512 KB". */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export interface PhotoLimits {
  /** Bytes of one photo. */
  maxFileBytes: number;
  /** Photos in one message. */
  maxPerMessage: number;
}

/** Why a message's photos were refused, whichever channel brought them. */
export type PhotoProblem = 'tooLarge' | 'wrongType' | 'tooManyInMessage' | PhotoStoreRefusal;

export type PhotosTaken = { ok: true; photos: PhotoReference[] } | { ok: false; problem: PhotoProblem };

/**
 * The one way photos come in, from every channel: each file checked (size, then its type by its
 * magic bytes: what was declared is not trusted), all of them before any is kept, then kept in
 * the photo store within the conversation's bounds.
 */
export class PhotoIntake {
  constructor(
    private readonly store: PhotoStore,
    readonly limits: PhotoLimits,
  ) {}

  async takeIn(conversationId: string, files: readonly Buffer[]): Promise<PhotosTaken> {
    if (files.length > this.limits.maxPerMessage) return { ok: false, problem: 'tooManyInMessage' };
    const typed: { data: Buffer; contentType: PhotoContentType }[] = [];
    for (const data of files) {
      if (data.length > this.limits.maxFileBytes) return { ok: false, problem: 'tooLarge' };
      const contentType = sniffImageType(data);
      if (!contentType) return { ok: false, problem: 'wrongType' };
      typed.push({ data, contentType });
    }
    const photos: PhotoReference[] = [];
    for (const photo of typed) {
      const added = await this.store.add(conversationId, photo);
      if (!added.ok) return { ok: false, problem: added.refusal };
      photos.push(added.photo);
    }
    return { ok: true, photos };
  }
}
