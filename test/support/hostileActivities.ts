import { messageActivity } from './http';

/** A small seeded generator (mulberry32), so a failing fuzz case can be replayed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

type Random = ReturnType<typeof seededRandom>;

export interface HostileRequest {
  kind: string;
  body: string | Uint8Array;
  contentType: string;
}

function deepNesting(depth: number, asArray: boolean): string {
  return asArray ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function randomValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return random.next() * 1e12 - 5e11;
    case 2:
      return random.next() > 0.5;
    case 3:
      return 'x'.repeat(random.int(50));
    case 4:
      return '\ud800\udfff\ud83d'.slice(random.int(3)) + '\u0000\u202e';
    case 5:
      return -0;
    case 6:
      return Array.from({ length: random.int(5) }, () => randomValue(random, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: random.int(5) }, (_, i) => [`k${i}`, randomValue(random, depth + 1)]));
    default:
      return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
  }
}

const fields = [
  'type',
  'text',
  'from',
  'conversation',
  'recipient',
  'channelId',
  'serviceUrl',
  'attachments',
  'value',
  'entities',
  'channelData',
  'timestamp',
  'localTimestamp',
  'expiration',
  'deliveryMode',
  'locale',
  'membersAdded',
  'membersRemoved',
  'replyToId',
  'id',
  'textFormat',
  'suggestedActions',
  'name',
] as const;
const activityTypes = [
  'message',
  'conversationUpdate',
  'invoke',
  'event',
  'typing',
  'endOfConversation',
  'messageReaction',
  'installationUpdate',
  'delete',
  'trace',
  'handoff',
  'command',
  'weird',
  '',
];

/**
 * One malformed or hostile request to /api/messages: random JSON, activities with fields of the
 * wrong type, huge fields, deep nesting, invalid unicode, wrong content types. Conversations come
 * from a fixed pool so that the state kept in memory does not grow with the number of requests.
 * `serviceUrl` is where replies go when a mutation drops `expectReplies`: a local channel stand-in.
 */
export function hostileRequest(random: Random, serviceUrl: string, conversations = 20): HostileRequest {
  const conversationId = `fuzz-${random.int(conversations)}`;
  const base = messageActivity(conversationId, 'my cable is stuck', { serviceUrl }) as Record<string, unknown>;
  const json = (kind: string, value: unknown) => ({ kind, body: JSON.stringify(value), contentType: 'application/json' });
  switch (random.int(12)) {
    case 0:
      return json('random JSON', randomValue(random));
    case 1: {
      const field = random.pick(fields);
      return json(`wrong type for ${field}`, { ...base, [field]: randomValue(random) });
    }
    case 2: {
      const mutated = { ...base };
      for (let i = 0; i < 4; i += 1) mutated[random.pick(fields)] = randomValue(random);
      return json('several wrong fields', mutated);
    }
    case 3:
      return json('huge text', { ...base, text: 'stuck '.repeat(10_000 + random.int(30_000)) });
    case 4:
      return json('huge field elsewhere', { ...base, [random.pick(fields)]: 'y'.repeat(100_000 + random.int(200_000)) });
    case 5: {
      const nested = deepNesting(100 + random.int(20_000), random.next() > 0.5);
      return {
        kind: 'deep nesting',
        body: `{"type":"message","channelId":"test","from":{"id":"u"},"conversation":{"id":"${conversationId}"},"deliveryMode":"expectReplies","channelData":${nested}}`,
        contentType: 'application/json',
      };
    }
    case 6: {
      const bytes = Buffer.from(JSON.stringify({ ...base, text: 'TEXT' }));
      const at = bytes.indexOf('TEXT');
      const invalid = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80]);
      return {
        kind: 'invalid UTF-8',
        body: new Uint8Array(Buffer.concat([bytes.subarray(0, at), invalid, bytes.subarray(at + 4)])),
        contentType: 'application/json',
      };
    }
    case 7:
      return json('lone surrogates and control characters', {
        ...base,
        text: '\ud800 stuck \udc00\u0000\u0007\u202e\ufeff',
        from: { id: '\ud800', name: '\u0000' },
      });
    case 8:
      return { kind: 'truncated JSON', body: JSON.stringify(base).slice(0, random.int(200)), contentType: 'application/json' };
    case 9:
      return {
        kind: 'wrong content type',
        body: random.pick(['type=message&text=hi', '<activity/>', '\u0000\u0001', '']),
        contentType: random.pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data']),
      };
    case 10:
      return json('activity type', {
        ...base,
        type: random.pick(activityTypes),
        name: random.pick(['', 'signin/verifyState', 'adaptiveCard/action', 'x']),
        value: randomValue(random),
      });
    default:
      return json('many attachments and entities', {
        ...base,
        text: random.next() > 0.5 ? '' : base.text,
        attachments: Array.from({ length: random.int(2000) }, () => ({ contentType: 'image/png', contentUrl: 'data:,' })),
        entities: Array.from({ length: random.int(2000) }, () => ({ type: 'mention', text: '<at>bot</at>' })),
      });
  }
}
