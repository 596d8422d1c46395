import { createDeploymentTrigger, createRollupTrigger } from '../../src/forge/triggers';
import { DEPLOYMENT_ENTITY, ENTITY_DEFINITIONS } from '../../src/storage/entities';
import type { EntityStore } from '../../src/storage/entity-store';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { statsKey } from '../../src/storage/rollup';

const NOW = new Date('2026-11-25T15:00:00Z');

describe('background functions', () => {
  it('the rollup writes the day’s stats and logs the days', async () => {
    const kv = createMemoryKv({ now: () => NOW.getTime() });
    const log: string[] = [];
    expect(await createRollupTrigger(createMemoryEntities(ENTITY_DEFINITIONS), kv, () => NOW, (m) => log.push(m))()).toEqual({ statusCode: 204 });
    expect(await kv.get(statsKey('2026-11-25'))).toMatchObject({ runs: 0 });
    expect(log[0]).toMatch(/rolled up 2026-11-25, 2026-11-24/);
  });

  it('the rollup logs a storage failure instead of throwing', async () => {
    const broken: EntityStore = { get: async () => undefined, set: async () => undefined, query: async () => Promise.reject(new Error('KVS 503')) };
    const log: string[] = [];
    expect(await createRollupTrigger(broken, createMemoryKv(), () => NOW, (m) => log.push(m))()).toEqual({ statusCode: 500 });
    expect(log[0]).toMatch(/rollup failed.*KVS 503/);
  });

  it('the deployment trigger records any payload and never throws', async () => {
    const entities = createMemoryEntities(ENTITY_DEFINITIONS);
    const log: string[] = [];
    const trigger = createDeploymentTrigger(entities, () => NOW, (m) => log.push(m));
    await trigger({ deployment: { uuid: '{d1}' }, environment: { type: 'production', name: 'prod', uuid: '{e}' }, repository: { uuid: '{r}' }, pipeline: { uuid: '{P}' } });
    await trigger(undefined);
    const stored = (await entities.query(DEPLOYMENT_ENTITY, { index: 'by-time', limit: 10 })).results.map((r) => r.value);
    expect(stored).toEqual(expect.arrayContaining([expect.objectContaining({ deployment: '{d1}', environmentType: 'PRODUCTION', pipeline: '{p}', missing: [] })]));
    expect(log[1]).toMatch(/lacks environment.type/);
    const failing = createDeploymentTrigger({ ...entities, set: () => Promise.reject(new Error('quota')) }, () => NOW, (m) => log.push(m));
    await expect(failing({})).resolves.toBeUndefined();
    expect(log[2]).toMatch(/could not be recorded: quota/);
  });
});
