/**
 * The provider's storage ports over its own KVS calls (src/forge/kvs-calls.ts): the repository cache's reads and
 * writes and the decision log's entity write, with the limits checked as src/forge/kvs-store.ts and
 * src/forge/kvs-entity-store.ts check them for the settings functions.
 */
import { kvsEntitySet, kvsGet, kvsSet, ttlOption } from './kvs-calls';
import { checkKey, checkValue, type KeyValueStore } from '../storage/kv';
import type { EntityStore } from '../storage/entity-store';

export const kvsCacheStore: Pick<KeyValueStore, 'get' | 'set'> = {
  get: kvsGet,
  async set(key, value, options) {
    checkKey(key);
    checkValue(value);
    await kvsSet(key, value, ttlOption(options));
  },
};

export const kvsEntityWriter: Pick<EntityStore, 'set'> = {
  async set(entity, key, value, options) {
    checkKey(key);
    checkValue(value);
    await kvsEntitySet(entity, key, value, ttlOption(options));
  },
};
