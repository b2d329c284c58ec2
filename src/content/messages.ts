import path from 'node:path';
import { z } from 'zod';
import { contentDirs } from '../paths';
import { loadYamlFile } from './loadYaml';

/** Every template the engine uses must be here: a missing one fails at load time, not mid-chat. */
export const messagesSchema = z
  .object({
    welcome: z.string().min(1),
    welcomePrompt: z.string().min(1),
    turnError: z.string().min(1),
    // Messages answered before the recognizer sees them (src/inputLimits.ts)
    inputTooLong: z.string().min(1),
    inputEmpty: z.string().min(1),
    inputAttachmentsOnly: z.string().min(1),
    inputNoWords: z.string().min(1),
    inputNotEnglish: z.string().min(1),
  })
  .strict();

export type Messages = z.output<typeof messagesSchema>;
export type MessageKey = keyof Messages;

export function loadMessages(file = path.join(contentDirs.knowledge, 'messages.yaml')): Messages {
  return loadYamlFile(file, messagesSchema);
}

/** Fills `{name}` placeholders; an unknown placeholder is left visible rather than silently dropped. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
