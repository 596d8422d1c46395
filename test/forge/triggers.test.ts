import { createDeploymentTrigger, createPolicyPushTrigger, createRollupTrigger } from '../../src/forge/triggers';
import type { PolicySync } from '../../src/settings/policy-sync';
import { DEPLOYMENT_ENTITY, ENTITY_DEFINITIONS } from '../../src/storage/entities';
import type { EntityStore } from '../../src/storage/entity-store';
import type { KeyValueStore } from '../../src/storage/kv';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { statsKey } from '../../src/storage/rollup';
import { createGrantStore } from '../../src/storage/grant-store';
import { grantKey, POLICY_KEY } from '../../src/storage/keys';
import { createPolicyRepository } from '../../src/storage/policy-repo';
import { commitReferencePolicy, incidentGrant } from '../support/grants';

const NOW = new Date('2026-11-25T15:00:00Z');

/** The hourly run at NOW over `kv` (and an empty decision log unless another is given), its log lines kept. */
const rollUp = (kv: KeyValueStore, log: string[], entities: EntityStore = createMemoryEntities(ENTITY_DEFINITIONS)) =>
  createRollupTrigger(
    entities,
    kv,
    () => NOW,
    (m) => log.push(m),
  )();

describe('background functions', () => {
  it('the rollup writes the day’s stats and logs the days', async () => {
    const kv = createMemoryKv({ now: () => NOW.getTime() });
    const log: string[] = [];
    expect(await rollUp(kv, log)).toEqual({ statusCode: 204 });
    expect(await kv.get(statsKey('2026-11-25'))).toMatchObject({ runs: 0 });
    expect(log[0]).toMatch(/rolled up 2026-11-25, 2026-11-24/);
  });

  it('the rollup logs a storage failure instead of throwing', async () => {
    const broken: EntityStore = {
      get: async () => undefined,
      set: async () => undefined,
      query: async () => Promise.reject(new Error('KVS 503')),
    };
    const log: string[] = [];
    expect(await rollUp(createMemoryKv(), log, broken)).toEqual({ statusCode: 500 });
    expect(log[0]).toMatch(/rollup failed.*KVS 503/);
  });

  it('the hourly run mends a revoked grant that is still in the policy record, and drops expired ones', async () => {
    const kv = createMemoryKv({ now: () => NOW.getTime() });
    const policies = createPolicyRepository(kv);
    await commitReferencePolicy(policies);
    const grant = (id: string, expires: string) => incidentGrant(id, expires, '2026-11-25T10:00:00.000Z');
    const store = createGrantStore(kv, policies);
    await store.create(grant('REVOKED', '2026-11-25T20:00:00.000Z'));
    await store.create(grant('EXPIRED', '2026-11-25T14:00:00.000Z'));
    await store.create(grant('ACTIVE', '2026-11-25T20:00:00.000Z'));
    await store.syncActive(new Date('2026-11-25T11:00:00Z'));
    // The revoke reached the grant's record, but its copy into policy:current did not (a storage fault).
    const record = (await kv.get(grantKey('REVOKED'))) as Record<string, unknown>;
    await kv.set(grantKey('REVOKED'), { ...record, revokedAt: '2026-11-25T12:00:00.000Z', revokedBy: 'admin-1' });
    const carried = async () =>
      ((await kv.get(POLICY_KEY)) as { grants?: Array<{ id: string }> }).grants?.map((g) => g.id).sort();
    expect(await carried()).toEqual(['ACTIVE', 'EXPIRED', 'REVOKED']);
    const log: string[] = [];
    expect(await rollUp(kv, log)).toEqual({ statusCode: 204 });
    expect(await carried()).toEqual(['ACTIVE']);
  });

  it('the hourly run reports a grant re-sync that fails, and still rolls up', async () => {
    const kv = createMemoryKv({ now: () => NOW.getTime() });
    await commitReferencePolicy(createPolicyRepository(kv));
    const broken: typeof kv = {
      ...kv,
      list: (prefix, options) =>
        prefix.startsWith('grant:') ? Promise.reject(new Error('KVS 503')) : kv.list(prefix, options),
    };
    const log: string[] = [];
    expect(await rollUp(broken, log)).toEqual({ statusCode: 500 });
    expect(log).toEqual([
      expect.stringMatching(/rolled up 2026-11-25/),
      expect.stringMatching(/re-syncing the break-glass grants failed.*KVS 503/),
    ]);
  });

  it('the deployment trigger records any payload and never throws', async () => {
    const entities = createMemoryEntities(ENTITY_DEFINITIONS);
    const log: string[] = [];
    const trigger = createDeploymentTrigger(
      entities,
      () => NOW,
      (m) => log.push(m),
    );
    await trigger({
      deployment: { uuid: '{d1}' },
      environment: { type: 'production', name: 'prod', uuid: '{e}' },
      repository: { uuid: '{r}' },
      pipeline: { uuid: '{P}' },
    });
    await trigger(undefined);
    const stored = (await entities.query(DEPLOYMENT_ENTITY, { index: 'by-time', limit: 10 })).results.map(
      (r) => r.value,
    );
    expect(stored).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ deployment: '{d1}', environmentType: 'PRODUCTION', pipeline: '{p}', missing: [] }),
      ]),
    );
    expect(log[1]).toMatch(/lacks environment.type/);
    const failing = createDeploymentTrigger(
      { ...entities, set: () => Promise.reject(new Error('quota')) },
      () => NOW,
      (m) => log.push(m),
    );
    await expect(failing({})).resolves.toBeUndefined();
    expect(log[2]).toMatch(/could not be recorded: quota/);
  });

  it('the policy push trigger logs what it did, and a fault instead of throwing', async () => {
    const log: string[] = [];
    const syncing = (onPush: () => Promise<unknown>) => ({ onPush }) as unknown as PolicySync;
    const loaded = syncing(async () => ({ outcome: 'loaded', hash: 'a'.repeat(40), revision: 3 }));
    await createPolicyPushTrigger(loaded, (m) => log.push(m))({});
    const ignored = syncing(async () => ({ outcome: 'ignored', reason: 'another repository' }));
    await createPolicyPushTrigger(ignored, (m) => log.push(m))({});
    const broken = syncing(async () => Promise.reject(new Error('KVS 503')));
    await expect(createPolicyPushTrigger(broken, (m) => log.push(m))({})).resolves.toBeUndefined();
    expect(log).toEqual([
      `pipeline-guard: policy push: loaded ${'a'.repeat(12)}`,
      expect.stringMatching(/could not be handled \(the hourly check catches up\): KVS 503/),
    ]);
  });
});
