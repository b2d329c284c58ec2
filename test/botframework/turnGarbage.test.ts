import { setFlagsFromString, getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Activity, TurnContext } from 'botbuilder';
import { EndpointAdapter } from '../../src/channels/botFrameworkEndpoint';
import { BotFrameworkRequestAuthentication } from '../../src/security/botFrameworkAuthentication';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major'; execution: 'sync' }) => void;

const authentication = new BotFrameworkRequestAuthentication({
  appId: undefined,
  appPassword: undefined,
  appType: 'MultiTenant',
  tenantId: undefined,
});
const turnCount = 40;
/** What each turn holds in its turn state: about 32 KB. */
const heldPerTurnBytes = 4_000 * 8;

const oldSpaceUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;

/**
 * Runs the turns one after another, then two young-generation collections: what they move to the old
 * generation is what finished turns still kept reachable. A turn's garbage that survives the young
 * generation is copied twice and then waits for a full collection: under load that was most of every
 * turn, and the scavenges' pauses were the tail of the latency (docs/benchmarks.md).
 */
async function promotedByFinishedTurns(
  adapter: EndpointAdapter,
  logic: (context: TurnContext, n: number) => Promise<void>,
): Promise<number> {
  const turns = async (tag: string) => {
    for (let n = 0; n < turnCount; n += 1) {
      const activity = {
        type: 'message',
        id: `${tag}-${n}`,
        text: 'hello',
        channelId: 'webchat',
        serviceUrl: 'http://127.0.0.1:9',
        conversation: { id: `conversation-${n}` },
        from: { id: 'driver' },
        recipient: { id: 'bot' },
        deliveryMode: 'expectReplies',
      } as Activity;
      const authenticated = await authentication.authenticateRequest(activity, '');
      await adapter.runTurn(authenticated, activity, (context) => logic(context, n));
    }
  };
  await turns('warm-up');
  gc();
  const before = oldSpaceUsed();
  await turns('measured');
  gc({ type: 'minor', execution: 'sync' });
  gc({ type: 'minor', execution: 'sync' });
  return oldSpaceUsed() - before;
}

const holdInTurnState = (context: TurnContext, n: number) => context.turnState.set('held', new Array<number>(4_000).fill(n + 0.5));
const heldByAllTurns = turnCount * heldPerTurnBytes;

describe("a finished turn is the young generation's garbage", () => {
  it("after the endpoint adapter's middleware and a reply", async () => {
    const promoted = await promotedByFinishedTurns(new EndpointAdapter(authentication, 2_000), async (context, n) => {
      holdInTurnState(context, n);
      await context.sendActivity('reply');
    });
    expect(promoted).toBeLessThan(heldByAllTurns / 2);
  });
});
