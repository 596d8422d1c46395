/** The EntityStore port over Forge custom entities (declared in manifest.yml under app.storage.entities). */
import { ttlOption } from './kvs-calls';
import { kvs, Sort, WhereConditions } from './kvs-client';
import { checkKey, checkValue } from '../storage/kv';
import type { EntityStore, RangeCondition } from '../storage/entity-store';

function whereOf(range: RangeCondition | undefined) {
  if (!range) return undefined;
  if (range.from !== undefined && range.to !== undefined) return WhereConditions.between(range.from, range.to);
  if (range.from !== undefined) return WhereConditions.greaterThanEqualTo(range.from);
  if (range.to !== undefined) return WhereConditions.lessThanEqualTo(range.to);
  return undefined;
}

export function createKvsEntityStore(): EntityStore {
  return {
    get: (entity, key) => kvs.entity<unknown>(entity).get(key),
    async set(entity, key, value, options) {
      // Checked here too so that an oversized record fails with a message naming the limit.
      checkKey(key);
      checkValue(value);
      await kvs.entity<Record<string, unknown>>(entity).set(key, value, ttlOption(options));
    },
    async query(entity, query) {
      let builder = kvs
        .entity<unknown>(entity)
        .query()
        .index(query.index, query.partition ? { partition: [...query.partition] } : undefined)
        .sort(query.sort === 'DESC' ? Sort.DESC : Sort.ASC)
        .limit(query.limit);
      const where = whereOf(query.range);
      if (where) builder = builder.where(where);
      if (query.cursor !== undefined) builder = builder.cursor(query.cursor);
      const page = await builder.getMany();
      return {
        results: page.results.map((result) => ({ key: result.key, value: result.value })),
        nextCursor: page.nextCursor,
      };
    },
  };
}
