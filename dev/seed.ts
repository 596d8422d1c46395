/**
 * Seeds the local console's decision log with a deterministic workspace history, for the browser
 * tests and the listing benchmark. Record i of n:
 * - 15 minutes before record i-1 (n = 5,000 spans 52 days);
 * - repository `acme/repo-<i % 100>` (50 records each at n = 5,000), project PAY when i % 4 = 0, else OPS;
 * - blocked by deny-pipe when i % 100 = 37 (50 records), blocked by branch-gate when i % 10 = 1,
 *   passed through (no policy yet) when i % 50 = 9, otherwise allowed;
 * - environments dev, plus prod when i is even; grant INC-4711 when i % 100 = 3 (50 records);
 * - pipeline `seedPipeline(i)`, build number n - i.
 */
import { decisionEntityKey } from '../src/storage/decision-store';
import type { DecisionRecord } from '../src/storage/decision-record';
import { AUDIT_TTL_SECONDS, DECISION_ENTITY } from '../src/storage/entities';
import type { EntityStore } from '../src/storage/entity-store';

const MINUTE = 60_000;

export const seedPipeline = (i: number) => `{5eed0000-0000-4000-8000-${String(i).padStart(12, '0')}}`;

export function seededRecord(i: number, n: number, now: number): DecisionRecord {
  const outcome: DecisionRecord['outcome'] =
    i % 100 === 37 || i % 10 === 1 ? 'blocked' : i % 50 === 9 ? 'passthrough' : 'allowed';
  const rules = i % 100 === 37 ? ['deny-pipe'] : i % 10 === 1 ? ['branch-gate'] : [];
  const repository = `acme/repo-${i % 100}`;
  const ref = outcome === 'blocked' && i % 10 === 1 ? `branch:feature/${i}` : 'branch:main';
  return {
    v: 2,
    at: now - i * 15 * MINUTE,
    repository,
    repositoryKey: repository,
    repositoryUuid: `{0000a000-0000-4000-8000-${String(i % 100).padStart(12, '0')}}`,
    project: i % 4 === 0 ? 'PAY' : 'OPS',
    ref,
    trigger: 'push',
    pipeline: seedPipeline(i),
    buildNumber: n - i,
    creator: '{c0ffee00-1234-4abc-9def-0123456789ab}',
    outcome,
    rules,
    grants: i % 100 === 3 ? ['INC-4711'] : [],
    environments: outcome === 'passthrough' ? [] : i % 2 === 0 ? ['dev', 'prod'] : ['dev'],
    ...(outcome === 'blocked'
      ? {
          message:
            `Pipeline Guard blocked this run for ${ref.replace(':', ' ')} (policy revision 3): 1 violation.\n` +
            `1. [${rules[0]}] step "PROD deploy" at pipelines.branches.main[2]: seeded record ${i}.`,
        }
      : {}),
    ...(outcome === 'passthrough' ? {} : { policyRevision: 3 }),
  };
}

export async function seedDecisions(entities: EntityStore, n: number, now: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const record = seededRecord(i, n, now);
    await entities.set(
      DECISION_ENTITY,
      decisionEntityKey(record.at, `seed${String(i).padStart(6, '0')}`),
      { ...record },
      { ttlSeconds: AUDIT_TTL_SECONDS },
    );
  }
}
