import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadContent } from '../../src/content/loadContent';
import { loadRecognizer } from '../../src/nlu/model';
import { isEnglishWord } from '../../src/nlu/englishWords';
import { ContentError } from '../../src/yamlFiles';
import {
  loadCatalogue,
  loadReleaseFacts,
  riskyInstructions,
  type ReleaseCatalogue,
  type ReleaseFact,
} from '../../src/content/releaseFacts';
import { chargerTopics, vehicleTopics } from '../../src/content/releaseTopics';

const facts = loadReleaseFacts();

function folderWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-facts-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const source = 'sources: [{ url: "https://example.com/manual", title: "Owner\'s manual", primary: true }]';
const fact = (extra = source) => `  - topic: unlock_port\n    text: Unlock the car.\n    ${extra}\n    checked: 2026-12-01\n`;
const make = (id: string, aliases: string, facts = fact()) => `id: ${id}\nname: ${id}\naliases: [${aliases}]\nfacts:\n${facts}`;
const loadVehicles = (files: Record<string, string>) => loadCatalogue(folderWith(files), vehicleTopics);

function everyFact<T extends string>(catalogue: ReleaseCatalogue<T>): Array<{ where: string; fact: ReleaseFact<T> }> {
  return catalogue.makes.flatMap((m) => [
    ...m.facts.map((fact) => ({ where: m.id, fact })),
    ...m.models.flatMap((model) =>
      catalogue.topics
        .flatMap((t) => model.factsFor(t))
        .filter((f) => f.scope === 'model')
        .map((fact) => ({ where: `${m.id}/${model.id}`, fact })),
    ),
  ]);
}

describe('knowledge/vehicles and knowledge/chargers', () => {
  it('load, with the most common cars and home chargers', () => {
    const models = facts.vehicles.makes.flatMap((m) => m.models.map((model) => `${m.id}/${model.id}`));
    expect(models.length).toBeGreaterThanOrEqual(20);
    expect(models).toEqual(
      expect.arrayContaining(['tesla/model_y', 'tesla/model_3', 'volkswagen/id3', 'kia/ev6', 'nissan/leaf', 'mg/mg4']),
    );
    expect(facts.chargers.makes.length).toBeGreaterThanOrEqual(10);
  });

  it('are part of the loaded content', () => {
    expect(loadContent().releaseFacts.vehicles.make('tesla')?.name).toBe('Tesla');
  });

  it.each([
    ['vw', 'Volkswagen', undefined],
    ['id3', 'Volkswagen', 'ID.3'],
    ['Model  Y', 'Tesla', 'Model Y'],
    ['merc', 'Mercedes-Benz', undefined],
    ['e-niro', 'Kia', 'Niro EV'],
    ['škoda', 'Škoda', undefined],
  ])('resolve the name "%s" to %s %s', (name, makeName, modelName) => {
    const resolved = facts.vehicles.resolve(name);
    expect(resolved?.make.name).toBe(makeName);
    expect(resolved?.model?.name).toBe(modelName);
  });

  it('keep cars and chargers apart: "tesla" is a make and a charger brand', () => {
    expect(facts.vehicles.resolve('tesla')?.make.file).toMatch(/vehicles[/\\]tesla\.yaml$/);
    expect(facts.chargers.resolve('tesla')?.make.file).toMatch(/chargers[/\\]tesla\.yaml$/);
    expect(facts.chargers.resolve('zappi')?.model?.factsFor('socket_unlock')).toHaveLength(1);
  });

  it("give a model's facts with its make's, and honour model years", () => {
    const model3 = facts.vehicles.resolve('model 3')?.model;
    expect(model3?.factsFor('emergency_release').map((f) => f.scope)).toEqual(['model']);
    expect(model3?.factsFor('cold_weather').map((f) => f.scope)).toEqual(['make', 'make']);
    expect(facts.vehicles.resolve('i4')?.model?.factsFor('unlock_port')[0]?.sources[0]?.url).toMatch(/bmwusa/);

    const dir = folderWith({
      'a.yaml': make(
        'a',
        'a',
        `${fact()}  - topic: unlock_port\n    text: Older cars only.\n    years: { to: 2019 }\n    ${source}\n    checked: 2026-12-01\n`,
      ),
    });
    const a = loadCatalogue(dir, vehicleTopics).make('a');
    expect(a?.factsFor('unlock_port', 2022).map((f) => f.text)).toEqual(['Unlock the car.']);
    expect(a?.factsFor('unlock_port', 2018)).toHaveLength(2);
    expect(a?.factsFor('unlock_port')).toHaveLength(2);
  });

  it('say honestly when nothing was found, and what was searched', () => {
    const id3 = facts.vehicles.resolve('id.3')?.model;
    expect(id3?.factsFor('emergency_release')).toEqual([]);
    expect(id3?.notFound('emergency_release')?.searched.length).toBeGreaterThan(0);
  });

  it.each([
    ['vehicles', facts.vehicles],
    ['chargers', facts.chargers],
  ] as const)('every %s file has at least one fact or a notFound entry', (_kind, catalogue: ReleaseCatalogue<string>) => {
    const silent = catalogue.makes.filter((m) => {
      const all = [m, ...m.models];
      return !catalogue.topics.some((t) => all.some((entry) => entry.factsFor(t).length > 0 || entry.notFound(t)));
    });
    expect(silent.map((m) => m.id)).toEqual([]);
  });

  it.each([
    ['vehicles', facts.vehicles],
    ['chargers', facts.chargers],
  ] as const)(
    'no %s fact advises force, levering, tools, lubricant, prising or opening the charger',
    (_kind, catalogue: ReleaseCatalogue<string>) => {
      const risky = everyFact(catalogue)
        .filter(({ fact }) => !fact.makersOwnStep)
        .flatMap(({ where, fact }) => riskyInstructions(fact.text).map((sentence) => `${where}: ${sentence}`));
      expect(risky).toEqual([]);
      const ownSteps = everyFact(catalogue).filter(({ fact }) => fact.makersOwnStep);
      for (const { fact } of ownSteps) expect(fact.sources.some((s) => s.primary)).toBe(true);
    },
  );

  it('every fact was checked on a real date and has a source with a title', () => {
    for (const { fact } of [...everyFact(facts.vehicles), ...everyFact(facts.chargers)]) {
      expect(fact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const s of fact.sources) expect(s.title.length).toBeGreaterThan(0);
    }
  });
});

