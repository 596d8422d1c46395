/**
 * The runs that used a break-glass grant, for the settings page. A minimal query over today's
 * decision log (its newest DECISION_SCAN_CAP records, filtered here); the rebuilt, indexed log
 * answers the same question with a grant filter and no cap, behind the same function type.
 */
import { DECISION_SCAN_CAP, type DecisionLog, type StoredDecision } from './decision-log';

export type GrantRunQuery = (grantId: string) => Promise<{ readonly runs: StoredDecision[]; readonly capped: boolean }>;

export function grantRunsFromLog(log: DecisionLog): GrantRunQuery {
  return async (grantId) => {
    const listing = await log.list({}, DECISION_SCAN_CAP);
    return { runs: listing.records.filter((record) => record.grants?.includes(grantId)), capped: listing.capped };
  };
}
