import { POLICY_KEY, policyRevisionKey } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { createPolicyRepository, HISTORY_KEEP } from '../../src/storage/policy-repo';
import { StoredPolicySchema } from '../../src/storage/stored-policy';

const input = (expectedRevision: number, policy: unknown = { n: expectedRevision }) => ({
  expectedRevision,
  policy,
  savedAt: '2026-11-25T10:00:00.000Z',
  savedBy: 'acc-1',
  action: 'save' as const,
});

describe('policy repository', () => {
  it('writes the record the provider reads, under the provider key', async () => {
    const kv = createMemoryKv();
    const result = await createPolicyRepository(kv).commit(input(0, { version: 1 }));
    expect(result.ok).toBe(true);
    const stored = StoredPolicySchema.parse(await kv.get(POLICY_KEY));
    expect(stored).toMatchObject({ revision: 1, policy: { version: 1 }, savedBy: 'acc-1' });
  });

  it('refuses a commit on a stale revision, and exactly one of two racing commits wins', async () => {
    const repo = createPolicyRepository(createMemoryKv());
    await repo.commit(input(0));
    expect(await repo.commit(input(0))).toEqual({ ok: false, currentRevision: 1 });
    const results = await Promise.all([repo.commit(input(1, 'a')), repo.commit(input(1, 'b'))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, currentRevision: 2 });
  });

  it(`keeps the newest ${HISTORY_KEEP} revisions and deletes older ones`, async () => {
    const kv = createMemoryKv();
    const repo = createPolicyRepository(kv);
    for (let rev = 0; rev < 40; rev++) expect((await repo.commit(input(rev))).ok).toBe(true);
    const history = await repo.history();
    expect(HISTORY_KEEP).toBeGreaterThanOrEqual(20);
    expect(history.map((r) => r.revision)).toEqual(Array.from({ length: HISTORY_KEEP }, (_, i) => 40 - i));
    expect(await repo.revision(10)).toBeUndefined();
    expect(await repo.revision(11)).toMatchObject({ policy: { n: 10 } });
    expect(kv.keys().filter((k) => k.startsWith('policy:revision:'))).toHaveLength(HISTORY_KEEP);
  });

  it('rolls forward a save that claimed its revision but died before updating the current record', async () => {
    const kv = createMemoryKv();
    const repo = createPolicyRepository(kv);
    await repo.commit(input(0));
    await kv.set(policyRevisionKey(2), {
      revision: 2,
      policy: 'claimed',
      savedAt: 'x',
      savedBy: 'acc-2',
      action: 'save',
    });
    const current = await repo.current();
    expect(current).toMatchObject({ state: 'ok', record: { revision: 2, policy: 'claimed' } });
    expect(await kv.get(POLICY_KEY)).toMatchObject({ revision: 2 });
    expect(await repo.commit(input(1))).toEqual({ ok: false, currentRevision: 2 });
  });

  it('reports a damaged current record with its revision, and a save on top of it repairs it', async () => {
    const kv = createMemoryKv();
    await kv.set(POLICY_KEY, { revision: 4, policy: {}, savedAt: 7 });
    const repo = createPolicyRepository(kv);
    expect(await repo.current()).toEqual({ state: 'damaged', revision: 4 });
    expect(await repo.commit(input(4))).toMatchObject({ ok: true, record: { revision: 5 } });
    expect(await repo.current()).toMatchObject({ state: 'ok' });
  });
});