describe('release facts are refused when', () => {
  it('a fact has no source', () => {
    const files = { 'a.yaml': make('a', 'a', fact('sources: []')) };
    expect(() => loadVehicles(files)).toThrow(ContentError);
    expect(() => loadVehicles(files)).toThrow(/a\.yaml[\s\S]*facts\.0\.sources: a fact needs at least one source/);
    expect(() => loadVehicles({ 'a.yaml': make('a', 'a', fact('')) })).toThrow(/facts\.0\.sources/);
  });

  it('a source URL is malformed', () => {
    const files = { 'a.yaml': make('a', 'a', fact('sources: [{ url: "htp:/example", title: "Manual", primary: true }]')) };
    expect(() => loadVehicles(files)).toThrow(/a\.yaml[\s\S]*facts\.0\.sources\.0\.url/);
  });

  it('a printed source gives no section or page', () => {
    const files = { 'a.yaml': make('a', 'a', fact('sources: [{ document: "Owner\'s manual", title: "Manual", primary: true }]')) };
    expect(() => loadVehicles(files)).toThrow(/facts\.0\.sources\.0: a source needs a url, or a document with its section or page/);
  });

  it('the checked date is not a date', () => {
    const files = { 'a.yaml': make('a', 'a', fact(source).replace('2026-12-01', '2026-02-30')) };
    expect(() => loadVehicles(files)).toThrow(/facts\.0\.checked/);
  });

  it('an alias stands for two makes, naming both files', () => {
    const files = { 'a.yaml': make('a', 'shared'), 'b.yaml': make('b', 'shared') };
    expect(() => loadVehicles(files)).toThrow(/b\.yaml[\s\S]*"shared" already stands for a \(.*a\.yaml\)/);
  });

  it('an alias stands for a make and one of its models, or two ids are the same', () => {
    const models = '\nmodels:\n  - id: m\n    name: M\n    aliases: [a]\n';
    expect(() => loadVehicles({ 'a.yaml': make('a', 'x') + models })).toThrow(/"a" stands for both a and a M/);
    expect(() => loadVehicles({ 'a.yaml': make('a', 'x') + models + '  - id: m\n    name: N\n' })).toThrow(
      /models\.1\.id: "m" is used twice/,
    );
  });

  it('an alias is not written as drivers type it', () => {
    expect(() => loadVehicles({ 'a.yaml': make('a', 'Model Y') })).toThrow(/aliases\.0: aliases are lower case/);
  });

  it('the file name is not the id', () => {
    expect(() => loadVehicles({ 'a.yaml': make('b', 'b') })).toThrow(/id: "b" must match the file name "a"/);
  });

  it('a file has neither a fact nor a notFound entry', () => {
    expect(() => loadVehicles({ 'a.yaml': 'id: a\nname: A\n' })).toThrow(/at least one fact, or a notFound entry/);
    expect(() => loadVehicles({ 'a.yaml': 'id: a\nname: A\nnotFound: [{ topic: cold_weather, searched: [] }]\n' })).toThrow(
      /notFound\.0\.searched: say what was searched/,
    );
  });

  it('a topic is not one of the list', () => {
    expect(() => loadVehicles({ 'a.yaml': make('a', 'a', fact().replace('unlock_port', 'socket_unlock')) })).toThrow(/facts\.0\.topic/);
    expect(chargerTopics).toContain('socket_unlock');
  });

  it.each([
    'Use a screwdriver to lever the pin up.',
    'Pull it hard and it will come.',
    'Spray a little lubricant into the socket.',
    'Prise the plug out gently.',
    'Open the charger and push the latch.',
    'Force the plug out.',
  ])('a fact advises "%s"', (advice) => {
    const files = { 'a.yaml': make('a', 'a', fact().replace('Unlock the car.', advice)) };
    expect(() => loadVehicles(files)).toThrow(/facts\.0\.text: .* names force, a tool, a lubricant, prising or opening the charger/);
  });

  it("a maker's own tool step has no primary source, but loads with one", () => {
    const step = 'Turn the bonnet-lock screw clockwise with a flat-head screwdriver.';
    const secondary = 'sources: [{ url: "https://example.com/blog", title: "A blog", primary: false }]';
    const own = (s: string) => fact(s).replace('Unlock the car.', step).replace('    checked', '    makersOwnStep: true\n    checked');
    expect(() => loadVehicles({ 'a.yaml': make('a', 'a', own(secondary)) })).toThrow(
      /facts\.0\.sources: a maker's own step needs a primary source/,
    );
    expect(loadVehicles({ 'a.yaml': make('a', 'a', own(source)) }).make('a')?.facts[0]?.makersOwnStep).toBe(true);
  });

  it('lets a sentence that says not to do it through', () => {
    expect(riskyInstructions("Don't lever the pin with a screwdriver. Never open the charger.")).toEqual([]);
    expect(riskyInstructions('Pull the purple lever in the boot.')).toEqual([]);
  });
});

