/**
 * Custom entities in memory with Forge's query rules: only declared entities, attributes and
 * indexes; a sparse index per declaration (a record lacking a partition attribute is not in it);
 * results ordered by the range attribute, ties by key; pages of 1..100 with an opaque cursor; TTL.
 * Forge's queries are eventually consistent: `queryLagMs` hides records younger than that from
 * queries (never from `get`), so code that reads its own write through a query fails here too.
 */
import { checkKey, checkValue } from './kv';
import {
  MAX_ENTITY_PAGE,
  type EntityDefinition,
  type EntityIndex,
  type EntityPage,
  type EntityQuery,
  type EntityStore,
} from './entity-store';

interface Row {
  readonly key: string;
  readonly value: Record<string, unknown>;
  readonly writtenAt: number;
  readonly expiresAt?: number;
}

export interface MemoryEntitySnapshot {
  readonly [entity: string]: {
    readonly [key: string]: { readonly value: Record<string, unknown>; readonly expiresAt?: number };
  };
}

export interface MemoryEntityOptions {
  readonly now?: () => number;
  readonly initial?: MemoryEntitySnapshot;
  readonly queryLagMs?: number;
  /** Called after every write, e.g. to save the console's JSON file. */
  readonly onChange?: () => void;
}

export interface MemoryEntityStore extends EntityStore {
  snapshot(): MemoryEntitySnapshot;
  /** How many writes reached the store. */
  readonly writes: number;
}

export class EntityQueryError extends Error {}

const typeOk: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  float: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  any: () => true,
};

const encodeCursor = (position: readonly [number, string]) =>
  Buffer.from(JSON.stringify(position)).toString('base64url');
function decodeCursor(cursor: string): [number, string] {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(position) &&
      position.length === 2 &&
      typeof position[0] === 'number' &&
      typeof position[1] === 'string'
    )
      return [position[0], position[1]];
  } catch {
    // fall through to the error below
  }
  throw new EntityQueryError('the cursor is not one this store handed out');
}

function checkRecord(definition: EntityDefinition, value: Record<string, unknown>): void {
  for (const [attribute, attributeValue] of Object.entries(value)) {
    const declared = definition.attributes[attribute];
    if (!declared)
      throw new EntityQueryError(`attribute "${attribute}" is not declared for entity "${definition.name}"`);
    if (attributeValue !== undefined && !typeOk[declared.type](attributeValue))
      throw new EntityQueryError(`attribute "${attribute}" of entity "${definition.name}" must be ${declared.type}`);
  }
}

const live = (row: Row | undefined, at: number) =>
  row !== undefined && (row.expiresAt === undefined || row.expiresAt > at);

/** The rows of one index partition, ordered by the range attribute, ties by key. */
function sortedIndexRows(
  table: ReadonlyMap<string, Row>,
  index: EntityIndex,
  partition: readonly (string | number)[],
): Row[] {
  const [rangeAttribute] = index.range;
  const partitionAttributes = index.partition ?? [];
  const rows = [...table.values()].filter(
    (row) =>
      typeof row.value[rangeAttribute] === 'number' &&
      partitionAttributes.every(
        (attribute, i) => row.value[attribute] !== undefined && row.value[attribute] === partition[i],
      ),
  );
  rows.sort(
    (a, b) =>
      (a.value[rangeAttribute] as number) - (b.value[rangeAttribute] as number) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return rows;
}

function snapshotOf(tables: ReadonlyMap<string, ReadonlyMap<string, Row>>, at: number): MemoryEntitySnapshot {
  const out: Record<string, Record<string, { value: Record<string, unknown>; expiresAt?: number }>> = {};
  for (const [entity, rows] of tables) {
    const kept: Record<string, { value: Record<string, unknown>; expiresAt?: number }> = {};
    for (const row of rows.values())
      if (live(row, at))
        kept[row.key] = { value: row.value, ...(row.expiresAt !== undefined ? { expiresAt: row.expiresAt } : {}) };
    out[entity] = kept;
  }
  return out;
}

/** The index a query names, once its partition and page size are ones Forge accepts. */
function queriedIndex(definition: EntityDefinition, entity: string, query: EntityQuery): EntityIndex {
  const index = definition.indexes.find((candidate) => candidate.name === query.index);
  if (!index) throw new EntityQueryError(`entity "${entity}" has no index "${query.index}"`);
  const partition = query.partition ?? [];
  if (partition.length !== (index.partition ?? []).length)
    throw new EntityQueryError(
      `index "${index.name}" takes ${(index.partition ?? []).length} partition value(s), got ${partition.length}`,
    );
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_ENTITY_PAGE)
    throw new EntityQueryError(`page size ${query.limit} is outside 1..${MAX_ENTITY_PAGE}`);
  return index;
}

