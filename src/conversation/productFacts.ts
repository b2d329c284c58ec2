import type { KnowledgeItem } from '../content/knowledge';
import type { HandoffRequest, ReleaseFactGiven } from '../handoff/handoffRequest';
import { fillTemplate, type Messages } from '../content/messages';
import type { ReleaseCatalogue, ReleaseFact, ReleaseFacts, Resolved } from '../content/releaseFacts';
import { isEnglishWord } from '../nlu/englishWords';
import { words } from '../nlu/textMatching';

export type ProductKind = 'vehicle' | 'charger';

/**
 * The car and the charger the driver named, by catalogue key: "ford/mustang_mach_e" for a model,
 * "ford" for a make named without one.
 */
export type NamedProducts = Partial<Record<ProductKind, string>>;

/** One fact said to the driver: "vehicle|ford/mustang_mach_e|emergency_release|0". */
export type GivenFact = string;

/** What the makers say, as the bot says it: the texts, and the facts they were (for their sources). */
export interface Refinement {
  texts: string[];
  given: GivenFact[];
}

interface Entry {
  kind: ProductKind;
  key: string;
  resolved: Resolved<string>;
  /** A one-word everyday name ("leaf", "born", "smart"): only with its make or "my" before it. */
  everyday: boolean;
}

const longestName = 4;
const owners = new Set(['my', 'our', 'his', 'her', 'their', 'the', 'mums', 'dads', 'wifes', 'husbands']);
/** "smart charger", "born yesterday": an everyday word followed by these is not the product. */
const notAProduct = new Set(['charger', 'charging', 'cable', 'plug', 'lead', 'socket', 'meter', 'phone', 'home', 'yesterday', 'and']);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const keyOf = (resolved: Resolved<string>) => (resolved.model ? `${resolved.make.id}/${resolved.model.id}` : resolved.make.id);

/**
 * The model-specific release facts of knowledge/vehicles/ and knowledge/chargers/, used in the
 * conversation: which car and charger a message names, and what their makers say on the topics of
 * a knowledge item, each fact with its source.
 */
export class ProductFacts {
  private readonly byWords = new Map<string, Entry>();
  /** Every name but the everyday words, as one pattern: the longest first. */
  private readonly namePattern: RegExp;

