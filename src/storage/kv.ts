/**
 * The storage port behind the settings resolvers and the decision log. Forge KVS plugs in through
 * src/forge/kvs-store.ts; unit tests and the local console use the in-memory store, which enforces
 * the same key and value limits so that a key that would fail in Forge fails in a test first.
 */

export interface KvEntry {
  readonly key: string;
  readonly value: unknown;
}

export interface KvPage {
  readonly entries: KvEntry[];
  readonly cursor?: string;
}

export interface KeyValueStore {
  /** undefined when the key is absent (or expired). */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  /** Writes only when the key is absent; false when another writer got there first. */
  setIfAbsent(key: string, value: unknown): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** One page of the entries whose key begins with `prefix`, in ascending key order. */
  list(prefix: string, options: { limit: number; cursor?: string }): Promise<KvPage>;
}

/** Forge KVS limits (forge-platform.md §3.2). */
export const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/;
export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
export const MAX_VALUE_DEPTH = 31;
/** Forge's query page size limit. */
export const MAX_PAGE_SIZE = 100;

export class StorageLimitError extends Error {}

export function checkKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH)
    throw new StorageLimitError(`storage key is ${key.length} characters; the limit is ${MAX_KEY_LENGTH}`);
  if (!KEY_PATTERN.test(key))
    throw new StorageLimitError(`storage key "${key.slice(0, 80)}" has characters Forge KVS does not allow`);
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** Returns the JSON text that would be stored, after checking size and nesting. */
export function checkValue(value: unknown): string {
  const depth = depthOf(value);
  if (depth > MAX_VALUE_DEPTH)
    throw new StorageLimitError(`stored value is nested ${depth} levels deep; the limit is ${MAX_VALUE_DEPTH}`);
  const json = JSON.stringify(value);
  if (json === undefined) throw new StorageLimitError('stored value is not JSON');
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_VALUE_BYTES)
    throw new StorageLimitError(
      `stored value is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_VALUE_BYTES / 1024} KiB`,
    );
  return json;
}
