import { ConversationState, type TurnContext } from 'botbuilder';
import { readJsonOf, withJsonToWrite } from './jsonObject';

type StateObject = Record<string, unknown> & { eTag?: string };

interface CachedState {
  state: StateObject;
  /** The state as it was loaded or last saved, without its eTag: what "changed" is measured against. */
  snapshot: string;
  /** What the next save expects to find stored: the eTag read (under the conversation lock) or last written. */
  eTag: string;
}

/**
 * The eTag a save of state that was not stored when it was read expects. No stored item has it,
 * so the save is refused if another turn stored the conversation meanwhile.
 */
const notStored = 'not-stored';

function snapshotOf(state: StateObject): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * ConversationState with a cheaper change check. botbuilder's BotState hashes the whole state (a
 * stringify that calls a JavaScript replacer for every value, then SHA-256) once when it loads and
 * twice when it saves; with the transcript in the state that was the largest cost of a turn after
 * Redis I/O (docs/benchmarks.md). Here a turn compares one native `JSON.stringify` with the one taken
 * at load. As in BotState, unchanged state is not written.
 *
 * Saves are fenced: a save expects the eTag this turn read (under the conversation lock) and is
 * refused with an `ETagConflictError` when a later turn saved first, as when a turn outlived its
 * lock; it never silently overwrites that turn. The storage must give a written item its new eTag
 * (RedisStorage and ExpiringMemoryStorage do), so that a second save in the same turn is fenced by
 * the first. Only a forced save of state never read goes out with `*`.
 */
export class SnapshotConversationState extends ConversationState {
  private readonly cacheKey = Symbol('snapshotConversationState');
  private readonly heldKey = Symbol('snapshotConversationState.savesHeld');

  /**
   * From now on this turn's saves are held until `saveHeld`: the turn guard writes the state at the
   * turn's end, in the same round trip as its redelivery mark and the lock's release.
   */
  holdSaves(context: TurnContext): void {
    context.turnState.set(this.heldKey, true);
  }

  /**
   * Writes what the turn changed (one save for however many were asked for) and stops holding.
   * `alongside` is called as soon as the write has gone to the storage, before it is answered: what
   * it sends on the same Redis connection runs after the write, in the same round trip.
   */
  async saveHeld(context: TurnContext, alongside: () => Promise<unknown>): Promise<void> {
    const held = context.turnState.get(this.heldKey) === true;
    context.turnState.delete(this.heldKey);
    const key = held ? await this.storageKey(context) : undefined;
    const [written] = await Promise.allSettled([key === undefined ? undefined : this.writeChanges(context, key, false), alongside()]);
    if (written.status === 'rejected') throw written.reason;
  }

  override async load(context: TurnContext, force = false): Promise<StateObject> {
    const cached = context.turnState.get<CachedState>(this.cacheKey);
    if (cached && !force) return cached.state;
    // A forced read that fails must not leave the earlier state behind for the rest of the turn
    // (the turn error handler saves what is cached).
    context.turnState.delete(this.cacheKey);
    const key = await this.storageKey(context);
    const stored: StateObject | undefined = (await this.storage.read([key]))[key];
    const state = stored ?? {};
    context.turnState.set(this.cacheKey, {
      state,
      snapshot: readJsonOf(state) ?? snapshotOf(state),
      eTag: stored?.eTag ?? notStored,
    } satisfies CachedState);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    if (context.turnState.get(this.heldKey)) return;
    await this.writeChanges(context, await this.storageKey(context), force);
  }

  /** Hands the storage its write at once (no await before it), so `saveHeld` can send more behind it. */
  private async writeChanges(context: TurnContext, key: string, force: boolean): Promise<void> {
    const cached = context.turnState.get<CachedState>(this.cacheKey);
    if (!cached && !force) return;
    const state = cached?.state ?? {};
    const snapshot = snapshotOf(state);
    if (!force && snapshot === cached?.snapshot) return;
    const item: StateObject = withJsonToWrite({ ...state, eTag: cached?.eTag ?? '*' }, snapshot);
    await this.storage.write({ [key]: item });
    context.turnState.set(this.cacheKey, { state, snapshot, eTag: item.eTag ?? '*' } satisfies CachedState);
  }

  override async clear(context: TurnContext): Promise<void> {
    // An empty snapshot never equals a state's: the cleared state is written on the next save, fenced as any.
    const eTag = context.turnState.get<CachedState>(this.cacheKey)?.eTag ?? '*';
    context.turnState.set(this.cacheKey, { state: {}, snapshot: '', eTag } satisfies CachedState);
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    await this.storage.delete([await this.storageKey(context)]);
  }

  override get(context: TurnContext): StateObject | undefined {
    return context.turnState.get<CachedState>(this.cacheKey)?.state;
  }
}
