import { readJsonOf, withJsonToWrite } from '../../src/state/jsonObject';
import type { Storage } from 'botbuilder';
import { ETagConflictError } from '../../src/state/stateErrors';

/**
 * botbuilder's Storage semantics, one test each. Run against MemoryStorage too, to show that
 * RedisStorage behaves as botbuilder's own store does.
 */
export function storageContract(storageUnderTest: () => Storage): void {
  const key = 'msteams/conversations/a:1/';
  let storage: Storage;
  beforeEach(() => {
    storage = storageUnderTest();
  });

  test('a missing key is absent from the read result', async () => {
    await storage.write({ [key]: { step: 1 } });
    const items = await storage.read([key, 'msteams/conversations/missing/']);
    expect(Object.keys(items)).toEqual([key]);
  });

  test('a written item reads back with its eTag', async () => {
    await storage.write({ [key]: { step: 1, nested: { list: ['a'] } } });
    const items = await storage.read([key]);
    expect(items[key]).toEqual({ step: 1, nested: { list: ['a'] }, eTag: expect.any(String) });
  });

  test('every write gives the item a new eTag', async () => {
    await storage.write({ [key]: { step: 1 } });
    const first = (await storage.read([key]))[key].eTag;
    await storage.write({ [key]: { step: 1 } });
    const second = (await storage.read([key]))[key].eTag;
    expect(second).not.toEqual(first);
  });

  test('eTag "*" writes unconditionally', async () => {
    await storage.write({ [key]: { step: 1 } });
    await storage.write({ [key]: { step: 2, eTag: '*' } });
    expect((await storage.read([key]))[key].step).toBe(2);
  });

  test('no eTag writes unconditionally', async () => {
    await storage.write({ [key]: { step: 1 } });
    await storage.write({ [key]: { step: 2 } });
    expect((await storage.read([key]))[key].step).toBe(2);
  });

  test('the current eTag writes', async () => {
    await storage.write({ [key]: { step: 1 } });
    const current = (await storage.read([key]))[key];
    await storage.write({ [key]: { ...current, step: 2 } });
    expect((await storage.read([key]))[key].step).toBe(2);
  });

  test('a stale eTag rejects with an eTag conflict and writes nothing', async () => {
    await storage.write({ [key]: { step: 1 } });
    const stale = (await storage.read([key]))[key];
    await storage.write({ [key]: { step: 2 } });
    await expect(storage.write({ [key]: { ...stale, step: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read([key]))[key].step).toBe(2);
  });

  test('delete removes the item, and deleting a missing key is fine', async () => {
    await storage.write({ [key]: { step: 1 } });
    await storage.delete([key, 'msteams/conversations/missing/']);
    expect(await storage.read([key])).toEqual({});
  });

  test('the caller keeps its own copy: changing it after a write changes nothing stored', async () => {
    const item = { step: 1, list: [1] };
    await storage.write({ [key]: item });
    item.list.push(2);
    expect((await storage.read([key]))[key].list).toEqual([1]);
  });
}

/**
 * What the conversation state's fenced saves need of our stores, beyond botbuilder's semantics
 * (its MemoryStorage does not give the writer the new eTag).
 */
export function fencedStorageContract(storageUnderTest: () => Storage): void {
  const key = 'msteams/conversations/a:1/';
  let storage: Storage;
  beforeEach(() => {
    storage = storageUnderTest();
  });

  test('a written item gets its new eTag, so its writer can write it again fenced by it', async () => {
    const item: { step: number; eTag?: string } = { step: 1 };
    await storage.write({ [key]: item });
    expect(item.eTag).toBe((await storage.read([key]))[key].eTag);
    item.step = 2;
    await storage.write({ [key]: item });
    expect((await storage.read([key]))[key]).toEqual({ step: 2, eTag: item.eTag });
  });

  test('an eTag for an item not stored writes it; once someone stored it, the same eTag is refused with an ETagConflictError', async () => {
    await storage.write({ [key]: { step: 1, eTag: 'not-stored' } });
    await expect(storage.write({ [key]: { step: 2, eTag: 'not-stored' } })).rejects.toThrow(ETagConflictError);
    expect((await storage.read([key]))[key].step).toBe(1);
  });

  test('an item says the JSON it was read as; changed in place and written back, it is written as it now is', async () => {
    await storage.write({ [key]: { step: 1, notes: ['a'] } });
    const read = (await storage.read([key]))[key] as { step: number; notes: string[]; eTag: string };
    expect(readJsonOf(read)).toBe('{"step":1,"notes":["a"]}');
    read.step = 2;
    read.notes.push('b');
    await storage.write({ [key]: read });
    expect((await storage.read([key]))[key]).toMatchObject({ step: 2, notes: ['a', 'b'] });
  });

  test("an item's writer can hand over the JSON it already made: that is what is stored", async () => {
    await storage.write({ [key]: withJsonToWrite({ step: 1 }, '{"step":1,"made":"by the writer"}') });
    expect((await storage.read([key]))[key]).toMatchObject({ step: 1, made: 'by the writer' });
  });
}
