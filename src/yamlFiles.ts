import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type z } from 'zod';

/** Content that fails its schema: names the file and every bad field so an author can fix it. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid content in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'ContentError';
  }
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Reads one YAML (or JSON) content file and validates it against its schema. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContentError(file, [(error as Error).message], { cause: error });
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ContentError(file, describeIssues(result.error));
  return result.data;
}

/** Every `.yaml`/`.yml` file of a folder, sorted, so content can be split by topic. */
export function yamlFilesIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}