/** One page of an index's sorted rows: in range, live, visible after the query lag, past the cursor. */
function queryPage(
  rows: readonly Row[],
  index: EntityIndex,
  query: EntityQuery,
  { after, at, queryLagMs = 0 }: { after?: [number, string]; at: number; queryLagMs?: number },
): EntityPage {
  const [rangeAttribute] = index.range;
  const descending = query.sort === 'DESC';
  const visibleBefore = at - queryLagMs;
  const results: { key: string; value: unknown }[] = [];
  let last: Row | undefined;
  let more = false;
  const order = (row: Row): [number, string] => [row.value[rangeAttribute] as number, row.key];
  const beyond = (row: Row) => {
    if (!after) return true;
    const [range, key] = order(row);
    const cmp = range - after[0] || (key < after[1] ? -1 : key > after[1] ? 1 : 0);
    return descending ? cmp < 0 : cmp > 0;
  };
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[descending ? rows.length - 1 - i : i];
    const range = row.value[rangeAttribute] as number;
    if (query.range?.from !== undefined && range < query.range.from) continue;
    if (query.range?.to !== undefined && range > query.range.to) continue;
    if (!live(row, at) || (queryLagMs && row.writtenAt > visibleBefore) || !beyond(row)) continue;
    if (results.length === query.limit) {
      more = true;
      break;
    }
    results.push({ key: row.key, value: JSON.parse(JSON.stringify(row.value)) });
    last = row;
  }
  return { results, ...(more && last ? { nextCursor: encodeCursor(order(last)) } : {}) };
}

export function createMemoryEntities(
  definitions: readonly EntityDefinition[],
  options: MemoryEntityOptions = {},
): MemoryEntityStore {
  const now = options.now ?? (() => Date.now());
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const tables = new Map<string, Map<string, Row>>(definitions.map((definition) => [definition.name, new Map()]));
  /** Sorted index contents, rebuilt after a write: a console page of 5,000 records pages without re-sorting. */
  const sortedCache = new Map<string, Row[]>();
  let writes = 0;

  const definitionOf = (entity: string): EntityDefinition => {
    const definition = byName.get(entity);
    if (!definition) throw new EntityQueryError(`entity "${entity}" is not declared in manifest.yml`);
    return definition;
  };

  const put = (
    entity: string,
    key: string,
    value: Record<string, unknown>,
    expiresAt: number | undefined,
    writtenAt: number,
  ) => {
    tables
      .get(entity)!
      .set(key, { key, value: JSON.parse(checkValue(value)) as Record<string, unknown>, writtenAt, expiresAt });
  };
  for (const [entity, rows] of Object.entries(options.initial ?? {})) {
    if (!byName.has(entity)) continue;
    for (const [key, row] of Object.entries(rows)) put(entity, key, row.value, row.expiresAt, 0);
  }

  const indexRows = (
    definition: EntityDefinition,
    index: EntityIndex,
    partition: readonly (string | number)[],
  ): Row[] => {
    const cacheKey = JSON.stringify([definition.name, index.name, partition]);
    const cached = sortedCache.get(cacheKey);
    if (cached) return cached;
    const rows = sortedIndexRows(tables.get(definition.name)!, index, partition);
    sortedCache.set(cacheKey, rows);
    return rows;
  };

  return {
    get writes() {
      return writes;
    },
    snapshot: () => snapshotOf(tables, now()),
    async get(entity, key) {
      definitionOf(entity);
      checkKey(key);
      const row = tables.get(entity)!.get(key);
      return live(row, now()) ? JSON.parse(JSON.stringify(row!.value)) : undefined;
    },
    async set(entity, key, value, setOptions) {
      const definition = definitionOf(entity);
      checkKey(key);
      checkRecord(definition, value);
      const at = now();
      const ttl = setOptions?.ttlSeconds;
      put(entity, key, value, ttl !== undefined ? at + ttl * 1000 : undefined, at);
      sortedCache.clear();
      writes += 1;
      options.onChange?.();
    },
    async query(entity, query) {
      const definition = definitionOf(entity);
      const index = queriedIndex(definition, entity, query);
      const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
      const at = now();
      const rows = indexRows(definition, index, query.partition ?? []);
      return queryPage(rows, index, query, { after, at, queryLagMs: options.queryLagMs });
    },
  };
}
