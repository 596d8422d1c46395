/**
 * The decision log in the `decision` custom entity, as the settings page reads it: through the
 * entity's indexes with cursors, newest first, with no cap inside the 90-day TTL. The provider only
 * appends (decision-writer.ts), so its bundle does not carry this reading code.
 *
 * No zod here: records are checked with `isDecisionRecord`. Records of the older key-value format
 * are merged in by decision-query.ts.
 */
import type { DecisionRecord } from './decision-record';
import { isDecisionRecord } from './decision-guard';
import { DECISION_ENTITY, DECISION_INDEX } from './entities';
import { MAX_ENTITY_PAGE, type EntityQuery, type EntityStore } from './entity-store';

export { createDecisionWriter, decisionEntityKey, type DecisionWriterOptions } from './decision-writer';

export interface DecisionFilter {
  /**
   * A full name (`acme/api`) matches exactly through the index; a `{uuid}` matches the repository's
   * UUID exactly; anything else is a case-insensitive part of the name.
   */
  readonly repository?: string;
  readonly project?: string;
  readonly outcome?: DecisionRecord['outcome'];
  readonly rule?: string;
  readonly environment?: string;
  readonly grant?: string;
  readonly pipeline?: string;
  /** Inclusive epoch-millisecond bounds. */
  readonly from?: number;
  readonly to?: number;
}

export interface StoredDecisionEntry {
  readonly id: string;
  readonly record: DecisionRecord;
}

export interface EntityScan {
  readonly entries: StoredDecisionEntry[];
  readonly nextCursor?: string;
  /** Records read from storage, matching or not. */
  readonly scanned: number;
  /** Stored records that failed the guard and were skipped. */
  readonly damaged: number;
}

export const isUuid = (value: string) => /^\{[0-9a-f-]{36}\}$/i.test(value);
/**
 * Only a full name is the by-repository partition: a record names its repository by UUID only when the full name was
 * unknown.
 */
export const isFullName = (value: string) => value.includes('/');

/** The index that narrows a filter most; `matches` then applies whatever the index could not. */
export function planQuery(filter: DecisionFilter): Pick<EntityQuery, 'index' | 'partition'> {
  const repository = filter.repository?.trim();
  if (filter.pipeline) return { index: DECISION_INDEX.byPipeline, partition: [filter.pipeline] };
  if (repository && isFullName(repository))
    return { index: DECISION_INDEX.byRepository, partition: [repository.toLowerCase()] };
  if (filter.project) return { index: DECISION_INDEX.byProject, partition: [filter.project.trim().toUpperCase()] };
  if (filter.outcome) return { index: DECISION_INDEX.byOutcome, partition: [filter.outcome] };
  return { index: DECISION_INDEX.byTime };
}

export function matches(record: DecisionRecord, filter: DecisionFilter): boolean {
  const repository = filter.repository?.trim().toLowerCase();
  if (repository) {
    const matched = isFullName(repository)
      ? record.repositoryKey === repository
      : isUuid(repository)
        ? record.repositoryUuid.toLowerCase() === repository || record.repositoryKey === repository
        : record.repositoryKey.includes(repository);
    if (!matched) return false;
  }
  if (filter.project && (record.project ?? '').toUpperCase() !== filter.project.trim().toUpperCase()) return false;
  if (filter.outcome && record.outcome !== filter.outcome) return false;
  if (filter.rule && !record.rules.includes(filter.rule)) return false;
  if (filter.environment && !record.environments.includes(filter.environment)) return false;
  if (filter.grant && !record.grants.includes(filter.grant)) return false;
  if (filter.pipeline && record.pipeline !== filter.pipeline) return false;
  if (filter.from !== undefined && record.at < filter.from) return false;
  if (filter.to !== undefined && record.at > filter.to) return false;
  return true;
}

/** True when the chosen index alone decides the filter, so a page can be cut to the exact size. */
function indexDecides(filter: DecisionFilter, plan: Pick<EntityQuery, 'index'>): boolean {
  const repository = filter.repository?.trim();
  const residual = [
    filter.rule,
    filter.environment,
    filter.grant,
    repository && !isFullName(repository) ? repository : undefined,
  ].some(Boolean);
  if (residual) return false;
  const indexed = [filter.pipeline, repository, filter.project, filter.outcome].filter(Boolean).length;
  return indexed <= (plan.index === DECISION_INDEX.byTime ? 0 : 1);
}

/**
 * Reads matching records newest first until `want` match or `budget` records were read. A storage
 * page is never cut, since a Forge cursor cannot resume inside one: a call may return up to 99 more
 * than `want` when records are filtered after reading.
 */
export async function scanDecisions(
  entities: EntityStore,
  filter: DecisionFilter,
  options: { cursor?: string; want: number; budget: number },
): Promise<EntityScan> {
  const plan = planQuery(filter);
  const exact = indexDecides(filter, plan);
  const range = filter.from !== undefined || filter.to !== undefined ? { from: filter.from, to: filter.to } : undefined;
  const entries: StoredDecisionEntry[] = [];
  let cursor = options.cursor;
  let scanned = 0;
  let damaged = 0;
  do {
    const limit = exact ? Math.max(1, Math.min(MAX_ENTITY_PAGE, options.want - entries.length)) : MAX_ENTITY_PAGE;
    const page = await entities.query(DECISION_ENTITY, { ...plan, range, sort: 'DESC', limit, cursor });
    scanned += page.results.length;
    for (const result of page.results) {
      if (!isDecisionRecord(result.value)) {
        damaged += 1;
        continue;
      }
      if (matches(result.value, filter)) entries.push({ id: result.key, record: result.value });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && entries.length < options.want && scanned < options.budget);
  return { entries, nextCursor: cursor, scanned, damaged };
}
