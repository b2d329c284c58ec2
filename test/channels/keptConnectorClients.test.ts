import type { Activity, TurnContext } from 'botbuilder';
import type { ConnectorFactory } from 'botframework-connector';
import { EndpointAdapter } from '../../src/channels/botFrameworkEndpoint';
import { KeptByKey } from '../../src/keptByKey';
import { BotFrameworkRequestAuthentication } from '../../src/security/botFrameworkAuthentication';
import { fakeBotConnector, type FakeBotConnector } from '../support/fakeBotConnector';

const emulatorMode = () =>
  new BotFrameworkRequestAuthentication({ appId: undefined, appPassword: undefined, appType: 'MultiTenant', tenantId: undefined });

function messageTo(serviceUrl: string, n: number): Activity {
  return {
    type: 'message',
    id: `m-${n}`,
    text: 'hello',
    channelId: 'webchat',
    serviceUrl,
    conversation: { id: `conversation-${n}` },
    from: { id: 'driver' },
    recipient: { id: 'bot' },
  } as Activity;
}

describe('connector clients, kept between turns', () => {
  let connector: FakeBotConnector;
  let other: FakeBotConnector;
  beforeAll(async () => ([connector, other] = await Promise.all([fakeBotConnector(), fakeBotConnector()])));
  afterAll(() => Promise.all([connector.close(), other.close()]));

  it('one client per service URL serves every turn, and each reply still reaches its connector', async () => {
    const authentication = emulatorMode();
    const adapter = new EndpointAdapter(authentication, 2_000);
    let made = 0;
    const turn = async (serviceUrl: string, n: number) => {
      const activity = messageTo(serviceUrl, n);
      const authenticated = await authentication.authenticateRequest(activity, '');
      const inner = authenticated.connectorFactory as ConnectorFactory;
      const counting: ConnectorFactory = { create: (url, audience) => ((made += 1), inner.create(url, audience)) };
      await adapter.runTurn({ ...authenticated, connectorFactory: counting }, activity, async (context: TurnContext) => {
        await context.sendActivity(`reply ${n}`);
      });
    };
    await turn(connector.url, 1);
    await turn(connector.url, 2);
    await Promise.all([turn(connector.url, 3), turn(connector.url, 4)]);
    expect(made).toBe(1);
    await turn(other.url, 5);
    expect(made).toBe(2);
    expect(connector.calls.map((call) => call.body.text)).toEqual(['reply 1', 'reply 2', 'reply 3', 'reply 4']);
    expect(other.calls.map((call) => call.body.text)).toEqual(['reply 5']);
  });
});

describe('KeptByKey', () => {
  it('makes a value once per key, even when asked again before it is made', async () => {
    const kept = new KeptByKey<number>(10);
    let made = 0;
    const make = async () => (made += 1);
    expect(await Promise.all([kept.get('a', make), kept.get('a', make)])).toEqual([1, 1]);
    expect(await kept.get('b', make)).toBe(2);
    expect(made).toBe(2);
  });

  it('does not keep a make that failed: the next call tries again', async () => {
    const kept = new KeptByKey<string>(10);
    await expect(kept.get('a', () => Promise.reject(new Error('unreachable')))).rejects.toThrow('unreachable');
    await expect(kept.get('a', async () => 'made')).resolves.toBe('made');
  });

  it('keeps at most its limit, letting the oldest go', async () => {
    const kept = new KeptByKey<string>(2);
    for (const key of ['a', 'b', 'c']) await kept.get(key, async () => key);
    expect(kept.size).toBe(2);
    await expect(kept.get('a', async () => 'a again')).resolves.toBe('a again');
    await expect(kept.get('c', async () => 'c again')).resolves.toBe('c');
  });
});
