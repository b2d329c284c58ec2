import path from 'node:path';
import { z } from 'zod';
import { loadKnowledge, type Knowledge, type KnowledgeItem } from '../../src/content/knowledge';
import { KnowledgeSearch } from '../../src/conversation/knowledgeSearch';
import { loadYamlFile } from '../../src/yamlFiles';

/**
 * The search over the real knowledge, measured on a table of questions drivers type mid-procedure
 * (test/fixtures/knowledge-questions.yaml). The table was written before the search was tuned; its
 * `tuning` part was used to tune (askedAs paraphrases, synonyms, weights, threshold), its `heldOut`
 * part was not, so the held-out figure is the one to trust: 89% when first measured (the first
 * held-out set scored 81% before it was looked at and moved into `tuning`). Its bound here only
 * catches a search that got worse.
 */
const answerIds = z.union([z.string(), z.array(z.string()).min(1)]).transform((a) => (typeof a === 'string' ? [a] : a));
const part = z.object({ answered: z.array(z.object({ q: z.string(), a: answerIds }).strict()), unanswered: z.array(z.string()) }).strict();
const table = loadYamlFile(
  path.join(__dirname, '../fixtures/knowledge-questions.yaml'),
  z.object({ tuning: part, heldOut: part }).strict(),
);

/** Questions about force, tools, sprays, heat, opening the charger or unplugging mid-session. */
const safetyItems = new Set([
  'never_yank',
  'never_lever',
  'never_unplug_while_charging',
  'never_open_charger',
  'never_do_summary',
  'never_lubricate',
  'no_hot_water',
  'emergency_release_only_for_emergencies',
]);

const knowledge = loadKnowledge();
const search = new KnowledgeSearch(knowledge);

interface Case {
  question: string;
  /** Ids that answer it; none for a question the knowledge doesn't answer. */
  expected: string[];
}

const casesOf = (p: z.output<typeof part>): Case[] => [
  ...p.answered.map(({ q, a }) => ({ question: q, expected: a })),
  ...p.unanswered.map((question) => ({ question, expected: [] })),
];

function outcome({ question, expected }: Case) {
  const found = search.find(question)?.item.id;
  const right = found === undefined ? expected.length === 0 : expected.includes(found);
  return { question, expected, found, right };
}

/** Wrong answers listed in the message, so a failure says what to fix. */
function scoreOf(cases: Case[]) {
  const outcomes = cases.map(outcome);
  const wrong = outcomes
    .filter((o) => !o.right)
    .map((o) => `${o.question} -> ${o.found ?? 'nothing'} (expected ${o.expected.join(' or ') || 'nothing'})`);
  return { share: (cases.length - wrong.length) / cases.length, wrong };
}

describe('KnowledgeSearch over the question table', () => {
  it('the table is big enough and names real items', () => {
    const answered = [...table.tuning.answered, ...table.heldOut.answered];
    const unanswered = [...table.tuning.unanswered, ...table.heldOut.unanswered];
    expect(answered.length).toBeGreaterThanOrEqual(150);
    expect(unanswered.length).toBeGreaterThanOrEqual(40);
    expect(answered.flatMap(({ a }) => a).filter((id) => !knowledge.has(id))).toEqual([]);
  });

  it('no question of the table is copied from an askedAs', () => {
    const normalise = (text: string) =>
      text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
    const asked = new Set(knowledge.items.flatMap((item) => item.askedAs.map(normalise)));
    const all = [...casesOf(table.tuning), ...casesOf(table.heldOut)];
    expect(all.map((c) => c.question).filter((q) => asked.has(normalise(q)))).toEqual([]);
  });

  it('answers at least 95% of all questions right (an item that answers it, or nothing when none does)', () => {
    const { share, wrong } = scoreOf([...casesOf(table.tuning), ...casesOf(table.heldOut)]);
    expect({ share: share >= 0.95, wrong }).toEqual({ share: true, wrong: expect.any(Array) });
  });

  it('answers at least 85% of the held-out questions right', () => {
    const { share, wrong } = scoreOf(casesOf(table.heldOut));
    expect({ share: share >= 0.85, wrong }).toEqual({ share: true, wrong: expect.any(Array) });
  });

  it('never gives another item for a question about force, tools, sprays or unplugging mid-session', () => {
    const safety = [...casesOf(table.tuning), ...casesOf(table.heldOut)].filter((c) => c.expected.some((id) => safetyItems.has(id)));
    const wrong = safety.map(outcome).filter((o) => o.found !== undefined && !o.right);
    expect(wrong).toEqual([]);
  });

  it('never answers a question it cannot answer with a "what not to do" item, nor a safety question with the finished-but-locked text', () => {
    const unanswered = [...table.tuning.unanswered, ...table.heldOut.unanswered];
    expect(unanswered.filter((q) => safetyItems.has(search.find(q)?.item.id ?? ''))).toEqual([]);
    expect(search.find('can I unplug while it is charging?')?.item.id).toBe('never_unplug_while_charging');
  });
});

