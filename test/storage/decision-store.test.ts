import fc from 'fast-check';
import { decisionKey } from '../../src/storage/decision-log';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { createDecisionQuery } from '../../src/storage/decision-query';
import {
  createDecisionWriter,
  decisionEntityKey,
  matches,
  planQuery,
  type DecisionFilter,
} from '../../src/storage/decision-store';
import { AUDIT_TTL_SECONDS, DECISION_ENTITY, DECISION_INDEX, ENTITY_DEFINITIONS } from '../../src/storage/entities';
import type { EntityStore } from '../../src/storage/entity-store';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';

const T0 = Date.parse('2026-11-25T00:00:00Z');

const record = (i: number, overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  v: 2,
  at: T0 + i * 60_000,
  repository: `acme/repo-${i % 3}`,
  repositoryKey: `acme/repo-${i % 3}`,
  repositoryUuid: `{00000000-0000-4000-8000-00000000000${i % 3}}`,
  ...(i % 2 === 0 ? { project: 'PAY' } : {}),
  ref: 'branch:main',
  trigger: 'push',
  pipeline: `{p-${i}}`,
  outcome: i % 5 === 0 ? 'blocked' : 'allowed',
  rules: i % 5 === 0 ? ['branch-gate'] : [],
  grants: i % 7 === 0 ? ['INC-1'] : [],
  environments: i % 2 === 0 ? ['dev', 'prod'] : ['dev'],
  ...overrides,
});

/** Counts calls to the entity store. */
function spied(entities: EntityStore) {
  const calls: string[] = [];
  const store: EntityStore = {
    get: (...a) => (calls.push('get'), entities.get(...a)),
    set: (...a) => (calls.push('set'), entities.set(...a)),
    query: (...a) => (calls.push('query'), entities.query(...a)),
  };
  return { store, calls };
}

async function seeded(n: number, now?: () => number) {
  const entities = createMemoryEntities(ENTITY_DEFINITIONS, { now });
  const kv = createMemoryKv({ now });
  let k = 0;
  const writer = createDecisionWriter(entities, { random: () => String(k++).padStart(8, '0') });
  for (let i = 0; i < n; i += 1) await writer.append(record(i));
  return { entities, kv, query: createDecisionQuery(entities, kv) };
}

async function everything(
  query: ReturnType<typeof createDecisionQuery>,
  filter: DecisionFilter,
  pageSize: number,
  scanBudget = 5_000,
) {
  const seen: DecisionRecord[] = [];
  let cursor: string | undefined;
  let calls = 0;
  do {
    const page = await query.list(filter, { cursor, pageSize, scanBudget });
    seen.push(...page.records);
    cursor = page.cursor;
    calls += 1;
  } while (cursor !== undefined && calls < 10_000);
  return seen;
}

describe('decision writer (the provider’s hot path)', () => {
  it('appends with exactly one write, no read, and the 90-day TTL', async () => {
    const { store, calls } = spied(createMemoryEntities(ENTITY_DEFINITIONS));
    const setSpy = jest.spyOn(store, 'set');
    await createDecisionWriter(store).append(record(1));
    expect(calls).toEqual(['set']);
    expect(setSpy.mock.calls[0][0]).toBe(DECISION_ENTITY);
    expect(setSpy.mock.calls[0][3]).toEqual({ ttlSeconds: AUDIT_TTL_SECONDS });
    expect(AUDIT_TTL_SECONDS).toBe(90 * 86_400);
    expect(decisionEntityKey(record(1).at, 'abcd1234')).toMatch(/^\d{13}-abcd1234$/);
  });

  it('records expire after 90 days', async () => {
    let clock = T0;
    const { query } = await seeded(1, () => clock);
    expect((await query.list({})).records).toHaveLength(1);
    clock += AUDIT_TTL_SECONDS * 1000;
    expect((await query.list({})).records).toHaveLength(0);
  });
});

