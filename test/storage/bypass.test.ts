import { readFileSync } from 'fs';
import path from 'path';
import { checkBypasses, BYPASS_QUESTION } from '../../src/storage/bypass';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { createDecisionWriter } from '../../src/storage/decision-store';
import { deploymentFromEvent, recordDeployment } from '../../src/storage/deployments';
import { DEPLOYMENT_ENTITY, ENTITY_DEFINITIONS } from '../../src/storage/entities';
import type { EntityStore } from '../../src/storage/entity-store';
import { createMemoryEntities } from '../../src/storage/memory-entities';

const NOW = new Date('2026-11-30T12:00:00Z');
const events = (JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/deployments/replay.json'), 'utf8')) as { events: Record<string, unknown>[] }).events;

const decision = (pipeline: string, outcome: DecisionRecord['outcome']): DecisionRecord => ({ v: 2, at: NOW.getTime() - 3_600_000, repository: 'acme/repo', repositoryKey: 'acme/repo', repositoryUuid: '{u}', ref: 'branch:main', trigger: 'push', pipeline, outcome, rules: [], grants: [], environments: ['prod'] });

async function setup() {
  const entities = createMemoryEntities(ENTITY_DEFINITIONS);
  const writer = createDecisionWriter(entities);
  await writer.append(decision('{5eed0000-0000-4000-8000-000000000000}', 'allowed'));
  await writer.append(decision('{5eed0000-0000-4000-8000-000000000001}', 'blocked'));
  await writer.append(decision('{5eed0000-0000-4000-8000-000000000009}', 'passthrough'));
  for (const event of events) await recordDeployment(entities, event, NOW);
  return entities;
}

describe('deployment events', () => {
  it('records the environment, repository and pipeline of an event, and what it lacks', () => {
    expect(deploymentFromEvent(events[0], NOW)).toEqual({
      v: 1,
      at: Date.parse('2026-11-30T10:00:00.000Z'),
      deployment: '{d0000000-0000-4000-8000-000000000001}',
      state: 'SUCCESSFUL',
      environmentUuid: '{e0000000-0000-4000-8000-00000000000a}',
      environmentName: 'production',
      environmentType: 'PRODUCTION',
      repositoryUuid: '{0000a000-0000-4000-8000-000000000000}',
      repositorySlug: 'repo-0',
      pipeline: '{5eed0000-0000-4000-8000-000000000000}',
      missing: [],
    });
    expect(deploymentFromEvent(events[5], NOW).missing).toEqual(['environment.type', 'pipeline.uuid']);
  });

  it.each([null, 'text', 42, [], {}, { environment: 'x', pipeline: [1], repository: { uuid: 7 } }])('never throws on the payload %j, and lists what is missing', (payload) => {
    const record = deploymentFromEvent(payload, NOW);
    expect(record.missing).toEqual(['environment.type', 'environment.uuid', 'repository.uuid', 'pipeline.uuid']);
    expect(record.at).toBe(NOW.getTime());
  });

  it('keeps one record per deployment when Forge delivers an event twice', async () => {
    const entities = createMemoryEntities(ENTITY_DEFINITIONS);
    await recordDeployment(entities, events[0], NOW);
    await recordDeployment(entities, events[0], NOW);
    expect((await entities.query(DEPLOYMENT_ENTITY, { index: 'by-time', limit: 10 })).results).toHaveLength(1);
  });
});

describe('the bypass check', () => {
  it('lists Production deployments without an allowed decision, and unknowns as unknown, never as passes', async () => {
    const report = await checkBypasses(await setup());
    const byDeployment = Object.fromEntries(report.findings.map((f) => [f.deployment.deployment.slice(-3, -1), f.status]));
    expect(byDeployment).toEqual({ '02': 'no-decision', '03': 'not-allowed', '04': 'not-allowed', '06': 'missing-data' });
    expect(report.covered).toBe(1);
    expect(report.checked).toBe(5);
    expect(report.findings.find((f) => f.status === 'no-decision')?.reason).toContain(BYPASS_QUESTION);
    expect(report.findings.find((f) => f.deployment.deployment.endsWith('04}'))?.reason).toMatch(/no policy was saved/);
  });

  it('reports a failed decision lookup as missing data, not as a pass', async () => {
    const entities = await setup();
    const failing: EntityStore = { ...entities, query: (entity, query) => (entity === DEPLOYMENT_ENTITY ? entities.query(entity, query) : Promise.reject(new Error('KVS 503'))) };
    const report = await checkBypasses(failing);
    expect(report.covered).toBe(0);
    expect(report.findings.filter((f) => f.status === 'missing-data')).toHaveLength(5);
    expect(report.findings.filter((f) => f.reason.includes('KVS 503'))).toHaveLength(4);
  });

  it('counts damaged deployment records instead of passing them', async () => {
    const entities = await setup();
    await entities.set(DEPLOYMENT_ENTITY, 'broken', { v: 1, at: 5, deployment: 'broken' });
    expect((await checkBypasses(entities)).damaged).toBe(1);
  });
});
