/**
 * Listing the decision log for the settings page: the `decision` entity first (newest first through
 * the narrowest index), then the records of the older key-value format, which are all older than
 * any entity record and expire within 30 days. One opaque cursor covers both.
 */
import { readLegacyPage } from './decision-log';
import { DECISION_PREFIX } from './keys';
import type { DecisionRecord } from './decision-record';
import { matches, scanDecisions, type DecisionFilter } from './decision-store';
import type { EntityStore } from './entity-store';
import type { KeyValueStore } from './kv';

export interface ListedDecision extends DecisionRecord {
  readonly id: string;
  /** `legacy` for a record of the older format: it has no project, environments, grants or message. */
  readonly format: 'entity' | 'legacy';
}

export interface DecisionPage {
  readonly records: ListedDecision[];
  /** Hand back for the next page; absent at the end of the log. */
  readonly cursor?: string;
  /** Records read to answer, matching or not. */
  readonly scanned: number;
  /** Damaged records that were skipped. */
  readonly damaged: number;
}

export interface ListOptions {
  readonly cursor?: string;
  /** How many matching records to aim for. */
  readonly pageSize?: number;
  /** Records read at most per call, so that one call stays well inside a resolver's time limit. */
  readonly scanBudget?: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_SCAN_BUDGET = 10_000;

type Position = { phase: 'entity'; cursor?: string } | { phase: 'legacy'; cursor?: string };

const encode = (position: Position) => Buffer.from(JSON.stringify(position)).toString('base64url');
export class BadCursorError extends Error {}
function decode(cursor: string | undefined): Position {
  if (cursor === undefined) return { phase: 'entity' };
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (
      (value.phase === 'entity' || value.phase === 'legacy') &&
      (value.cursor === undefined || typeof value.cursor === 'string')
    )
      return value;
  } catch {
    // reported below
  }
  throw new BadCursorError('The listing cursor is not valid; start the listing again.');
}

/** Older records hold no project, environment or grant, so such a filter never matches them. */
const legacyCanMatch = (filter: DecisionFilter) => !filter.project && !filter.environment && !filter.grant;

export function createDecisionQuery(entities: EntityStore, kv: KeyValueStore) {
  return {
    async list(filter: DecisionFilter, options: ListOptions = {}): Promise<DecisionPage> {
      const want = options.pageSize ?? DEFAULT_PAGE_SIZE;
      const budget = options.scanBudget ?? DEFAULT_SCAN_BUDGET;
      let position = decode(options.cursor);
      const records: ListedDecision[] = [];
      let scanned = 0;
      let damaged = 0;
      if (position.phase === 'entity') {
        const scan = await scanDecisions(entities, filter, { cursor: position.cursor, want, budget });
        records.push(...scan.entries.map(({ id, record }) => ({ ...record, id, format: 'entity' as const })));
        scanned += scan.scanned;
        damaged += scan.damaged;
        if (scan.nextCursor !== undefined)
          return { records, cursor: encode({ phase: 'entity', cursor: scan.nextCursor }), scanned, damaged };
        if (!legacyCanMatch(filter)) return { records, scanned, damaged };
        // A full page hands on to the older records only if there are any: no empty "older" page.
        if (records.length >= want && (await kv.list(DECISION_PREFIX, { limit: 1 })).entries.length === 0)
          return { records, scanned, damaged };
        position = { phase: 'legacy' };
      }
      let cursor = position.cursor;
      while (records.length < want && scanned < budget) {
        const page = await readLegacyPage(kv, cursor);
        scanned += page.scanned;
        damaged += page.damaged;
        for (const { id, record } of page.entries)
          if (matches(record, filter)) records.push({ ...record, id, format: 'legacy' });
        cursor = page.cursor;
        if (cursor === undefined) return { records, scanned, damaged };
      }
      return { records, cursor: encode({ phase: 'legacy', cursor }), scanned, damaged };
    },
  };
}

export type DecisionQuery = ReturnType<typeof createDecisionQuery>;
