import { MemoryStorage, type StoreItems } from 'botbuilder';
import { RedisStorage, StateItemTooLargeError } from '../../src/state/redisStorage';
import { createRedisClient, createStateRedisClient, whenRedisReady } from '../../src/state/redisClient';
import { ETagConflictError, StateUnavailableError } from '../../src/state/stateErrors';
import { connectTestClient, sharedRedisUrl, silentLogger, useSharedRedis } from './redisTestKit';
import { fencedStorageContract, storageContract } from './storageContract';

const options = { ttlSeconds: 3600, maxItemBytes: 10_000 };
const redis = useSharedRedis();

describe('RedisStorage keeps botbuilder Storage semantics', () => {
  storageContract(() => new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix }));
  fencedStorageContract(() => new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix }));

  test("no keys read nothing and no changes write nothing, as botbuilder's storage tests expect", async () => {
    const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix });
    expect(await storage.read(null as unknown as string[])).toEqual({});
    await expect(storage.write(null as unknown as StoreItems)).resolves.toBeUndefined();
    await expect(storage.delete(null as unknown as string[])).resolves.toBeUndefined();
    await expect(storage.write([] as unknown as StoreItems)).resolves.toBeUndefined();
  });
});

describe('botbuilder MemoryStorage (the same semantics, as a reference)', () => {
  storageContract(() => new MemoryStorage());
});

