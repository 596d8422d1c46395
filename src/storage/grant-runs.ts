/**
 * The runs that used a break-glass grant, for the settings page: the decision log's grant filter.
 * A grant lasts at most 24 hours, so its runs are few; the listing still stops at MAX_GRANT_RUNS.
 */
import type { DecisionQuery, ListedDecision } from './decision-query';

export const MAX_GRANT_RUNS = 500;

export type GrantRunQuery = (grantId: string) => Promise<{ readonly runs: ListedDecision[]; readonly capped: boolean }>;

export function grantRunsFromLog(query: DecisionQuery): GrantRunQuery {
  return async (grantId) => {
    const runs: ListedDecision[] = [];
    let cursor: string | undefined;
    do {
      const page = await query.list({ grant: grantId }, { cursor, pageSize: 100 });
      runs.push(...page.records);
      cursor = page.cursor;
    } while (cursor !== undefined && runs.length < MAX_GRANT_RUNS);
    return { runs: runs.slice(0, MAX_GRANT_RUNS), capped: cursor !== undefined || runs.length > MAX_GRANT_RUNS };
  };
}
