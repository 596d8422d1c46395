import type { Grant } from '../../src/policy/grant-guard';
import { createGrantStore } from '../../src/storage/grant-store';
import { grantKey, POLICY_KEY, policyRevisionKey } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { createPolicyRepository } from '../../src/storage/policy-repo';
import { commitReferencePolicy, incidentGrant } from '../support/grants';
import { referencePolicyInput } from '../support/requests';

const grant = incidentGrant;
const NOW = new Date('2026-12-02T10:00:00.000Z');

async function setup(withPolicy = true) {
  const kv = createMemoryKv();
  const policies = createPolicyRepository(kv);
  if (withPolicy) await commitReferencePolicy(policies);
  return { kv, policies, store: createGrantStore(kv, policies) };
}
const carried = async (kv: ReturnType<typeof createMemoryKv>) =>
  ((await kv.get(POLICY_KEY)) as { grants?: Grant[] }).grants?.map((g) => g.id);

describe('grant store', () => {
  it('keeps every grant, newest first, and skips damaged records', async () => {
    const { kv, store } = await setup();
    expect(await store.create(grant('A', '2026-12-02T12:00:00.000Z', '2026-12-02T08:00:00.000Z'))).toBe(true);
    expect(await store.create(grant('B', '2026-12-02T12:00:00.000Z'))).toBe(true);
    expect(await store.create(grant('B', '2026-12-02T13:00:00.000Z'))).toBe(false);
    await kv.set(grantKey('C'), { grant: { id: 'C' } });
    expect((await store.list()).map((e) => e.grant.id)).toEqual(['B', 'A']);
  });

  it(
    'copies only grants in force into policy:current, without a new revision, ' + 'and prunes expired and revoked ones',
    async () => {
      const { kv, store } = await setup();
      await store.create(grant('ACTIVE', '2026-12-02T12:00:00.000Z'));
      await store.create(grant('EXPIRED', '2026-12-02T10:00:00.000Z'));
      await store.create(grant('REVOKED', '2026-12-02T12:00:00.000Z'));
      await store.revoke('REVOKED', 'admin-2', NOW);
      expect(await store.syncActive(NOW)).toBe(true);
      expect(await carried(kv)).toEqual(['ACTIVE']);
      expect(((await kv.get(POLICY_KEY)) as { revision: number }).revision).toBe(1);
      expect(await kv.get(policyRevisionKey(2))).toBeUndefined();
      expect(await store.get('REVOKED')).toMatchObject({ revokedBy: 'admin-2', revokedAt: NOW.toISOString() });
    },
  );

  it('revoking twice keeps the first revocation; an unknown id is undefined', async () => {
    const { store } = await setup();
    await store.create(grant('A', '2026-12-02T12:00:00.000Z'));
    await store.revoke('A', 'admin-1', NOW);
    expect(await store.revoke('A', 'admin-2', new Date(NOW.getTime() + 1000))).toMatchObject({ revokedBy: 'admin-1' });
    expect(await store.revoke('nope', 'admin-1', NOW)).toBeUndefined();
  });

  it('cannot carry grants without a policy', async () => {
    const { store } = await setup(false);
    await store.create(grant('A', '2026-12-02T12:00:00.000Z'));
    expect(await store.syncActive(NOW)).toBe(false);
  });

  it('a policy save and a roll-forward keep the grants policy:current carries', async () => {
    const { kv, policies, store } = await setup();
    await store.create(grant('A', '2026-12-02T12:00:00.000Z'));
    await store.syncActive(NOW);
    await commitReferencePolicy(policies, 1);
    expect(await carried(kv)).toEqual(['A']);
    expect((await kv.get(policyRevisionKey(2))) as object).not.toHaveProperty('grants');
    // A save that died after claiming revision 3: the next read rolls forward and keeps the grants.
    await kv.setIfAbsent(policyRevisionKey(3), {
      revision: 3,
      policy: referencePolicyInput(),
      savedAt: 'z',
      savedBy: 'admin-1',
      action: 'save',
    });
    expect((await policies.current()).state).toBe('ok');
    expect(await carried(kv)).toEqual(['A']);
    expect(((await kv.get(POLICY_KEY)) as { revision: number }).revision).toBe(3);
  });

  it('a sync that listed the grants before another admin revoked one does not put the revoked grant back', async () => {
    const kv = createMemoryKv();
    const policies = createPolicyRepository(kv);
    await commitReferencePolicy(policies);
    const setupStore = createGrantStore(kv, policies);
    await setupStore.create(grant('X', '2026-12-02T12:00:00.000Z'));
    await setupStore.create(grant('Y', '2026-12-02T12:00:00.000Z'));
    // Admin A's sync pauses after its first list of the grants, on its first read of policy:current.
    let paused: (() => void) | undefined;
    const reachedPause = new Promise<void>((resolve) => (paused = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let listed = false;
    const slowKv = {
      ...kv,
      list: async (prefix: string, options: { limit: number; cursor?: string }) => {
        const page = await kv.list(prefix, options);
        if (prefix === 'grant:') listed = true;
        return page;
      },
      get: async (key: string) => {
        if (listed && paused && key === POLICY_KEY) {
          const resume = paused;
          paused = undefined;
          resume();
          await gate;
        }
        return kv.get(key);
      },
    };
    const storeA = createGrantStore(slowKv, createPolicyRepository(slowKv));
    const storeB = createGrantStore(kv, policies);
    const syncA = storeA.syncActive(NOW);
    await reachedPause;
    await storeB.revoke('X', 'admin-b', NOW);
    expect(await storeB.syncActive(NOW)).toBe(true);
    expect(await carried(kv)).toEqual(['Y']);
    release();
    expect(await syncA).toBe(true);
    expect(await carried(kv)).toEqual(['Y']);
  });
});
