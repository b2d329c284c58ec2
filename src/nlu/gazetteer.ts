import { z } from 'zod';
import { loadYamlFile } from '../content/loadYaml';
import { damageDetails } from './types';

/** Schema of `intents/entities.yaml`: the gazetteers and cue phrases matched by rule. */
const phrases = z.array(z.string().trim().min(1)).min(1);
const damageRule = z.union([phrases.transform((any) => ({ any, with: undefined })), z.object({ any: phrases, with: phrases.optional() }).strict()]);

export const gazetteerSchema = z
  .object({
    vehicleMakes: z.record(z.string().min(1), phrases),
    chargerBrands: z.record(z.string().min(1), phrases),
    side: z.object({ car: phrases, charger: phrases }).strict(),
    cableWords: phrases,
    chargerType: z.object({ tethered: phrases, untethered: phrases }).strict(),
    damage: z.object(Object.fromEntries(damageDetails.map((detail) => [detail, damageRule])) as Record<(typeof damageDetails)[number], typeof damageRule>).strict(),
    topicCues: z.object({ damage: phrases, human: phrases, power_cut: phrases, cold_weather: phrases, cable_stuck: phrases }).strict(),
  })
  .strict();

export type Gazetteer = z.output<typeof gazetteerSchema>;

export function loadGazetteer(file: string): Gazetteer {
  return loadYamlFile(file, gazetteerSchema);
}

/** Every word the gazetteer knows, so the speller corrects "zapi" to "zappi" too. */
export function gazetteerWords(gazetteer: Gazetteer): string[] {
  const all: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') all.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(gazetteer);
  return all;
}
