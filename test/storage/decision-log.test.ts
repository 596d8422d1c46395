import { createDecisionLog, DECISION_TTL_SECONDS, decisionKey } from '../../src/storage/decision-log';
import { KEY_PATTERN, type KeyValueStore } from '../../src/storage/kv';
import { createMemoryKv } from '../../src/storage/memory-kv';
import type { DecisionRecord } from '../../src/storage/decision-record';

const record = (at: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  at,
  repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  ref: 'branch:main',
  trigger: 'push',
  outcome: 'allowed',
  rules: [],
  ...overrides,
});

/** Counts every call that reaches the store. */
function spied(kv: KeyValueStore) {
  const calls: string[] = [];
  const wrap = <K extends keyof KeyValueStore>(name: K) =>
    ((...args: unknown[]) => {
      calls.push(name);
      return (kv[name] as (...a: unknown[]) => unknown)(...args);
    }) as KeyValueStore[K];
  const store: KeyValueStore = { get: wrap('get'), set: wrap('set'), setIfAbsent: wrap('setIfAbsent'), delete: wrap('delete'), list: wrap('list') };
  return { store, calls };
}

describe('decision log', () => {
  it('appends with exactly one write, no read, and a 30-day TTL', async () => {
    const kv = createMemoryKv();
    const { store, calls } = spied(kv);
    const setSpy = jest.spyOn(store, 'set');
    await createDecisionLog(store).append(record('2026-11-25T10:00:00.000Z'));
    expect(calls).toEqual(['set']);
    expect(setSpy.mock.calls[0][2]).toEqual({ ttlSeconds: DECISION_TTL_SECONDS });
    expect(DECISION_TTL_SECONDS).toBe(30 * 86_400);
    const [key] = kv.keys();
    expect(key).toMatch(KEY_PATTERN);
    expect(key).toMatch(/^decision:\d{13}:[a-z0-9]{8}$/);
  });

  it('lays keys out newest first in ascending key order', () => {
    const older = decisionKey(new Date('2026-01-01T00:00:00Z'), 'aaaaaaaa');
    const newer = decisionKey(new Date('2026-06-01T00:00:00Z'), 'aaaaaaaa');
    expect(newer < older).toBe(true);
  });

  it('records expire after 30 days', async () => {
    let clock = Date.parse('2026-11-25T10:00:00Z');
    const kv = createMemoryKv({ now: () => clock });
    const log = createDecisionLog(kv);
    await log.append(record(new Date(clock).toISOString()));
    clock += (DECISION_TTL_SECONDS - 1) * 1000;
    expect((await log.list()).records).toHaveLength(1);
    clock += 1000;
    expect((await log.list()).records).toHaveLength(0);
    expect(kv.keys()).toEqual([]);
  });

  it('lists newest first and filters by outcome and repository', async () => {
    const kv = createMemoryKv();
    let n = 0;
    const log = createDecisionLog(kv, { random: () => String(n++).padStart(8, '0') });
    await log.append(record('2026-11-25T10:00:00.000Z', { outcome: 'blocked', rules: ['branch-gate'] }));
    await log.append(record('2026-11-25T12:00:00.000Z', { repository: '{other}' }));
    await log.append(record('2026-11-25T11:00:00.000Z'));
    expect((await log.list()).records.map((r) => r.at)).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-25T11:00:00.000Z', '2026-11-25T10:00:00.000Z']);
    expect((await log.list({ outcome: 'blocked' })).records.map((r) => r.rules)).toEqual([['branch-gate']]);
    expect((await log.list({ repository: 'OTHER' })).records.map((r) => r.repository)).toEqual(['{other}']);
  });

  it('keeps the full name and project of a resolved repository and filters by both', async () => {
    const kv = createMemoryKv();
    let n = 0;
    const log = createDecisionLog(kv, { random: () => String(n++).padStart(8, '0') });
    await log.append(record('2026-11-25T10:00:00.000Z', { repository: 'acme/payments-api', project: 'PAY' }));
    await log.append(record('2026-11-25T11:00:00.000Z', { repository: 'acme/search-api', project: 'SRCH' }));
    await log.append(record('2026-11-25T12:00:00.000Z'));
    expect((await log.list({ project: 'pay' })).records.map((r) => [r.repository, r.project])).toEqual([['acme/payments-api', 'PAY']]);
    expect((await log.list({ repository: 'search' })).records.map((r) => r.repository)).toEqual(['acme/search-api']);
    expect((await log.list()).records.map((r) => r.project)).toEqual([undefined, 'SRCH', 'PAY']);
  });

  it('reads at most the scan cap and says so; skips damaged records', async () => {
    const kv = createMemoryKv();
    const log = createDecisionLog(kv);
    for (let i = 0; i < 150; i++) await log.append(record(new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString()));
    await kv.set(decisionKey(new Date(Date.UTC(2026, 10, 2)), 'broken00'), { not: 'a record' });
    const listing = await log.list({}, 120);
    expect(listing.scanned).toBe(120);
    expect(listing.capped).toBe(true);
    expect(listing.records).toHaveLength(119);
    expect(listing.records[0].at).toBe(new Date(Date.UTC(2026, 10, 1, 0, 149)).toISOString());
    const all = await log.list();
    expect(all.capped).toBe(false);
    expect(all.records).toHaveLength(150);
  });

  it('keeps a record small whatever the run sends', async () => {
    const kv = createMemoryKv();
    await createDecisionLog(kv).append(record('2026-11-25T10:00:00.000Z', { ref: `branch:${'x'.repeat(5_000)}`, rules: Array.from({ length: 50 }, (_, i) => `rule-${i}`) }));
    const [{ value }] = (await kv.list('decision:', { limit: 1 })).entries;
    expect(JSON.stringify(value).length).toBeLessThan(1_500);
    expect((value as { rules: string[] }).rules).toHaveLength(20);
  });
});
