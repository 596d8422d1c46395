/**
 * KVS keys shared by the provider and the settings resolvers. Forge KVS keys may not contain
 * braces, and one store serves one installation (one workspace), so the keys need no workspace id.
 */
import { bareUuid } from '../primitives/uuid';

export const POLICY_KEY = 'policy:current';

/** Every saved revision, `policy:revision:00000042`, so that history lists in revision order. */
export const POLICY_REVISION_PREFIX = 'policy:revision:';
export const policyRevisionKey = (revision: number): string =>
  `${POLICY_REVISION_PREFIX}${String(revision).padStart(8, '0')}`;

/** The admin's saved preview cases, one key each. */
export const POLICY_TEST_PREFIX = 'policytest:';

/** One decision-log record per run; see decision-log.ts for the key layout. */
export const DECISION_PREFIX = 'decision:';

/** Every break-glass grant ever made, `grant:<id>`, with who made or revoked it; see grant-store.ts. */
export const GRANT_PREFIX = 'grant:';
export const grantKey = (id: string): string => `${GRANT_PREFIX}${id}`;

/**
 * The provider's cache of repository identities (UUID -> slug, full name, project), one key per
 * repository: `repository:2fc883c6-3dee-4e73-a354-ccee4bd77938` (KVS keys may not hold braces).
 */
export const REPOSITORY_PREFIX = 'repository:';
export const repositoryCacheKey = (uuid: string): string => `${REPOSITORY_PREFIX}${bareUuid(uuid)}`;

/** One rolled-up stats record per UTC day, `stats:day:2026-11-25`; see rollup.ts. */
export const STATS_DAY_PREFIX = 'stats:day:';