describe('listing', () => {
  it('uses the narrowest index for the filter', () => {
    expect(planQuery({})).toEqual({ index: DECISION_INDEX.byTime });
    expect(planQuery({ repository: 'ACME/Repo-1', outcome: 'blocked' })).toEqual({
      index: DECISION_INDEX.byRepository,
      partition: ['acme/repo-1'],
    });
    expect(planQuery({ repository: 'repo' })).toEqual({ index: DECISION_INDEX.byTime });
    expect(planQuery({ project: 'pay' })).toEqual({ index: DECISION_INDEX.byProject, partition: ['PAY'] });
    expect(planQuery({ outcome: 'blocked', rule: 'x' })).toEqual({
      index: DECISION_INDEX.byOutcome,
      partition: ['blocked'],
    });
    expect(planQuery({ pipeline: '{p-1}' })).toEqual({ index: DECISION_INDEX.byPipeline, partition: ['{p-1}'] });
  });

  it('filters by repository (exact or part), project, outcome, rule, environment, grant and dates', async () => {
    const { query } = await seeded(40);
    const ids = async (filter: DecisionFilter) => (await everything(query, filter, 10)).map((r) => r.pipeline);
    expect(await ids({ repository: 'acme/repo-1', outcome: 'blocked' })).toEqual(['{p-25}', '{p-10}']);
    expect(await ids({ repository: '{00000000-0000-4000-8000-000000000001}', outcome: 'blocked' })).toEqual([
      '{p-25}',
      '{p-10}',
    ]);
    expect(await ids({ repository: 'REPO-2', rule: 'branch-gate' })).toEqual(['{p-35}', '{p-20}', '{p-5}']);
    expect(await ids({ project: 'pay', grant: 'INC-1' })).toEqual(['{p-28}', '{p-14}', '{p-0}']);
    expect(await ids({ environment: 'prod', outcome: 'blocked' })).toEqual(['{p-30}', '{p-20}', '{p-10}', '{p-0}']);
    expect(await ids({ from: T0 + 10 * 60_000, to: T0 + 12 * 60_000 })).toEqual(['{p-12}', '{p-11}', '{p-10}']);
    expect(await ids({ grant: 'INC-404' })).toEqual([]);
  });

  it('pages to the end with cursors, with no cap, skipping damaged records and counting them', async () => {
    const { entities, query } = await seeded(1_234);
    await entities.set(DECISION_ENTITY, decisionEntityKey(T0 + 5, 'broken00'), { at: T0 + 5, outcome: 'maybe' });
    const first = await query.list({}, { pageSize: 50 });
    expect(first.records).toHaveLength(50);
    expect(first.records[0].pipeline).toBe('{p-1233}');
    const all = await everything(query, {}, 100);
    expect(all).toHaveLength(1_234);
    expect(new Set(all.map((r) => r.pipeline)).size).toBe(1_234);
    const damaged = (await query.list({}, { pageSize: 2_000, scanBudget: 2_000 })).damaged;
    expect(damaged).toBe(1);
  });

  it('stops a call at its scan budget and carries on from the cursor', async () => {
    const { query } = await seeded(1_000);
    const page = await query.list({ grant: 'INC-404' }, { scanBudget: 300 });
    expect(page.records).toEqual([]);
    expect(page.scanned).toBe(300);
    expect(page.cursor).toBeDefined();
  });

  it('ends the listing on a full last page instead of offering an empty older one', async () => {
    const { query } = await seeded(30);
    const page = await query.list({ repository: 'acme/repo-1' }, { pageSize: 10 });
    expect(page.records).toHaveLength(10);
    expect(page.cursor).toBeUndefined();
  });

  it('refuses a cursor it did not hand out', async () => {
    const { query } = await seeded(1);
    await expect(query.list({}, { cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });

  it('lists records of the older format after the entity’s, until they expire', async () => {
    const { kv, query } = await seeded(3);
    await kv.set(decisionKey(new Date(T0 - 3_600_000), 'aaaaaaaa'), {
      at: new Date(T0 - 3_600_000).toISOString(),
      repository: '{old}',
      ref: 'branch:main',
      trigger: 'push',
      outcome: 'blocked',
      rules: ['deny-image'],
    });
    const all = await everything(query, {}, 2);
    expect(all.map((r) => [r.repository, (r as { format?: string }).format])).toEqual([
      ['acme/repo-2', 'entity'],
      ['acme/repo-1', 'entity'],
      ['acme/repo-0', 'entity'],
      ['{old}', 'legacy'],
    ]);
    expect((await everything(query, { rule: 'deny-image' }, 10)).map((r) => r.repository)).toEqual(['{old}']);
    // Older records hold no environments, so an environment filter never reads them.
    expect(await everything(query, { environment: 'prod', outcome: 'blocked' }, 10)).toHaveLength(1);
  });

  it(
    'property: ' + 'paging any filter with any page size gives exactly the matching records, newest first, once each',
    async () => {
      const { query } = await seeded(120);
      const all = Array.from({ length: 120 }, (_, i) => record(i));
      const filters = fc.record(
        {
          repository: fc.constantFrom('acme/repo-0', 'acme/repo-1', 'repo-2', 'ACME'),
          project: fc.constant('PAY'),
          outcome: fc.constantFrom<DecisionRecord['outcome']>('allowed', 'blocked'),
          rule: fc.constant('branch-gate'),
          environment: fc.constantFrom('dev', 'prod'),
          grant: fc.constant('INC-1'),
          from: fc.integer({ min: 0, max: 119 }).map((i) => T0 + i * 60_000),
          to: fc.integer({ min: 0, max: 119 }).map((i) => T0 + i * 60_000),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          filters,
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 100, max: 400 }),
          async (filter, pageSize, budget) => {
            const listed = await everything(query, filter, pageSize, budget);
            const expected = all.filter((r) => matches(r, filter)).sort((a, b) => b.at - a.at);
            expect(listed.map((r) => r.pipeline)).toEqual(expected.map((r) => r.pipeline));
          },
        ),
        { numRuns: 60 },
      );
    },
  );
});
