import path from 'node:path';
import { z } from 'zod';
import { contentDirs } from '../paths';
import { knowledgeId } from './knowledge';
import { type ChargerTopic, chargerTopics, type VehicleTopic, vehicleTopics } from './releaseTopics';
import { ContentError, loadYamlFile, yamlFilesIn } from '../yamlFiles';

/**
 * Model-specific release facts: what a named car or home charger does to let go of the plug, each
 * fact with the source it was read in. One YAML file per make (knowledge/vehicles/) or charger brand
 * (knowledge/chargers/); knowledge/README.md explains the fields and topics to support authors.
 */

const text = z.string().trim().min(1);

/** How drivers write a name: lower case, single spaces, so the recogniser can match it as typed. */
const alias = z
  .string()
  .regex(/^[\p{Ll}\p{N}](?:[\p{Ll}\p{N}.+\- ]*[\p{Ll}\p{N}.+])?$/u, 'aliases are lower case words (letters, digits, spaces, . + -)')
  .refine((a) => !a.includes('  '), 'aliases use single spaces');

const year = z.number().int().min(1990).max(2100);
const yearRange = z
  .object({ from: year.optional(), to: year.optional() })
  .strict()
  .refine((r) => r.from !== undefined || r.to !== undefined, 'give from, to or both')
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, 'from must not be after to');
export type YearRange = z.output<typeof yearRange>;

/** Where a fact was read: a web page (url) or a printed document (document + section). */
const sourceSchema = z
  .object({
    url: z.httpUrl().optional(),
    document: text.optional(),
    /** Page or section of the document, e.g. "Charging, p. 174". */
    section: text.optional(),
    /** The title of the page or manual, as it reads there. */
    title: text,
    /** The maker's own document (owner's manual, support page), even when read on a mirror site. */
    primary: z.boolean(),
  })
  .strict()
  .refine((s) => s.url !== undefined || (s.document !== undefined && s.section !== undefined), {
    message: 'a source needs a url, or a document with its section or page',
  });
export type FactSource = z.output<typeof sourceSchema>;

/**
 * Words that name force, tools, lubricants, prising or opening the charger. A sentence naming one
 * must say not to do it, unless the fact is the maker's own documented step for its own product.
 */
const riskyWords =
  /\b(force\w*|yank\w*|lever(?:ing|ed)|lever (?:it|them|the (?:plug|pin|socket|connector)|out)|pr(?:y|ied|ying|ise|ising|ize|izing)|tools?|screwdrivers?|pliers|lubric\w*|grease|oil|spray|wd-?40|pull(?:ing)? (?:it |the plug |the cable )?hard)\b|\bopen(?:ing)? (?:up )?the (?:charger|charge ?point|wallbox|unit|casing)\b/i;
