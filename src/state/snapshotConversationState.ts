import { ConversationState, type TurnContext } from 'botbuilder';

type StateObject = Record<string, unknown> & { eTag?: string };

interface CachedState {
  state: StateObject;
  /** The state as it was loaded or last saved, without its eTag: what "changed" is measured against. */
  snapshot: string;
}

function snapshotOf(state: StateObject): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * ConversationState with a cheaper change check. botbuilder's BotState hashes the whole state (a
 * stringify that calls a JavaScript replacer for every value, then SHA-256) once when it loads and
 * twice when it saves; with the transcript in the state that was the largest cost of a turn after
 * Redis I/O (README, Benchmark). Here a turn compares one native `JSON.stringify` with the one taken
 * at load. The rest is BotState's behaviour: unchanged state is not written, and writes go out with
 * eTag `*` (the conversation lock, not the eTag, keeps turns apart).
 */
export class SnapshotConversationState extends ConversationState {
  private readonly cacheKey = Symbol('snapshotConversationState');

  override async load(context: TurnContext, force = false): Promise<StateObject> {
    const cached = context.turnState.get<CachedState>(this.cacheKey);
    if (cached && !force) return cached.state;
    // A forced read that fails must not leave the earlier state behind for the rest of the turn
    // (the turn error handler saves what is cached).
    context.turnState.delete(this.cacheKey);
    const key = await this.storageKey(context);
    const state: StateObject = (await this.storage.read([key]))[key] ?? {};
    context.turnState.set(this.cacheKey, { state, snapshot: snapshotOf(state) } satisfies CachedState);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const cached = context.turnState.get<CachedState>(this.cacheKey);
    if (!cached && !force) return;
    const state = cached?.state ?? {};
    const snapshot = snapshotOf(state);
    if (!force && snapshot === cached?.snapshot) return;
    state.eTag = '*';
    await this.storage.write({ [await this.storageKey(context)]: state });
    context.turnState.set(this.cacheKey, { state, snapshot } satisfies CachedState);
  }

  override async clear(context: TurnContext): Promise<void> {
    // An empty snapshot never equals a state's: the cleared state is written on the next save.
    context.turnState.set(this.cacheKey, { state: {}, snapshot: '' } satisfies CachedState);
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    await this.storage.delete([await this.storageKey(context)]);
  }

  override get(context: TurnContext): StateObject | undefined {
    return context.turnState.get<CachedState>(this.cacheKey)?.state;
  }
}
