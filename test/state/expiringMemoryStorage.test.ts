import { ExpiringMemoryStorage } from '../../src/state/expiringMemoryStorage';
import { fencedStorageContract, storageContract } from './storageContract';

describe('ExpiringMemoryStorage keeps botbuilder Storage semantics', () => {
  storageContract(() => new ExpiringMemoryStorage(3600));
  fencedStorageContract(() => new ExpiringMemoryStorage(3600));
});

describe('ExpiringMemoryStorage', () => {
  const key = 'webchat/conversations/c-1/';
  const other = 'webchat/conversations/c-2/';
  let clock = 0;
  const storage = () => new ExpiringMemoryStorage(60, () => clock);
  beforeEach(() => {
    clock = 0;
  });

  test('an item nobody writes for the TTL is forgotten', async () => {
    const store = storage();
    await store.write({ [key]: { step: 1 } });
    clock = 59_999;
    expect(Object.keys(await store.read([key]))).toEqual([key]);
    clock = 60_000;
    expect(await store.read([key])).toEqual({});
  });

  test('every write starts the TTL again, so a conversation in progress is kept', async () => {
    const store = storage();
    await store.write({ [key]: { step: 1 } });
    clock = 50_000;
    await store.write({ [key]: { step: 2 } });
    clock = 100_000;
    expect((await store.read([key]))[key].step).toBe(2);
  });

  test('only the expired items go', async () => {
    const store = storage();
    await store.write({ [key]: { step: 1 } });
    clock = 30_000;
    await store.write({ [other]: { step: 1 } });
    clock = 70_000;
    expect(Object.keys(await store.read([key, other]))).toEqual([other]);
  });

  test('an expired item is gone from memory, not only hidden', async () => {
    const store = storage();
    await store.write({ [key]: { step: 1 } });
    clock = 60_000;
    await store.read([]);
    clock = 0; // were it still held, it would be live again at this time
    expect(await store.read([key])).toEqual({});
  });
});
