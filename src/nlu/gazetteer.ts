import { isEnglishWord } from './englishWords';
import { z } from 'zod';
import { loadYamlFile } from '../yamlFiles';
import { SpellingCorrector } from './textAnalysis';
import { damageDetails } from './types';

/** Schema of `intents/entities.yaml`: the gazetteers and cue phrases matched by rule. */
const phrases = z.array(z.string().trim().min(1)).min(1);
const damageRule = z.union([
  phrases.transform((any) => ({ any, with: undefined, without: undefined })),
  z.object({ any: phrases, with: phrases.optional(), without: phrases.optional() }).strict(),
]);

export const gazetteerSchema = z
  .object({
    vehicleMakes: z.record(z.string().min(1), phrases),
    chargerBrands: z.record(z.string().min(1), phrases),
    side: z.object({ car: phrases, charger: phrases }).strict(),
    cableWords: phrases,
    chargerType: z.object({ tethered: phrases, untethered: phrases }).strict(),
    damage: z
      .object(
        Object.fromEntries(damageDetails.map((detail) => [detail, damageRule])) as Record<
          (typeof damageDetails)[number],
          typeof damageRule
        >,
      )
      .strict(),
    topicCues: z.object({ damage: phrases, human: phrases, power_cut: phrases, cold_weather: phrases, cable_stuck: phrases }).strict(),
    /** Phrases that say the cable has come free: news at any stage, not only an answer to "did it come free?". */
    cableFreed: phrases,
    /** Phrases that say one end is free ("the car end is fine", "the wallbox side came out"). */
    endFreed: phrases,
    /** Phrases that say both ends are held ("both ends", "either end"). */
    bothEnds: phrases,
    /** Phrases that correct what came before ("no sorry", "I mean"): the end named after them counts. */
    corrections: phrases,
    /** Phrases that say an attempt did not free the cable ("nada", "no joy"). */
    attemptFailed: phrases,
    /**
     * Words before a step that make it not done yet: asked help with, looked for, meant, expected.
     * `help` is also what makes a message at a step a request for help with it.
     */
    stepNotDone: z.object({ help: phrases, looking: phrases, intending: phrases, expected: phrases }).strict(),
    /** Said at the start of a reply: the step is being done now or about to be ("on it", "doing it now"). */
    underWay: phrases,
    /** Phrases that say a step of the procedures was done, by step id. */
    stepsDone: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), phrases),
    /** Phrases about the mains power in a power cut. */
    power: z.object({ back: phrases, off: phrases }).strict(),
    /** Everyday words of the short answers (farewells, slang yeses): a classifier feature, not a rule. */
    conversationWords: z
      .object({ greeting: phrases, thanks: phrases, affirm: phrases, deny: phrases, cancel: phrases, help: phrases })
      .strict(),
    /** Real words one letter from a cue word, from `common-words.yaml`: the speller never turns them into the cue. */
    commonWords: z.array(z.string().trim().min(1)),
  })
  .strict();

export type Gazetteer = z.output<typeof gazetteerSchema>;

const entitiesFileSchema = gazetteerSchema.omit({ commonWords: true });
const commonWordsFileSchema = z.object({ words: z.array(z.string().trim().toLowerCase().min(1)) }).strict();

/** `entities.yaml` with the speller's `common-words.yaml`. */
export function loadGazetteer(entitiesFile: string, commonWordsFile: string): Gazetteer {
  return { ...loadYamlFile(entitiesFile, entitiesFileSchema), commonWords: loadYamlFile(commonWordsFile, commonWordsFileSchema).words };
}

/** The speller of a vocabulary, guarded so that it only corrects clear misspellings into the topic cues' words. */
export function spellerFor(vocabulary: Record<string, number>, gazetteer: Gazetteer): SpellingCorrector {
  // Topic cues and damage words alike: "holt" is a name, not "hot".
  const damagePhrases = Object.values(gazetteer.damage).flatMap((rule) => rule.any);
  const cueWords = new Set(
    [...Object.values(gazetteer.topicCues).flat(), ...damagePhrases].flatMap((cue) => cue.toLowerCase().match(/[a-z0-9]+/g) ?? []),
  );
  return new SpellingCorrector(new Map(Object.entries(vocabulary)), {
    cueWords,
    commonWords: new Set(gazetteer.commonWords),
    isRealWord: isEnglishWord,
  });
}

/**
 * Every word the gazetteer matches (not the speller's common words), so the speller corrects "zapi"
 * to "zappi" too. The everyday words that keep a step from being done ("how", "gonna", "on it") are
 * no names to correct into, and counting them again would only tilt the speller's choices.
 */
export function gazetteerWords(gazetteer: Gazetteer): string[] {
  const all: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') all.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit({ ...gazetteer, commonWords: [], stepNotDone: {}, underWay: [] });
  return all;
}
