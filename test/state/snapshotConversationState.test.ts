import { type Activity, type Storage, TestAdapter, TurnContext } from 'botbuilder';
import { ExpiringMemoryStorage } from '../../src/state/expiringMemoryStorage';
import { RedisStorage } from '../../src/state/redisStorage';
import { SnapshotConversationState } from '../../src/state/snapshotConversationState';
import { ETagConflictError } from '../../src/state/stateErrors';
import { useSharedRedis } from './redisTestKit';

const activity = {
  type: 'message',
  channelId: 'test',
  conversation: { id: 'c-1' },
  from: { id: 'user' },
  recipient: { id: 'bot' },
} as Activity;
const storageKey = 'test/conversations/c-1/';

const redis = useSharedRedis();
const storages: [string, () => Storage][] = [
  ['in memory', () => new ExpiringMemoryStorage(3600)],
  ['on Redis', () => new RedisStorage(redis.client, { keyPrefix: redis.prefix, ttlSeconds: 3600, maxItemBytes: 100_000 })],
];

/** Fresh turns over the same storage, with its writes counted. */
function setupOn(storageUnderTest: () => Storage) {
  const storage = storageUnderTest();
  const write = jest.spyOn(storage, 'write');
  const state = new SnapshotConversationState(storage);
  const steps = state.createProperty<{ step: number }>('progress');
  const turn = () => new TurnContext(new TestAdapter(), activity);
  /** A turn that sets the progress to `step` and saves it. */
  const savedTurn = async (step: number) => {
    const context = turn();
    await steps.set(context, { step });
    await state.saveChanges(context);
  };
  return { storage, write, state, steps, turn, savedTurn };
}

