/** Whether `value` is a plain JSON object: not null, not an array, not a number or string. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Stored JSON as an object, or undefined when it does not parse or is not an object (null, an array, a number). */
export function parseJsonObject(json: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
