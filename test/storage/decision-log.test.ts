/** Records of the older key-value format stay readable beside the entity until they expire. */
import { decisionKey, fromLegacy, LEGACY_DECISION_TTL_SECONDS, readLegacyPage } from '../../src/storage/decision-log';
import { createMemoryKv } from '../../src/storage/memory-kv';

const legacy = (at: string, overrides: Record<string, unknown> = {}) => ({
  at,
  repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  ref: 'branch:main',
  trigger: 'push',
  outcome: 'allowed',
  rules: [],
  pipeline: '{0AC5E5C0-A233-4CB5-88B9-BCFFC5FA4925}',
  buildNumber: 7,
  policyRevision: 3,
  ...overrides,
});

describe('the older decision-log format', () => {
  it('reads newest first, in today’s record shape, skipping damaged records', async () => {
    const kv = createMemoryKv();
    await kv.set(decisionKey(new Date('2026-11-25T10:00:00Z'), 'aaaaaaaa'), legacy('2026-11-25T10:00:00.000Z'));
    await kv.set(
      decisionKey(new Date('2026-11-25T12:00:00Z'), 'bbbbbbbb'),
      legacy('2026-11-25T12:00:00.000Z', { outcome: 'blocked', rules: ['branch-gate'] }),
    );
    await kv.set(decisionKey(new Date('2026-11-25T11:00:00Z'), 'cccccccc'), { not: 'a record' });
    const page = await readLegacyPage(kv, undefined);
    expect(page.damaged).toBe(1);
    expect(page.entries.map((e) => [e.record.at, e.record.outcome])).toEqual([
      [Date.parse('2026-11-25T12:00:00Z'), 'blocked'],
      [Date.parse('2026-11-25T10:00:00Z'), 'allowed'],
    ]);
    expect(page.entries[1].record).toEqual({
      v: 2,
      at: Date.parse('2026-11-25T10:00:00Z'),
      repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
      repositoryKey: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
      repositoryUuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
      ref: 'branch:main',
      trigger: 'push',
      pipeline: '{0ac5e5c0-a233-4cb5-88b9-bcffc5fa4925}',
      buildNumber: 7,
      outcome: 'allowed',
      rules: [],
      grants: [],
      environments: [],
      policyRevision: 3,
    });
  });

  it('shows an older no-policy pass-through without the storage fault’s id', () => {
    expect(
      fromLegacy({
        ...legacy('2026-11-25T10:00:00.000Z', { outcome: 'passthrough', rules: ['policy-unavailable'] }),
        policyRevision: undefined,
      } as never)?.rules,
    ).toEqual([]);
    expect(
      fromLegacy(legacy('2026-11-25T10:00:00.000Z', { outcome: 'blocked', rules: ['policy-unavailable'] }) as never)
        ?.rules,
    ).toEqual(['policy-unavailable']);
  });

  it('lays keys out newest first and expires with the 30-day TTL they were written with', async () => {
    expect(
      decisionKey(new Date('2026-06-01T00:00:00Z'), 'a') < decisionKey(new Date('2026-01-01T00:00:00Z'), 'a'),
    ).toBe(true);
    let clock = Date.parse('2026-11-25T10:00:00Z');
    const kv = createMemoryKv({ now: () => clock });
    await kv.set(decisionKey(new Date(clock), 'aaaaaaaa'), legacy(new Date(clock).toISOString()), {
      ttlSeconds: LEGACY_DECISION_TTL_SECONDS,
    });
    expect((await readLegacyPage(kv, undefined)).entries).toHaveLength(1);
    clock += LEGACY_DECISION_TTL_SECONDS * 1000;
    expect((await readLegacyPage(kv, undefined)).entries).toHaveLength(0);
  });
});
