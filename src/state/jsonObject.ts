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

const readJson = Symbol('readJson');
const jsonToWrite = Symbol('jsonToWrite');

/*
 * A turn made the same few kilobytes of state JSON four times: parsed from the store, stringified
 * for the change check at load, again at save, and again by the storage. So a storage hands the
 * JSON it read along with the item, and the state hands the JSON its change check made along with
 * the item it writes. Two marks, not one: an item read, changed in place and written back must be
 * serialized afresh. Not enumerable, so a copy (`{ ...item }`) leaves them behind.
 */

/** `item`, read from a store as `json` (its data: everything but the eTag). */
export function withReadJson<T extends object>(item: T, json: string): T {
  Object.defineProperty(item, readJson, { value: json, enumerable: false });
  return item;
}

/** The JSON an item was read as, if its storage said. */
export function readJsonOf(item: object): string | undefined {
  return (item as { [readJson]?: string })[readJson];
}

/** `item`, to be written as `json` (its data: everything but the eTag), already made by its writer. */
export function withJsonToWrite<T extends object>(item: T, json: string): T {
  Object.defineProperty(item, jsonToWrite, { value: json, enumerable: false });
  return item;
}

/** The JSON its writer made for an item, if any. */
export function jsonToWriteOf(item: object): string | undefined {
  return (item as { [jsonToWrite]?: string })[jsonToWrite];
}