describe('the recognizer knows every car and charger name of the release facts', () => {
  const recognizer = loadRecognizer();
  const plain = (name: string) =>
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  const namesOf = <T extends string>(catalogue: ReleaseCatalogue<T>) =>
    catalogue.makes.flatMap((make) =>
      [make.name.toLowerCase(), ...make.aliases, ...make.models.flatMap((model) => [model.name.toLowerCase(), ...model.aliases])]
        // An everyday word ("leaf") is a car only in context; the release facts check that (productFacts.test.ts).
        .filter((name) => !(/^[a-z]+$/.test(name) && isEnglishWord(name)) && !name.includes('('))
        .map((name) => [make.name, name] as const),
    );

  it.each(namesOf(facts.vehicles))('%s: "%s" names the car make', (make, name) => {
    expect(plain(recognizer.entitiesOf(`it's stuck in my ${name}`).vehicleMake ?? '')).toBe(plain(make));
  });

  // "tesla" alone is the car; "tesla wall connector" the charger.
  it.each(namesOf(facts.chargers).filter(([, name]) => name !== 'tesla' && name !== 'tesla energy' && name !== 'wallbox'))(
    '%s: "%s" names a charger brand',
    (_brand, name) => {
      expect(recognizer.entitiesOf(`it's stuck in my ${name}`).chargerBrand).toBeDefined();
    },
  );
});
