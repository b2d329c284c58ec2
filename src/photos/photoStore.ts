import type { PhotoContentType } from './imageType';
import { newPhotoId, type PhotoReference } from './photoReference';

export interface StoredPhoto {
  contentType: PhotoContentType;
  data: Buffer;
}

/** Why a conversation's photo was not kept. */
export type PhotoStoreRefusal = 'tooManyInConversation' | 'conversationFull';
export type PhotoAdded = { ok: true; photo: PhotoReference } | { ok: false; refusal: PhotoStoreRefusal };

export interface PhotoStoreLimits {
  /** Photos of one conversation. */
  maxPerConversation: number;
  /** Bytes of one conversation's photos together. */
  maxBytesPerConversation: number;
  /** How long a photo no ticket took is kept: as long as its conversation. */
  ttlSeconds: number;
}

/**
 * Where photos live, apart from the conversation's state and activity log (those carry references
 * only): in Redis when configured (`RedisPhotoStore`), else in this process (`MemoryPhotoStore`).
 */
export interface PhotoStore {
  /** Keeps a photo of the conversation, unless that would pass the conversation's count or bytes. */
  add(conversationId: string, photo: StoredPhoto): Promise<PhotoAdded>;
  /** The photo, until it expires. */
  get(id: string): Promise<StoredPhoto | undefined>;
  /** A ticket carries these photos: kept `ttlSeconds` from now (never shortened), for the ticket's life. */
  retain(ids: readonly string[], ttlSeconds: number): Promise<void>;
}

interface Kept extends StoredPhoto {
  conversationTag: string;
  expiresAt: number;
}

/** The photo store without Redis: one process only, lost on restart, bounded like the Redis one. */
export class MemoryPhotoStore implements PhotoStore {
  private readonly photos = new Map<string, Kept>();

  constructor(
    private readonly limits: PhotoStoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async add(conversationId: string, photo: StoredPhoto): Promise<PhotoAdded> {
    this.dropExpired();
    const id = newPhotoId(conversationId);
    const tag = id.split('-')[0];
    const ofConversation = [...this.photos.values()].filter((kept) => kept.conversationTag === tag);
    if (ofConversation.length >= this.limits.maxPerConversation) return { ok: false, refusal: 'tooManyInConversation' };
    const bytes = ofConversation.reduce((sum, kept) => sum + kept.data.length, 0);
    if (bytes + photo.data.length > this.limits.maxBytesPerConversation) return { ok: false, refusal: 'conversationFull' };
    this.photos.set(id, {
      ...photo,
      data: Buffer.from(photo.data),
      conversationTag: tag,
      expiresAt: this.now() + this.limits.ttlSeconds * 1000,
    });
    return { ok: true, photo: { id, contentType: photo.contentType, bytes: photo.data.length } };
  }

  async get(id: string): Promise<StoredPhoto | undefined> {
    this.dropExpired();
    const kept = this.photos.get(id);
    return kept && { contentType: kept.contentType, data: kept.data };
  }

  async retain(ids: readonly string[], ttlSeconds: number): Promise<void> {
    const until = this.now() + ttlSeconds * 1000;
    for (const id of ids) {
      const kept = this.photos.get(id);
      if (kept) kept.expiresAt = Math.max(kept.expiresAt, until);
    }
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, kept] of this.photos) if (kept.expiresAt <= now) this.photos.delete(id);
  }
}
