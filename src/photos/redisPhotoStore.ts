import { conversationTag, newPhotoId } from './photoReference';
import type { PhotoContentType } from './imageType';
import type { PhotoAdded, PhotoStore, PhotoStoreLimits, StoredPhoto } from './photoStore';
import { type RedisClient, scriptCommand, type ScriptCommand, stateCommand } from '../state/redisClient';

/*
 * KEYS[1] the photo (a hash: type, data), KEYS[2] its conversation's usage (count, bytes).
 * ARGV: type, data, max count, max bytes, TTL seconds. The check and the write are one step, so
 * photos uploaded at once through several instances cannot pass the bounds together.
 */
const addPhoto = `
local count = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
local bytes = tonumber(redis.call('HGET', KEYS[2], 'bytes') or '0')
if count + 1 > tonumber(ARGV[3]) then return 'tooManyInConversation' end
if bytes + #ARGV[2] > tonumber(ARGV[4]) then return 'conversationFull' end
redis.call('HSET', KEYS[1], 'type', ARGV[1], 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('HINCRBY', KEYS[2], 'bytes', #ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[5], 'GT')
if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[5]) end
return 'ok'
`;

/**
 * Photos in Redis, binary-safe (the bytes go as they are, never as text), each expiring on its own;
 * a usage hash per conversation bounds its count and bytes and lives as long as its longest photo.
 * Keys: `prefix + photo:{tag}:id` and `prefix + photos:{tag}`, the tag (the conversation's) being
 * the Cluster hash tag, so one script sees both.
 */
export class RedisPhotoStore implements PhotoStore {
  private readonly addScript: ScriptCommand<string>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: PhotoStoreLimits & { keyPrefix: string },
  ) {
    this.addScript = scriptCommand<string>(redis, 'evcAddPhoto', 2, addPhoto);
  }

  async add(conversationId: string, photo: StoredPhoto): Promise<PhotoAdded> {
    const id = newPhotoId(conversationId);
    const { maxPerConversation, maxBytesPerConversation, ttlSeconds } = this.options;
    const args = [
      this.photoKey(id),
      this.usageKey(conversationTag(conversationId)),
      photo.contentType,
      photo.data,
      maxPerConversation,
      maxBytesPerConversation,
      ttlSeconds,
    ];
    const answer = await stateCommand(this.redis, () => this.addScript(...(args as (string | number)[])));
    if (answer !== 'ok') return { ok: false, refusal: answer as Exclude<PhotoAdded, { ok: true }>['refusal'] };
    return { ok: true, photo: { id, contentType: photo.contentType, bytes: photo.data.length } };
  }

  async get(id: string): Promise<StoredPhoto | undefined> {
    const [type, data] = await stateCommand(this.redis, () => this.redis.hmgetBuffer(this.photoKey(id), 'type', 'data'));
    if (!type || !data) return undefined;
    return { contentType: type.toString('latin1') as PhotoContentType, data };
  }

  async retain(ids: readonly string[], ttlSeconds: number): Promise<void> {
    // GT: a photo kept longer already (by another ticket of the conversation) is not shortened. The
    // usage hash lives as long as the longest photo, so the conversation's bounds hold meanwhile.
    const keys = [...ids.map((id) => this.photoKey(id)), ...new Set(ids.map((id) => this.usageKey(id.split('-')[0])))];
    await Promise.all(keys.map((key) => stateCommand(this.redis, () => this.redis.expire(key, ttlSeconds, 'GT'))));
  }

  private photoKey(id: string): string {
    return `${this.options.keyPrefix}photo:{${id.split('-')[0]}}:${id}`;
  }

  private usageKey(tag: string): string {
    return `${this.options.keyPrefix}photos:{${tag}}`;
  }
}