  constructor(
    private readonly facts: ReleaseFacts,
    private readonly text: Messages['productFacts'],
  ) {
    for (const kind of ['vehicle', 'charger'] as const) {
      for (const [name, resolved] of this.catalogue(kind).names) {
        const said = words(name);
        const key = said.join(' ');
        // A name that is both a car and a charger ("tesla") is the car: the charger has its own names.
        if (said.length === 0 || this.byWords.has(key)) continue;
        if (resolved.make.nameIsGeneric && !resolved.model) continue;
        const everyday = said.length === 1 && !/\d/.test(key) && isEnglishWord(key) && key !== resolved.make.name.toLowerCase();
        this.byWords.set(key, { kind, key: keyOf(resolved), resolved, everyday });
      }
    }
    const names = [...this.byWords].filter(([, entry]) => !entry.everyday).map(([name]) => name.split(' '));
    const spelled = names.sort((a, b) => b.join(' ').length - a.join(' ').length).map((said) => said.map(escapeRegExp).join("[\\s.'’-]*"));
    this.namePattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${spelled.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  }

  /** The message without the car and charger names, for the knowledge search: "where's the release on a Model Y?". */
  withoutNames(message: string): string {
    return message
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(this.namePattern, ' ');
  }

  /** The car and charger a message names, the longest name first ("id buzz" over "id"). */
  named(message: string): NamedProducts {
    const said = words(message);
    const found: NamedProducts = {};
    for (let start = 0; start < said.length; start++) {
      for (let length = Math.min(longestName, said.length - start); length > 0; length--) {
        const entry = this.byWords.get(said.slice(start, start + length).join(' '));
        if (!entry) continue;
        // "Ford Mustang Mach-E": the make first, then its model, which says more.
        const known = found[entry.kind];
        const refines = known !== undefined && !known.includes('/') && entry.key.startsWith(`${known}/`);
        if (known && !refines) continue;
        if (entry.everyday && !this.placed(said, start, entry)) continue;
        found[entry.kind] = entry.key;
        start += length - 1;
        break;
      }
    }
    return found;
  }

  /** "Ford Mustang Mach-E", "Ford": how a named product is spoken of. */
  nameOf(kind: ProductKind, key: string): string | undefined {
    const resolved = this.resolve(kind, key);
    if (!resolved) return undefined;
    const { make, model } = resolved;
    if (!model) return make.name;
    // "Easee Home" already says its brand.
    return model.name.toLowerCase().startsWith(make.name.toLowerCase()) ? model.name : `${make.name} ${model.name}`;
  }

  /** The named car and charger as the ticket has them: make and model names. */
  ticketNames(products: NamedProducts): Pick<HandoffRequest, 'vehicle' | 'charger'> {
    const vehicle = products.vehicle ? this.resolve('vehicle', products.vehicle) : undefined;
    // A brand alone is not the charger's model: the interview still asks which one.
    const charger = products.charger?.includes('/') ? this.nameOf('charger', products.charger) : undefined;
    return {
      ...(vehicle ? { vehicle: { make: vehicle.make.name, ...(vehicle.model ? { model: vehicle.model.name } : {}) } } : {}),
      ...(charger ? { charger: { model: charger } } : {}),
    };
  }

  /** The facts given, as the installers' ticket lists them: what about, the topic and where it is written. */
  ticketFacts(given: readonly GivenFact[]): ReleaseFactGiven[] {
    return given.flatMap((id) => {
      const found = this.factOf(id);
      if (!found) return [];
      return [
        {
          about: found.product,
          topic: found.topic,
          sources: found.fact.sources.map((source) => source.url ?? `${source.document}, ${source.section}`),
        },
      ];
    });
  }

  /** What the makers of the named products say on the topics of these items, with their sources. */
  refine(items: readonly KnowledgeItem[], products: NamedProducts | undefined, alreadyGiven: readonly GivenFact[] = []): Refinement {
    const refinement: Refinement = { texts: [], given: [] };
    for (const kind of ['vehicle', 'charger'] as const) {
      const key = products?.[kind];
      const resolved = key ? this.resolve(kind, key) : undefined;
      if (!resolved || !key) continue;
      const topics = [...new Set(items.flatMap((item) => item.refinedBy?.[kind] ?? []))];
      for (const topic of topics) {
        const facts = (resolved.model ?? resolved.make).factsFor(topic);
        facts.forEach((fact, index) => {
          const id = [kind, key, topic, index].join('|');
          if (refinement.given.includes(id) || alreadyGiven.includes(id)) return;
          refinement.given.push(id);
          refinement.texts.push(this.spoken(this.nameOf(kind, key)!, fact));
        });
      }
    }
    return refinement;
  }

  /** Whether the named charger's maker says its cable is fixed to it. */
  isTethered(products: NamedProducts | undefined): boolean {
    const resolved = products?.charger ? this.resolve('charger', products.charger) : undefined;
    return !!resolved && (resolved.model ?? resolved.make).factsFor('tethered').length > 0;
  }

  /**
   * Whether asking for the car's model could tell the driver where its release is: no model named
   * yet, and the make (if one was named) has a model whose release we know.
   */
  worthAskingForModel(products: NamedProducts | undefined, makeName: string | undefined): boolean {
    const named = products?.vehicle ? this.resolve('vehicle', products.vehicle) : undefined;
    if (named?.model) return false;
    const make = named?.make ?? (makeName ? this.byWords.get(words(makeName).join(' '))?.resolved.make : undefined);
    if (makeName && !make) return false;
    const makes = make ? [make] : this.facts.vehicles.makes;
    return makes.some((m) => m.models.some((model) => model.factsFor('emergency_release').length > 0));
  }

  /** "Where does this come from?": the sources of the facts given, one line each. */
  sourcesOf(given: readonly GivenFact[]): string[] {
    const lines = new Set<string>();
    for (const id of given) {
      const found = this.factOf(id);
      for (const source of found?.fact.sources ?? []) {
        const where = source.url ?? [source.document, source.section].filter(Boolean).join(', ');
        lines.add(fillTemplate(this.text.sourceLine, { product: found!.product, title: source.title, url: where }));
      }
    }
    return lines.size > 0 ? [this.text.sourcesIntro, [...lines].join('\n')] : [this.text.noneYet];
  }

  private factOf(id: GivenFact): { product: string; topic: string; fact: ReleaseFact<string> } | undefined {
    const [kind, key, topic, index] = id.split('|') as [ProductKind, string, string, string];
    const resolved = this.resolve(kind, key);
    const fact = resolved && (resolved.model ?? resolved.make).factsFor(topic)[Number(index)];
    return fact ? { product: this.nameOf(kind, key)!, topic, fact } : undefined;
  }

  private spoken(product: string, fact: ReleaseFact<string>): string {
    const [source] = fact.sources;
    return `${fillTemplate(this.text.fact, { product, text: fact.text.trim() })} ${fillTemplate(this.text.source, { title: source.title })}`;
  }

  private placed(said: string[], start: number, entry: Entry): boolean {
    if (notAProduct.has(said[start + 1] ?? '')) return false;
    const make = words(entry.resolved.make.name).join(' ');
    return owners.has(said[start - 1] ?? '') || said.join(' ').includes(make);
  }

  private resolve(kind: ProductKind, key: string): Resolved<string> | undefined {
    const [makeId, modelId] = key.split('/');
    const make = this.catalogue(kind).make(makeId);
    if (!make) return undefined;
    const model = modelId ? make.model(modelId) : undefined;
    return modelId && !model ? { make } : { make, ...(model ? { model } : {}) };
  }

  private catalogue(kind: ProductKind): ReleaseCatalogue<string> {
    return (kind === 'vehicle' ? this.facts.vehicles : this.facts.chargers) as unknown as ReleaseCatalogue<string>;
  }
}