describe('RedisStorage', () => {
  const key = 'webchat/conversations/c-1/';

  test('keys carry the redis.prefix and the conversation as Cluster hash tag', async () => {
    await new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix }).write({ [key]: { step: 1 } });
    expect(await redis.client.keys(`${redis.prefix}*`)).toEqual([`${redis.prefix}state:{webchat/conversations/c-1}/`]);
  });

  test('every write refreshes the TTL', async () => {
    const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix });
    await storage.write({ [key]: { step: 1 } });
    const redisKey = `${redis.prefix}state:{webchat/conversations/c-1}/`;
    await redis.client.expire(redisKey, 5);
    await storage.write({ [key]: { step: 2 } });
    expect(await redis.client.ttl(redisKey)).toBeGreaterThan(3000);
  });

  test('an item over the size limit is refused with a clear error and nothing is written', async () => {
    const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix });
    const write = storage.write({ small: { ok: true }, [key]: { notes: 'x'.repeat(20_000) } });
    await expect(write).rejects.toThrow(StateItemTooLargeError);
    await expect(write).rejects.toThrow(/"webchat\/conversations\/c-1\/" is 200\d\d bytes, over the 10000-byte limit/);
    expect(await storage.read(['small', key])).toEqual({});
  });

  test('an item that is not an object is refused with a clear error', async () => {
    const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix });
    await expect(storage.write({ [key]: 'text' })).rejects.toThrow(/must be an object/);
  });

  describe('an item whose data is not a JSON object', () => {
    const redisKey = () => `${redis.prefix}state:{webchat/conversations/c-1}/`;
    afterEach(() => jest.restoreAllMocks());

    test.each(['{"step": 1', '[1, 2]', 'null', '"text"'])(
      '(%s) is set aside with its TTL, reads as absent, and can be written afresh',
      async (data) => {
        const setAside = jest.fn();
        const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix, onSetAside: setAside });
        await storage.write({ [key]: { step: 1 } });
        await redis.client.hset(redisKey(), 'data', data);
        const eTag = await redis.client.hget(redisKey(), 'eTag');

        expect(await storage.read([key])).toEqual({});
        expect(setAside).toHaveBeenCalledWith(key, eTag);
        const asideKey = `${redisKey()}:unreadable:${eTag}`;
        expect(await redis.client.hgetall(asideKey)).toEqual({ eTag, data });
        expect(await redis.client.ttl(asideKey)).toBeGreaterThan(3000);
        await storage.write({ [key]: { step: 2 } });
        expect((await storage.read([key]))[key]).toMatchObject({ step: 2 });
      },
    );

    test('is not set aside once a turn has written the conversation afresh', async () => {
      const setAside = jest.fn();
      const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix, onSetAside: setAside });
      await storage.write({ [key]: { step: 1 } });
      await redis.client.hset(redisKey(), 'data', 'garbage');
      // Another instance writes the conversation afresh between this read and its setting aside.
      const hmget = redis.client.hmget.bind(redis.client);
      jest.spyOn(redis.client, 'hmget').mockImplementationOnce(async (...args: Parameters<typeof hmget>) => {
        const found = await hmget(...args);
        await storage.write({ [key]: { step: 'afresh' } });
        return found;
      });

      expect(await storage.read([key])).toEqual({});
      expect(setAside).not.toHaveBeenCalled();
      expect((await storage.read([key]))[key]).toMatchObject({ step: 'afresh' });
    });
  });

  test('Redis unreachable comes out as a StateUnavailableError; an error Redis answered, as it was', async () => {
    const unreachable = createRedisClient(
      { connection: { kind: 'single', url: 'redis://127.0.0.1:1' }, keyPrefix: '', connectTimeoutMs: 200, commandTimeoutMs: 200 },
      silentLogger,
    );
    try {
      const down = new RedisStorage(unreachable, { ...options, keyPrefix: redis.prefix });
      await expect(down.read([key])).rejects.toThrow(StateUnavailableError);
      await expect(down.write({ [key]: { step: 1 } })).rejects.toThrow(StateUnavailableError);
    } finally {
      unreachable.disconnect();
    }
    await redis.client.set(`${redis.prefix}state:{webchat/conversations/c-1}/`, 'a string where a hash belongs');
    const wrongType = await new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix })
      .read([key])
      .catch((error: unknown) => error);
    expect(wrongType).not.toBeInstanceOf(StateUnavailableError);
    expect(String(wrongType)).toMatch(/WRONGTYPE/);
  });

  test('a first write into a batch that other commands are already filling (auto-pipelining) goes through', async () => {
    const client = createStateRedisClient(
      { connection: { kind: 'single', url: sharedRedisUrl }, keyPrefix: '', connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 },
      silentLogger,
    );
    try {
      await whenRedisReady(client, 5_000);
      const storage = new RedisStorage(client, { ...options, keyPrefix: redis.prefix });
      const dialogs = 'webchat/conversations/c-1/dialogs';
      const [pong] = await Promise.all([
        client.ping(),
        storage.write({ [key]: { step: 1 } }),
        storage.write({ [key]: { step: 2 }, [dialogs]: { stack: [] } }),
      ]);
      expect(pong).toBe('PONG');
      expect(Object.keys(await storage.read([key, dialogs]))).toEqual([key, dialogs]);
    } finally {
      client.disconnect();
    }
  });

  test('more items of one conversation than a write takes are refused before anything is written', async () => {
    const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix });
    const items = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${key}part-${i}`, { i }]));
    await expect(storage.write(items)).rejects.toThrow(/at most 4 items of .*c-1.* in one write; nothing was written/);
    expect(await storage.read(Object.keys(items))).toEqual({});
  });

  test('a write to two keys of one conversation is all or nothing', async () => {
    const storage = new RedisStorage(redis.client, { ...options, keyPrefix: redis.prefix });
    const dialogs = 'webchat/conversations/c-1/dialogs';
    await storage.write({ [key]: { step: 1 }, [dialogs]: { stack: [] } });
    const stale = await storage.read([key]);
    await storage.write({ [key]: { step: 2 } });
    const write = storage.write({ [dialogs]: { stack: ['changed'] }, [key]: { ...stale[key], step: 3 } });
    await expect(write).rejects.toThrow(ETagConflictError);
    expect((await storage.read([dialogs]))[dialogs].stack).toEqual([]);
  });

  test('two clients interleaving random reads, writes and deletes agree with a simple model', async () => {
    const second = await connectTestClient();
    try {
      const clients = [redis.client, second].map((c) => new RedisStorage(c, { ...options, keyPrefix: redis.prefix }));
      const keys = ['t/conversations/a/', 't/conversations/b/', 't/users/u/'];
      const model = new Map<string, { value: number; eTag: string }>();
      const staleETags = new Map<string, string>();
      let seed = 42;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      for (let step = 0; step < 300; step++) {
        const storage = clients[random(2)];
        const k = keys[random(keys.length)];
        const known = model.get(k);
        const value = step;
        switch (random(5)) {
          case 0: {
            const read = await storage.read([k]);
            expect(read[k] && { value: read[k].value, eTag: read[k].eTag }).toEqual(known);
            break;
          }
          case 1:
            await storage.write({ [k]: { value, eTag: '*' } });
            break;
          case 2:
            await storage.write({ [k]: { value, eTag: known?.eTag } });
            break;
          case 3: {
            const stale = staleETags.get(k);
            if (!known || !stale || stale === known.eTag) continue;
            await expect(storage.write({ [k]: { value, eTag: stale } })).rejects.toThrow(ETagConflictError);
            continue;
          }
          case 4:
            await storage.delete([k]);
            model.delete(k);
            continue;
        }
        const now = (await storage.read([k]))[k];
        if (now) {
          if (known) staleETags.set(k, known.eTag);
          model.set(k, { value: now.value, eTag: now.eTag });
        }
      }
    } finally {
      second.disconnect();
    }
  });

  test('concurrent compare-and-set increments from two clients lose no update', async () => {
    const second = await connectTestClient();
    try {
      const increments = async (storage: RedisStorage, count: number) => {
        let done = 0;
        while (done < count) {
          const current = (await storage.read([key]))[key] ?? { counter: 0 };
          try {
            await storage.write({ [key]: { ...current, counter: current.counter + 1 } });
            done++;
          } catch (error) {
            if (!(error instanceof ETagConflictError)) throw error;
          }
        }
      };
      const storages = [redis.client, second].map((c) => new RedisStorage(c, { ...options, keyPrefix: redis.prefix }));
      await storages[0].write({ [key]: { counter: 0 } });
      await Promise.all([increments(storages[0], 50), increments(storages[1], 50)]);
      expect((await storages[0].read([key]))[key].counter).toBe(100);
    } finally {
      second.disconnect();
    }
  });
});
