/**
 * An in-memory KeyValueStore with Forge's key, size, depth and TTL rules. The unit tests use it as
 * the KVS fake and the local console persists it to a JSON file, so both run the real limits.
 */
import { checkKey, checkValue, MAX_PAGE_SIZE, type KeyValueStore, type KvEntry } from './kv';

interface Slot {
  readonly json: string;
  readonly expiresAt?: number;
}

export interface MemoryKvSnapshot {
  readonly [key: string]: { readonly value: unknown; readonly expiresAt?: number };
}

export interface MemoryKvOptions {
  readonly now?: () => number;
  readonly initial?: MemoryKvSnapshot;
  /** Called after every change, e.g. to write the console's JSON file. */
  readonly onChange?: (snapshot: MemoryKvSnapshot) => void;
  /** Called after every change without a snapshot: for a caller that saves later, in one go (the console). */
  readonly onWrite?: () => void;
}

export interface MemoryKeyValueStore extends KeyValueStore {
  snapshot(): MemoryKvSnapshot;
  /** Every live key, for assertions. */
  keys(): string[];
  /** How many writes (set, setIfAbsent, delete) reached the store. */
  readonly writes: number;
}

function slotsOf(initial: MemoryKvSnapshot): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  for (const [key, entry] of Object.entries(initial)) {
    checkKey(key);
    slots.set(key, { json: checkValue(entry.value), expiresAt: entry.expiresAt });
  }
  return slots;
}

export function createMemoryKv(options: MemoryKvOptions = {}): MemoryKeyValueStore {
  const now = options.now ?? (() => Date.now());
  const slots = slotsOf(options.initial ?? {});
  let writes = 0;
  let sorted: string[] | undefined;

  const live = (key: string): Slot | undefined => {
    const slot = slots.get(key);
    if (slot?.expiresAt !== undefined && slot.expiresAt <= now()) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  };
  const snapshot = (): MemoryKvSnapshot => {
    const out: Record<string, { value: unknown; expiresAt?: number }> = {};
    for (const key of [...slots.keys()].sort()) {
      const slot = live(key);
      if (slot)
        out[key] = {
          value: JSON.parse(slot.json),
          ...(slot.expiresAt !== undefined ? { expiresAt: slot.expiresAt } : {}),
        };
    }
    return out;
  };
  const changed = () => {
    writes += 1;
    sorted = undefined;
    options.onChange?.(snapshot());
    options.onWrite?.();
  };

  return {
    get writes() {
      return writes;
    },
    async get(key) {
      checkKey(key);
      const slot = live(key);
      return slot ? JSON.parse(slot.json) : undefined;
    },
    async set(key, value, setOptions) {
      checkKey(key);
      const json = checkValue(value);
      const ttl = setOptions?.ttlSeconds;
      slots.set(key, { json, expiresAt: ttl !== undefined ? now() + ttl * 1000 : undefined });
      changed();
    },
    async setIfAbsent(key, value) {
      checkKey(key);
      const json = checkValue(value);
      if (live(key)) return false;
      slots.set(key, { json });
      changed();
      return true;
    },
    async delete(key) {
      checkKey(key);
      slots.delete(key);
      changed();
    },
    async list(prefix, { limit, cursor }) {
      if (limit < 1 || limit > MAX_PAGE_SIZE) throw new Error(`page size ${limit} is outside 1..${MAX_PAGE_SIZE}`);
      // Sorted once per change of the key set, not per page: the console pages through tens of thousands of samples.
      sorted ??= [...slots.keys()].sort();
      const keys = sorted.filter(
        (key) => key.startsWith(prefix) && (cursor === undefined || key > cursor) && live(key),
      );
      const page = keys.slice(0, limit);
      const entries: KvEntry[] = page.map((key) => ({ key, value: JSON.parse(slots.get(key)!.json) }));
      return { entries, cursor: keys.length > limit ? page[page.length - 1] : undefined };
    },
    snapshot,
    keys: () => [...slots.keys()].filter((key) => live(key)).sort(),
  };
}
