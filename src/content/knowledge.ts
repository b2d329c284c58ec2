import path from 'node:path';
import { z } from 'zod';
import { handoffReasons } from '../tickets/ticket';
import { contentDirs } from '../paths';
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
  })
  .strict();

export const knowledgeFileSchema = z.object({ items: z.array(knowledgeItemSchema).min(1) }).strict();

export type KnowledgeItem = z.output<typeof knowledgeItemSchema>;

/** The knowledge items by id, in file order. */
export interface Knowledge {
  readonly items: readonly KnowledgeItem[];
  get(id: string): KnowledgeItem;
  has(id: string): boolean;
}

/** messages.yaml shares the folder but is templates, not knowledge items. */
const templatesFile = 'messages.yaml';

export function loadKnowledge(dir = contentDirs.knowledge): Knowledge {
  const items: KnowledgeItem[] = [];
  const byId = new Map<string, KnowledgeItem>();
  for (const file of yamlFilesIn(dir).filter((f) => path.basename(f) !== templatesFile)) {
    for (const item of loadYamlFile(file, knowledgeFileSchema).items) {
      if (byId.has(item.id)) throw new ContentError(file, [`${item.id}: this id is already used in another item`]);
      byId.set(item.id, item);
      items.push(item);
    }
  }
  return {
    items,
    has: (id) => byId.has(id),
    get(id) {
      const item = byId.get(id);
      if (!item) throw new Error(`Unknown knowledge id: ${id}`);
      return item;
    },
  };
}
