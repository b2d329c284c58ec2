import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { handoffReasons } from '../tickets/ticket';
import { contentDirs } from '../paths';
import { chargerTopics, vehicleTopics } from './releaseTopics';
import { ContentError, loadYamlFile, yamlFilesIn } from '../yamlFiles';

export const knowledgeId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids are lower_snake_case');

export const knowledgeKinds = ['overview', 'lock', 'step', 'rule', 'installer', 'faq', 'safety', 'tip'] as const;

export const knowledgeItemSchema = z
  .object({
    id: knowledgeId,
    kind: z.enum(knowledgeKinds),
    title: z.string().min(1),
    /** What the bot says. May use {car} and {charger}. */
    text: z.string().min(1),
    /** Questions this item answers, in a driver's words; they help the search find it. */
    askedAs: z.array(z.string().min(1)).default([]),
    /** For installer criteria: the handoff reason this criterion leads to. */
    handoffReason: z.enum(handoffReasons).optional(),
    /**
     * Asked about before any of `steps` was tried, the answer is `instead`: where the emergency
     * release is, asked before the normal unlock, gets "it's the last resort" and not its place.
     */
    onlyAfter: z
      .object({ steps: z.array(knowledgeId).min(1), instead: z.array(knowledgeId).min(1) })
      .strict()
      .optional(),
    /**
     * What the maker of the driver's car or charger says on these topics (knowledge/vehicles/,
     * knowledge/chargers/), said right after this item once the driver has named their model.
     */
    refinedBy: z
      .object({ vehicle: z.array(z.enum(vehicleTopics)).default([]), charger: z.array(z.enum(chargerTopics)).default([]) })
      .strict()
      .optional(),
    /**
     * A rule said whenever a message suggests breaking it, asked or not ("she says just yank it out"):
     * the phrases that suggest it.
     */
    mentionedAs: z.array(z.string().min(1)).default([]),
    /** Its answer goes on with the sources of the model facts said so far ("where does this come from?"). */
    listsSources: z.literal(true).optional(),
  })
  .strict();

export const knowledgeFileSchema = z.object({ items: z.array(knowledgeItemSchema).min(1) }).strict();

export type KnowledgeItem = z.output<typeof knowledgeItemSchema>;

/** `synonyms.yaml`: groups of words and phrases that mean the same to the search. */
export const synonymsFileSchema = z
  .object({ groups: z.array(z.array(z.string().trim().toLowerCase().min(1)).min(2, 'a group needs at least two words')) })
  .strict()
  .superRefine(({ groups }, context) => {
    const seen = new Set<string>();
    groups.forEach((group, index) => {
      for (const word of group) {
        if (seen.has(word)) context.addIssue({ code: 'custom', path: ['groups', index], message: `"${word}" is already in another group` });
        seen.add(word);
      }
    });
  });

/** The knowledge items by id, in file order, and the words the search reads as one. */
export interface Knowledge {
  readonly items: readonly KnowledgeItem[];
  /** Each group is read as its first word ("wallbox" as "charger"). */
  readonly synonyms: ReadonlyArray<readonly string[]>;
  get(id: string): KnowledgeItem;
  has(id: string): boolean;
}

/** Files of the folder that are not knowledge items: the bot's message templates and the search's synonyms. */
const templatesFile = 'messages.yaml';
const synonymsFile = 'synonyms.yaml';

export function loadKnowledge(dir = contentDirs.knowledge): Knowledge {
  const items: KnowledgeItem[] = [];
  const byId = new Map<string, KnowledgeItem>();
  for (const file of yamlFilesIn(dir).filter((f) => ![templatesFile, synonymsFile].includes(path.basename(f)))) {
    for (const item of loadYamlFile(file, knowledgeFileSchema).items) {
      if (byId.has(item.id)) throw new ContentError(file, [`${item.id}: this id is already used in another item`]);
      byId.set(item.id, item);
      items.push(item);
    }
  }
  const synonymsPath = path.join(dir, synonymsFile);
  const synonyms = fs.existsSync(synonymsPath) ? loadYamlFile(synonymsPath, synonymsFileSchema).groups : [];
  return {
    items,
    synonyms,
    has: (id) => byId.has(id),
    get(id) {
      const item = byId.get(id);
      if (!item) throw new Error(`Unknown knowledge id: ${id}`);
      return item;
    },
  };
}