const saysDont = /\b(don'?t|do not|never|not|no|avoid)\b/i;

/** The sentences of a fact text that name a risky action without saying not to do it. */
export function riskyInstructions(factText: string): string[] {
  return factText.split(/(?<=[.!?])\s+/).filter((sentence) => riskyWords.test(sentence) && !saysDont.test(sentence));
}

const checkedDate = z.iso.date({ message: 'checked is the date the source was read, as YYYY-MM-DD' });

const factSchema = <T extends string>(topics: readonly [T, ...T[]]) =>
  z
    .object({
      topic: z.enum(topics),
      /** Said to the driver: second person, UK English, in our own words. */
      text,
      /** Model years this fact holds for; none means every year of the model. */
      years: yearRange.optional(),
      sources: z.array(sourceSchema).min(1, 'a fact needs at least one source'),
      checked: checkedDate,
      /** The maker's documented step that uses a tool on its own product (a bonnet-lock screw). */
      makersOwnStep: z.boolean().default(false),
    })
    .strict()
    .superRefine((fact, ctx) => {
      const primary = fact.sources.some((s) => s.primary);
      if (fact.makersOwnStep && !primary) {
        ctx.addIssue({ code: 'custom', path: ['sources'], message: "a maker's own step needs a primary source" });
      }
      if (!fact.makersOwnStep) {
        for (const sentence of riskyInstructions(fact.text)) {
          ctx.addIssue({
            code: 'custom',
            path: ['text'],
            message: `"${sentence}" names force, a tool, a lubricant, prising or opening the charger without saying not to`,
          });
        }
      }
    });

/** A topic no source was found for, and how it was looked for, so the bot says "check your manual". */
const notFoundSchema = <T extends string>(topics: readonly [T, ...T[]]) =>
  z.object({ topic: z.enum(topics), searched: z.array(text).min(1, 'say what was searched') }).strict();

const entrySchema = <T extends string>(topics: readonly [T, ...T[]]) => ({
  id: knowledgeId,
  name: text,
  aliases: z.array(alias).default([]),
  facts: z.array(factSchema(topics)).default([]),
  notFound: z.array(notFoundSchema(topics)).default([]),
});

const fileSchema = <T extends string>(topics: readonly [T, ...T[]]) => {
  const entry = entrySchema(topics);
  const model = z.object({ ...entry, years: yearRange.optional() }).strict();
  return z
    .object({
      ...entry,
      /** The brand's name is also what people call any such product ("wallbox"): only its models' names count. */
      nameIsGeneric: z.boolean().default(false),
      models: z.array(model).default([]),
    })
    .strict();
};

type RawFile<T extends string> = z.output<ReturnType<typeof fileSchema<T>>>;
type RawFact<T extends string> = RawFile<T>['facts'][number];

export interface ReleaseFact<T extends string> extends RawFact<T> {
  /** `make` facts hold for every model of the make or brand. */
  readonly scope: 'make' | 'model';
}

export interface NotFound<T extends string> {
  readonly topic: T;
  readonly searched: readonly string[];
}

export interface ReleaseModel<T extends string> {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly years?: YearRange;
  readonly make: ReleaseMake<T>;
  /** The model's facts on the topic, then the make's, keeping those that hold for `year` if given. */
  factsFor(topic: T, year?: number): ReleaseFact<T>[];
  /** Whether no source was found for the topic, for this model or its whole make. */
  notFound(topic: T): NotFound<T> | undefined;
}

export interface ReleaseMake<T extends string> {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly file: string;
  /** Its name alone does not say it is this brand ("a wallbox" is any home charger). */
  readonly nameIsGeneric: boolean;
  /** Facts that hold for every model. */
  readonly facts: readonly ReleaseFact<T>[];
  readonly models: readonly ReleaseModel<T>[];
  model(id: string): ReleaseModel<T> | undefined;
  factsFor(topic: T, year?: number): ReleaseFact<T>[];
  notFound(topic: T): NotFound<T> | undefined;
}

/** What a name a driver wrote stands for: a make (or brand), and the model when the name says it. */
export interface Resolved<T extends string> {
  readonly make: ReleaseMake<T>;
  readonly model?: ReleaseModel<T>;
}

export interface ReleaseCatalogue<T extends string> {
  readonly topics: readonly T[];
  readonly makes: readonly ReleaseMake<T>[];
  make(id: string): ReleaseMake<T> | undefined;
  /** Looks a lower-cased name up among every name and alias ("vw", "id3", "model y"). */
  resolve(name: string): Resolved<T> | undefined;
  /** Every name and alias with what it stands for, for the recogniser's gazetteer. */
  readonly names: ReadonlyMap<string, Resolved<T>>;
}

export interface ReleaseFacts {
  vehicles: ReleaseCatalogue<VehicleTopic>;
  chargers: ReleaseCatalogue<ChargerTopic>;
}

const releaseFactDirs = (knowledgeDir: string) => ({
  vehicles: path.join(knowledgeDir, 'vehicles'),
  chargers: path.join(knowledgeDir, 'chargers'),
});

/** Throws a ContentError naming the file and field of the first file with a problem. */
export function loadReleaseFacts(knowledgeDir = contentDirs.knowledge): ReleaseFacts {
  const dirs = releaseFactDirs(knowledgeDir);
  return {
    vehicles: loadCatalogue(dirs.vehicles, vehicleTopics),
    chargers: loadCatalogue(dirs.chargers, chargerTopics),
  };
}

export function loadCatalogue<T extends string>(dir: string, topics: readonly [T, ...T[]]): ReleaseCatalogue<T> {
  const schema = fileSchema(topics);
  const makes: ReleaseMake<T>[] = [];
  const byId = new Map<string, ReleaseMake<T>>();
  const names = new Map<string, Resolved<T>>();
  const describe = (r: Resolved<T>) => (r.model ? `${r.make.name} ${r.model.name}` : r.make.name);

  for (const file of yamlFilesIn(dir)) {
    const raw = loadYamlFile(file, schema);
    const problems = fileProblems(file, raw);
    if (byId.has(raw.id)) problems.push(`id: "${raw.id}" is already used by ${byId.get(raw.id)?.file}`);
    const make = buildMake(file, raw);
    const targets: Resolved<T>[] = [{ make }, ...make.models.map((model) => ({ make, model }))];
    for (const target of targets) {
      const own = target.model ?? target.make;
      for (const name of new Set([own.name.toLowerCase(), ...own.aliases])) {
        const taken = names.get(name);
        if (taken && taken.make !== make) {
          problems.push(`aliases: "${name}" already stands for ${describe(taken)} (${taken.make.file})`);
        } else if (taken && taken.model !== target.model) {
          problems.push(`aliases: "${name}" stands for both ${describe(taken)} and ${describe(target)}`);
        } else {
          names.set(name, target);
        }
      }
    }
    if (problems.length > 0) throw new ContentError(file, problems);
    byId.set(make.id, make);
    makes.push(make);
  }
  return {
    topics,
    makes,
    names,
    make: (id) => byId.get(id),
    resolve: (name) => names.get(name.trim().toLowerCase().replace(/\s+/g, ' ')),
  };
}

/** Checks that need the whole file: its name, unique model ids, and that it says something. */
function fileProblems<T extends string>(file: string, raw: RawFile<T>): string[] {
  const problems: string[] = [];
  const base = path.basename(file).replace(/\.ya?ml$/, '');
  if (base !== raw.id) problems.push(`id: "${raw.id}" must match the file name "${base}"`);
  const modelIds = new Set<string>();
  raw.models.forEach((model, index) => {
    if (modelIds.has(model.id)) problems.push(`models.${index}.id: "${model.id}" is used twice`);
    modelIds.add(model.id);
  });
  const says = (entry: { facts: RawFact<T>[]; notFound: { topic: T }[] }) => entry.facts.length + entry.notFound.length > 0;
  if (!says(raw) && !raw.models.some(says)) {
    problems.push('facts: give at least one fact, or a notFound entry saying what was searched');
  }
  return problems;
}

function buildMake<T extends string>(file: string, raw: RawFile<T>): ReleaseMake<T> {
  const inYear = (year?: number) => (fact: ReleaseFact<T>) =>
    year === undefined || !fact.years || ((fact.years.from ?? year) <= year && year <= (fact.years.to ?? year));
  const makeFacts: ReleaseFact<T>[] = raw.facts.map((fact) => ({ ...fact, scope: 'make' }));
  const makeFactsFor = (topic: T, year?: number) => makeFacts.filter((f) => f.topic === topic).filter(inYear(year));
  const makeNotFound = (topic: T) => raw.notFound.find((n) => n.topic === topic);
  const models: ReleaseModel<T>[] = [];
  const make: ReleaseMake<T> = {
    id: raw.id,
    name: raw.name,
    aliases: raw.aliases,
    file,
    nameIsGeneric: raw.nameIsGeneric,
    facts: makeFacts,
    models,
    model: (id) => models.find((m) => m.id === id),
    factsFor: makeFactsFor,
    notFound: makeNotFound,
  };
  for (const m of raw.models) {
    const facts: ReleaseFact<T>[] = m.facts.map((fact) => ({ ...fact, scope: 'model' }));
    models.push({
      id: m.id,
      name: m.name,
      aliases: m.aliases,
      years: m.years,
      make,
      factsFor: (topic, year) => [...facts.filter((f) => f.topic === topic).filter(inYear(year)), ...makeFactsFor(topic, year)],
      notFound: (topic) => m.notFound.find((n) => n.topic === topic) ?? makeNotFound(topic),
    });
  }
  return make;
}
