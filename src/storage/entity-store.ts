/**
 * The storage port for Forge custom entities (forge-platform.md, platform-apis.md §1.7): typed
 * records queried through declared indexes, newest first, a page of at most 100 at a time, with an
 * opaque cursor. Forge plugs in through src/forge/kvs-entity-store.ts; tests and the local console
 * use src/storage/memory-entities.ts, which keeps the same rules so that a query that cannot work
 * in Forge fails in a test first.
 */

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'any';

export interface EntityIndex {
  readonly name: string;
  /** Equality attributes; a record without one of them is not in the index (a sparse index). */
  readonly partition?: readonly string[];
  /** The attribute the index sorts by and a range condition applies to. */
  readonly range: readonly [string];
}

/** What manifest.yml declares under `app.storage.entities`; a test keeps the two the same. */
export interface EntityDefinition {
  readonly name: string;
  readonly attributes: Readonly<Record<string, { readonly type: AttributeType }>>;
  readonly indexes: readonly EntityIndex[];
}

export interface RangeCondition {
  /** Inclusive bounds on the index's range attribute. */
  readonly from?: number;
  readonly to?: number;
}

export interface EntityQuery {
  readonly index: string;
  readonly partition?: readonly (string | number)[];
  readonly range?: RangeCondition;
  readonly sort?: 'ASC' | 'DESC';
  /** 1..100, as in Forge. */
  readonly limit: number;
  /** Only from the previous page of the same query; Forge says not to persist it. */
  readonly cursor?: string;
}

export interface EntityPage {
  readonly results: { readonly key: string; readonly value: unknown }[];
  readonly nextCursor?: string;
}

export interface EntityStore {
  get(entity: string, key: string): Promise<unknown>;
  set(entity: string, key: string, value: Record<string, unknown>, options?: { ttlSeconds?: number }): Promise<void>;
  /** Eventually consistent, like Forge: a record written a moment ago may be missing from a page. */
  query(entity: string, query: EntityQuery): Promise<EntityPage>;
}

export const MAX_ENTITY_PAGE = 100;
