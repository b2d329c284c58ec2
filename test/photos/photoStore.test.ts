import { MemoryPhotoStore, type PhotoStore, type PhotoStoreLimits } from '../../src/photos/photoStore';
import { RedisPhotoStore } from '../../src/photos/redisPhotoStore';
import { useSharedRedis } from '../state/redisTestKit';
import { jpegPhoto, pngPhoto } from '../support/photos';

const limits: PhotoStoreLimits = { maxPerConversation: 3, maxBytesPerConversation: 300, ttlSeconds: 60 };
const redis = useSharedRedis();

describe.each([
  ['in memory', () => new MemoryPhotoStore(limits)],
  ['in Redis', () => new RedisPhotoStore(redis.client, { ...limits, keyPrefix: redis.prefix })],
])('the photo store %s', (_where, makeStore: () => PhotoStore) => {
  it('gives back exactly the bytes it kept, with their type', async () => {
    const store = makeStore();
    // Every byte value, so nothing is read back as text.
    const everyByte = Buffer.concat([jpegPhoto.subarray(0, 4), Buffer.from(Array.from({ length: 120 }, (_, i) => (i * 37) % 256))]);
    const added = await store.add('conversation-a', { contentType: 'image/jpeg', data: everyByte });
    expect(added).toEqual({
      ok: true,
      photo: { id: expect.stringMatching(/^[0-9a-f]{16}-[0-9a-f]{24}$/), contentType: 'image/jpeg', bytes: everyByte.length },
    });
    const photo = await store.get((added as { photo: { id: string } }).photo.id);
    expect(photo?.contentType).toBe('image/jpeg');
    expect(photo?.data.equals(everyByte)).toBe(true);
    expect(await store.get('0123456789abcdef-000000000000000000000000')).toBeUndefined();
  });

  it("bounds each conversation's count and bytes, not the others'", async () => {
    const store = makeStore();
    const small = { contentType: 'image/png' as const, data: pngPhoto };
    for (let i = 0; i < 3; i++) expect((await store.add('conversation-b', small)).ok).toBe(true);
    expect(await store.add('conversation-b', small)).toEqual({ ok: false, refusal: 'tooManyInConversation' });
    expect((await store.add('conversation-c', small)).ok).toBe(true);
    expect(await store.add('conversation-c', { contentType: 'image/png', data: Buffer.alloc(300 - pngPhoto.length + 1) })).toEqual({
      ok: false,
      refusal: 'conversationFull',
    });
  });
});

describe('the photo store in Redis', () => {
  it("keeps a photo the conversation's life, then a ticket's, never shortened", async () => {
    const store = new RedisPhotoStore(redis.client, { ...limits, keyPrefix: redis.prefix });
    const added = await store.add('conversation-d', { contentType: 'image/png', data: pngPhoto });
    if (!added.ok) throw new Error('not kept');
    const [photoKey] = await redis.client.keys(`${redis.prefix}photo:*`);
    const [usageKey] = await redis.client.keys(`${redis.prefix}photos:*`);
    expect(await redis.client.ttl(photoKey)).toBeGreaterThan(55);
    await store.retain([added.photo.id], 7 * 24 * 3600);
    expect(await redis.client.ttl(photoKey)).toBeGreaterThan(7 * 24 * 3600 - 5);
    expect(await redis.client.ttl(usageKey)).toBeGreaterThan(7 * 24 * 3600 - 5);
    await store.retain([added.photo.id], 60);
    expect(await redis.client.ttl(photoKey)).toBeGreaterThan(7 * 24 * 3600 - 5);
  });
});
