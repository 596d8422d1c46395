/**
 * KVS keys shared by the provider and the settings resolvers. Forge KVS keys may not contain
 * braces, and one store serves one installation (one workspace), so the keys need no workspace id.
 */
export const POLICY_KEY = 'policy:current';

/** Every saved revision, `policy:revision:00000042`, so that history lists in revision order. */
export const POLICY_REVISION_PREFIX = 'policy:revision:';
export const policyRevisionKey = (revision: number): string => `${POLICY_REVISION_PREFIX}${String(revision).padStart(8, '0')}`;

/** The admin's saved preview cases, one key each. */
export const POLICY_TEST_PREFIX = 'policytest:';

/** One decision-log record per run; see decision-log.ts for the key layout. */
export const DECISION_PREFIX = 'decision:';

/** One rolled-up stats record per UTC day, `stats:day:2026-11-25`; see rollup.ts. */
export const STATS_DAY_PREFIX = 'stats:day:';
