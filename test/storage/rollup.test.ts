import type { DecisionRecord } from '../../src/storage/decision-record';
import { createDecisionWriter } from '../../src/storage/decision-store';
import { ENTITY_DEFINITIONS } from '../../src/storage/entities';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { BACKFILL_DAYS_PER_RUN, countDay, readStats, runRollup, statsKey, statsView } from '../../src/storage/rollup';

const NOW = new Date('2026-11-25T15:30:00Z');
const HOUR = 3_600_000;

const record = (
  at: number,
  outcome: DecisionRecord['outcome'],
  repository: string,
  rules: string[] = [],
  environments: string[] = ['dev'],
): DecisionRecord => ({
  v: 2,
  at,
  repository,
  repositoryKey: repository,
  repositoryUuid: '{u}',
  ref: 'branch:main',
  trigger: 'push',
  outcome,
  rules,
  grants: [],
  environments,
});

async function setup(records: DecisionRecord[]) {
  const entities = createMemoryEntities(ENTITY_DEFINITIONS, { now: () => NOW.getTime() });
  const kv = createMemoryKv({ now: () => NOW.getTime() });
  const writer = createDecisionWriter(entities);
  for (const r of records) await writer.append(r);
  return { entities, kv };
}

describe('the hourly rollup', () => {
  it('counts a day by outcome, rule, environment and repository, blocked ones apart', () => {
    const t = Date.parse('2026-11-25T01:00:00Z');
    const stats = countDay(
      '2026-11-25',
      [
        record(t, 'blocked', 'a/x', ['branch-gate', 'deny-image'], ['prod']),
        record(t, 'blocked', 'a/y', ['branch-gate']),
        record(t, 'allowed', 'a/x', [], ['dev', 'prod']),
        record(t, 'passthrough', 'a/z', [], []),
      ],
      NOW,
    );
    expect(stats).toMatchObject({
      runs: 4,
      blocked: 2,
      byOutcome: { blocked: 2, allowed: 1, passthrough: 1 },
      byRule: { 'branch-gate': 2, 'deny-image': 1 },
      byEnvironment: { prod: 2, dev: 2 },
      byRepository: { 'a/x': 2, 'a/y': 1, 'a/z': 1 },
      blockedByRule: { 'branch-gate': 2, 'deny-image': 1 },
      blockedByRepository: { 'a/x': 1, 'a/y': 1 },
    });
  });

  it('rolls up today and yesterday by UTC day, and is idempotent', async () => {
    const today = Date.parse('2026-11-25T00:00:00Z');
    const { entities, kv } = await setup([
      record(today + HOUR, 'blocked', 'a/x', ['branch-gate']),
      record(today + 2 * HOUR, 'allowed', 'a/x'),
      record(today - 1, 'allowed', 'a/y'),
      record(today - 24 * HOUR, 'blocked', 'a/y', ['deny-pipe']),
      record(today - 24 * HOUR - 1, 'allowed', 'a/old'),
    ]);
    const first = await runRollup(entities, kv, NOW);
    expect(first.days.slice(0, 2)).toEqual(['2026-11-25', '2026-11-24']);
    const once = await kv.get(statsKey('2026-11-25'));
    await runRollup(entities, kv, NOW);
    expect(await kv.get(statsKey('2026-11-25'))).toEqual(once);
    expect(once).toMatchObject({ runs: 2, blocked: 1 });
    expect(await kv.get(statsKey('2026-11-24'))).toMatchObject({
      runs: 2,
      blocked: 1,
      blockedByRule: { 'deny-pipe': 1 },
    });
    expect(await kv.get(statsKey('2026-11-23'))).toMatchObject({ runs: 1, blocked: 0 });
  });

  it('fills in a few missing older days per run until the 30-day window is complete', async () => {
    const { entities, kv } = await setup([]);
    const runs: string[][] = [];
    for (let i = 0; i < 8; i += 1) runs.push((await runRollup(entities, kv, NOW)).days);
    expect(runs[0]).toHaveLength(2 + BACKFILL_DAYS_PER_RUN);
    expect((await readStats(kv)).length).toBe(30);
    expect(runs[7]).toEqual(['2026-11-25', '2026-11-24']);
  });

  it(
    'draws 30 days, oldest first, with the top blocking rules and repositories; ' + 'damaged stats are skipped',
    async () => {
      const today = Date.parse('2026-11-25T00:00:00Z');
      const { entities, kv } = await setup([
        record(today + HOUR, 'blocked', 'a/x', ['branch-gate']),
        record(today + HOUR, 'blocked', 'a/x', ['deny-image']),
        record(today + HOUR, 'blocked', 'a/y', ['branch-gate']),
      ]);
      await runRollup(entities, kv, NOW);
      await kv.set(statsKey('2026-11-20'), { v: 1, day: '2026-11-20', runs: 'many' });
      const view = statsView(await readStats(kv), NOW);
      expect(view.days).toHaveLength(30);
      expect(view.days[29]).toEqual({ day: '2026-11-25', runs: 3, blocked: 3, rolledUp: true });
      expect(view.days[0].day).toBe('2026-10-27');
      expect(view.days.find((d) => d.day === '2026-11-20')).toEqual({
        day: '2026-11-20',
        runs: 0,
        blocked: 0,
        rolledUp: false,
      });
      expect(view.topBlockingRules).toEqual([
        { name: 'branch-gate', count: 2 },
        { name: 'deny-image', count: 1 },
      ]);
      expect(view.topBlockingRepositories).toEqual([
        { name: 'a/x', count: 2 },
        { name: 'a/y', count: 1 },
      ]);
      expect(view.computedAt).toBe(NOW.toISOString());
    },
  );
});