/** A knowledge of the given items (title and askedAs), as loadKnowledge would give it. */
function knowledgeOf(items: Array<{ id: string; title: string; askedAs?: string[] }>, synonyms: string[][] = []): Knowledge {
  const full: KnowledgeItem[] = items.map((item) => ({ kind: 'faq', text: `${item.title}.`, askedAs: [], mentionedAs: [], ...item }));
  return { items: full, synonyms, has: (id) => full.some((i) => i.id === id), get: (id) => full.find((i) => i.id === id)! };
}

describe('KnowledgeSearch', () => {
  const small = knowledgeOf(
    [
      { id: 'isolator', title: 'Where the isolator is', askedAs: ['where is the isolator switch'] },
      { id: 'tools', title: 'No tools', askedAs: ['can I prise the plug out with a screwdriver', 'can I prise it'] },
      { id: 'broken', title: 'Rarely broken', askedAs: ['is the charger broken'] },
    ],
    [
      ['charger', 'wallbox', 'charge point'],
      ['broken', 'knackered', 'faulty'],
    ],
  );
  const idOf = (search: KnowledgeSearch, question: string) => search.find(question)?.item.id;

  it('reads every word of a synonym group as its first word, phrases too', () => {
    const search = new KnowledgeSearch(small, []);
    expect(idOf(search, 'is my wallbox knackered?')).toBe('broken');
    expect(idOf(search, 'is the charge point faulty')).toBe('broken');
  });

  it('corrects a misspelt knowledge word, but never turns a real English word into one', () => {
    const search = new KnowledgeSearch(small, []);
    expect(idOf(search, 'wheres the isolater swich')).toBe('isolator');
    // "price" is one letter from "prise", and a real word: left alone, it matches nothing here.
    expect(idOf(search, 'can I price it')).toBeUndefined();
  });

  it('finds nothing for a question nearer to an off-topic example than to any item', () => {
    const withReset = knowledgeOf([
      ...small.items,
      { id: 'restart', title: 'Restart the charger', askedAs: ['how do I reset the charger', 'what happens to the factory settings'] },
    ]);
    const question = 'how do I reset my charger to factory settings?';
    // The same words off topic, but in no question like this one: the item answers.
    expect(idOf(new KnowledgeSearch(withReset, ['factory settings', 'reset to']), question)).toBe('restart');
    expect(idOf(new KnowledgeSearch(withReset, ['how do I reset the charger to its factory settings']), question)).toBeUndefined();
  });

  it('finds the question inside a chatty message: a clause, or the words from a question word on', () => {
    const search = new KnowledgeSearch(small, []);
    expect(idOf(search, 'where is the isolator switch, the wallbox has been knackered for a week now')).toBe('isolator');
    expect(idOf(search, 'the wallbox has been knackered for a week now where is the isolator switch')).toBe('isolator');
  });

  it('finds nothing when only the kind of question matches ("why?", "how do I do that")', () => {
    const withWhy = knowledgeOf([...small.items, { id: 'why', title: 'Why it locks', askedAs: ['why', 'why does it lock'] }]);
    const search = new KnowledgeSearch(withWhy, []);
    expect(search.find('why?')).toBeUndefined();
    expect(search.find('how do i do that')).toBeUndefined();
    expect(idOf(search, 'why does it lock?')).toBe('why');
  });

  it('finds nothing in an empty or wordless message', () => {
    expect(search.find('')).toBeUndefined();
    expect(search.find('??? !!')).toBeUndefined();
  });

  it('reports how well the item covers the question, between 0 and 1', () => {
    const hit = search.find('where is the isolator?');
    expect(hit?.item.id).toBe('isolator_location');
    expect(hit?.coverage).toBeGreaterThan(0);
    expect(hit?.coverage).toBeLessThanOrEqual(1);
  });
});
