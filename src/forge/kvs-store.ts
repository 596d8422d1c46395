/** The KeyValueStore port over Forge KVS: the settings resolvers' and the decision log's storage. */
import { ttlOption } from './kvs-calls';
import { kvs, WhereConditions } from './kvs-client';
import { checkKey, checkValue, type KeyValueStore } from '../storage/kv';

export function createKvsStore(): KeyValueStore {
  return {
    get: (key) => kvs.get(key),
    async set(key, value, options) {
      // Checked here too so that an oversized value fails with a message naming the limit.
      checkKey(key);
      checkValue(value);
      await kvs.set(key, value, ttlOption(options));
    },
    async setIfAbsent(key, value) {
      checkKey(key);
      checkValue(value);
      try {
        await kvs.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS' });
        return true;
      } catch (error) {
        // KVS names the conflict with an error code that is not part of its typed API, so the
        // key's presence decides: present means another writer won, absent means a real failure.
        if ((await kvs.get(key)) !== undefined) return false;
        throw error;
      }
    },
    delete: (key) => kvs.delete(key),
    async list(prefix, { limit, cursor }) {
      let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
      if (cursor !== undefined) query = query.cursor(cursor);
      const page = await query.getMany<unknown>();
      return {
        entries: page.results.map((result) => ({ key: result.key, value: result.value })),
        cursor: page.nextCursor,
      };
    },
  };
}