describe.each(storages)('SnapshotConversationState %s', (_where, storageUnderTest) => {
  const setup = () => setupOn(storageUnderTest);

  test('a changed property is written at the end of the turn and read back in the next', async () => {
    const { steps, turn, savedTurn } = setup();
    await savedTurn(1);

    const second = turn();
    expect(await steps.get(second)).toEqual({ step: 1 });
  });

  test('a change deep inside the state counts as a change', async () => {
    const { state, steps, write, turn, savedTurn } = setup();
    await savedTurn(1);

    const second = turn();
    (await steps.get(second))!.step = 2;
    await state.saveChanges(second);
    expect(write).toHaveBeenCalledTimes(2);
    expect(await steps.get(turn())).toEqual({ step: 2 });
  });

  test('a turn that only reads writes nothing, although the stored item carries an eTag', async () => {
    const { state, steps, write, turn, savedTurn } = setup();
    await savedTurn(1);
    write.mockClear();

    const second = turn();
    await steps.get(second);
    await state.saveChanges(second);
    expect(write).not.toHaveBeenCalled();
  });

  test('saving twice in one turn writes once, and a turn that never loaded writes nothing', async () => {
    const { state, steps, write, turn } = setup();
    const context = turn();
    await steps.set(context, { step: 1 });
    await state.saveChanges(context);
    await state.saveChanges(context);
    await state.saveChanges(turn());
    expect(write).toHaveBeenCalledTimes(1);
  });

  test('force writes an unchanged state', async () => {
    const { state, steps, write, turn } = setup();
    const context = turn();
    await steps.get(context, { step: 1 });
    await state.saveChanges(context);
    await state.saveChanges(context, true);
    expect(write).toHaveBeenCalledTimes(2);
  });

  test('a save expects the eTag its turn read: when a later turn saved first, it is refused and the later state stands', async () => {
    const { state, steps, turn, savedTurn } = setup();
    await savedTurn(1);
    const late = turn();
    (await steps.get(late))!.step = 2;
    await savedTurn(3);
    await expect(state.saveChanges(late)).rejects.toThrow(ETagConflictError);
    expect(await steps.get(turn())).toEqual({ step: 3 });
  });

  test('state read before it was ever stored: a save is refused if another turn stored it meanwhile', async () => {
    const { state, steps, turn, savedTurn } = setup();
    const late = turn();
    await steps.set(late, { step: 2 });
    await savedTurn(3);
    await expect(state.saveChanges(late)).rejects.toThrow(ETagConflictError);
    expect(await steps.get(turn())).toEqual({ step: 3 });
  });

  test('a second save in the same turn is fenced by the first, not by what was read', async () => {
    const { state, steps, turn, savedTurn } = setup();
    await savedTurn(1);
    const context = turn();
    await steps.set(context, { step: 2 });
    await state.saveChanges(context);
    await steps.set(context, { step: 3 });
    await state.saveChanges(context);
    expect(await steps.get(turn())).toEqual({ step: 3 });
  });

  test('clear empties the state for the rest of the turn and the next save stores it empty', async () => {
    const { state, steps, turn, savedTurn } = setup();
    await savedTurn(3);

    const second = turn();
    await state.clear(second);
    expect(state.get(second)).toEqual({});
    await state.saveChanges(second);
    expect(await steps.get(turn())).toBeUndefined();
  });

  test('delete removes the stored item', async () => {
    const { storage, state, turn, savedTurn } = setup();
    await savedTurn(1);

    await state.delete(turn());
    expect(await storage.read([storageKey])).toEqual({});
  });

  test('load with force reads storage again, dropping what the turn had not saved', async () => {
    const { state, steps, turn } = setup();
    const context = turn();
    await steps.set(context, { step: 1 });
    await state.load(context, true);
    expect(await steps.get(context)).toBeUndefined();
  });

  test('a forced read that fails leaves nothing of the earlier read cached, so the turn reads afresh', async () => {
    const { storage, state, steps, turn } = setup();
    const context = turn();
    await steps.get(context, { step: 0 });
    // Meanwhile the turn that held the lock saved; the forced read of it fails once.
    await storage.write({ [storageKey]: { progress: { step: 5 } } });
    jest.spyOn(storage, 'read').mockRejectedValueOnce(new Error('BUSY'));
    await expect(state.load(context, true)).rejects.toThrow('BUSY');
    expect(await steps.get(context)).toEqual({ step: 5 });
  });

  test('held saves write nothing until saveHeld, which writes the last state once and sends its follow-up behind the write', async () => {
    const { state, steps, write, turn } = setup();
    const context = turn();
    state.holdSaves(context);
    await steps.set(context, { step: 1 });
    await state.saveChanges(context);
    await steps.set(context, { step: 2 });
    await state.saveChanges(context);
    expect(write).not.toHaveBeenCalled();

    const writesWhenFollowUpSent: number[] = [];
    await state.saveHeld(context, async () => writesWhenFollowUpSent.push(write.mock.calls.length));
    expect(writesWhenFollowUpSent).toEqual([1]);
    expect(write).toHaveBeenCalledTimes(1);
    expect(await steps.get(turn())).toEqual({ step: 2 });
    // No longer held: a later save in the turn is written as usual.
    await steps.set(context, { step: 3 });
    await state.saveChanges(context);
    expect(write).toHaveBeenCalledTimes(2);
  });

  test('saveHeld of a turn that held nothing only sends the follow-up; a refused held write still sends it, then fails', async () => {
    const { state, steps, write, turn, savedTurn } = setup();
    const followUps: string[] = [];
    await state.saveHeld(turn(), async () => followUps.push('not held'));
    expect(write).not.toHaveBeenCalled();

    const late = turn();
    state.holdSaves(late);
    await steps.set(late, { step: 7 });
    await savedTurn(8);
    await expect(state.saveHeld(late, async () => followUps.push('after a refused write'))).rejects.toBeInstanceOf(ETagConflictError);
    expect(followUps).toEqual(['not held', 'after a refused write']);
    expect(await steps.get(turn())).toEqual({ step: 8 });
  });
});
