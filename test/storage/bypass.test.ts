import { readFileSync } from 'fs';
import path from 'path';
import { checkBypasses, BYPASS_QUESTION, protectedEnvironmentNames } from '../../src/storage/bypass';
import { validatePolicy } from '../../src/policy/load';
import { parseYaml } from '../../src/yaml/document';
import { REFERENCE_POLICY_PATH } from '../support/requests';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { createDecisionWriter } from '../../src/storage/decision-store';
import { deploymentFromEvent, recordDeployment } from '../../src/storage/deployments';
import { DEPLOYMENT_ENTITY, ENTITY_DEFINITIONS } from '../../src/storage/entities';
import type { EntityStore } from '../../src/storage/entity-store';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { decisionKey } from '../../src/storage/decision-log';

const NOW = new Date('2026-11-30T12:00:00Z');
const loaded = validatePolicy(parseYaml(readFileSync(REFERENCE_POLICY_PATH, 'utf8')).value);
if (!loaded.ok) throw new Error('the reference policy must load');
const referencePolicy = loaded.policy;
const events = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/deployments/replay.json'), 'utf8')) as {
    events: Record<string, unknown>[];
  }
).events;

const decision = (pipeline: string, outcome: DecisionRecord['outcome']): DecisionRecord => ({
  v: 2,
  at: NOW.getTime() - 3_600_000,
  repository: 'acme/repo',
  repositoryKey: 'acme/repo',
  repositoryUuid: '{u}',
  ref: 'branch:main',
  trigger: 'push',
  pipeline,
  outcome,
  rules: [],
  grants: [],
  environments: ['prod'],
});

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

  it.each([null, 'text', 42, [], {}, { environment: 'x', pipeline: [1], repository: { uuid: 7 } }])(
    'never throws on the payload %j, and lists what is missing',
    (payload) => {
      const record = deploymentFromEvent(payload, NOW);
      expect(record.missing).toEqual(['environment.type', 'environment.uuid', 'repository.uuid', 'pipeline.uuid']);
      expect(record.at).toBe(NOW.getTime());
    },
  );

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
    const byDeployment = Object.fromEntries(
      report.findings.map((f) => [f.deployment.deployment.slice(-3, -1), f.status]),
    );
    expect(byDeployment).toEqual({
      '02': 'no-decision',
      '03': 'not-allowed',
      '04': 'not-allowed',
      '06': 'missing-data',
    });
    expect(report.covered).toBe(1);
    expect(report.checked).toBe(5);
    expect(report.findings.find((f) => f.status === 'no-decision')?.reason).toContain(BYPASS_QUESTION);
    expect(report.findings.find((f) => f.deployment.deployment.endsWith('04}'))?.reason).toMatch(/no policy was saved/);
  });

  it('reports a failed decision lookup as missing data, not as a pass', async () => {
    const entities = await setup();
    const failing: EntityStore = {
      ...entities,
      query: (entity, query) =>
        entity === DEPLOYMENT_ENTITY ? entities.query(entity, query) : Promise.reject(new Error('KVS 503')),
    };
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

describe('the bypass check: which environment and which spelling of the pipeline (security review 2)', () => {
  const event = (pipeline: string) => ({
    eventType: 'avi:bitbucket:completed:deployment',
    timestamp: '2026-11-30T11:00:00.000Z',
    repository: { uuid: '{0000a000-0000-4000-8000-000000000000}', slug: 'repo' },
    pipeline: { uuid: pipeline },
    deployment: { uuid: '{d0000000-0000-4000-8000-0000000000ff}', state: { name: 'COMPLETED' } },
    environment: { uuid: '{e0000000-0000-4000-8000-00000000000a}', name: 'production-eu', type: 'Production' },
  });
  const PIPELINE = '{5eed0000-0000-4000-8000-000000000000}';
  const judged = async (
    environments: string[],
    eventPipeline = PIPELINE,
    protectedEnvironments: ReadonlySet<string> | undefined = protectedEnvironmentNames(referencePolicy.environments),
  ) => {
    const entities = createMemoryEntities(ENTITY_DEFINITIONS);
    await createDecisionWriter(entities).append({ ...decision(PIPELINE, 'allowed'), environments });
    await recordDeployment(entities, event(eventPipeline), NOW);
    return checkBypasses(entities, protectedEnvironments ? { protectedEnvironments } : {});
  };

  it('the reference policy protects prod (deployments, manual trigger), not the default dev', () => {
    expect([...protectedEnvironmentNames(referencePolicy.environments)]).toEqual(['prod']);
  });

  it('flags a Production deployment from a run Pipeline Guard allowed only in an unprotected environment', async () => {
    const report = await judged(['dev']);
    expect(report.covered).toBe(0);
    expect(report.findings.map((f) => f.status)).toEqual(['unprotected']);
    expect(report.findings[0].reason).toContain(
      'allowed only as "dev": no step ran in a protected environment ("prod")',
    );
    expect((await judged(['dev', 'prod'])).covered).toBe(1);
  });

  it('never counts a decision that records no environment as covering', async () => {
    expect((await judged([])).findings.map((f) => f.status)).toEqual(['missing-data']);
    expect((await judged([], PIPELINE, undefined)).findings.map((f) => f.status)).toEqual(['missing-data']);
  });

  it.each([
    '5EED0000-0000-4000-8000-000000000000',
    '5eed0000-0000-4000-8000-000000000000',
    '{5EED0000-0000-4000-8000-000000000000}',
  ])('matches the event pipeline %s to the decision, braces and case aside', async (pipeline) => {
    expect((await judged(['prod'], pipeline)).covered).toBe(1);
  });
  it('matches a decision recorded without braces to an event with them', async () => {
    const entities = createMemoryEntities(ENTITY_DEFINITIONS);
    await createDecisionWriter(entities).append(decision('5eed0000-0000-4000-8000-000000000000', 'allowed'));
    await recordDeployment(entities, event(PIPELINE), NOW);
    expect((await checkBypasses(entities)).covered).toBe(1);
  });

  it(
    'consults records of the older log format: a blocked one is not allowed, ' +
      'an allowed one cannot show its environments',
    async () => {
      const entities = createMemoryEntities(ENTITY_DEFINITIONS);
      const kv = createMemoryKv();
      const older = (pipeline: string, outcome: string) => ({
        at: '2026-11-30T10:00:00.000Z',
        repository: 'acme/repo',
        ref: 'branch:main',
        trigger: 'push',
        outcome,
        rules: outcome === 'blocked' ? ['branch-gate'] : [],
        pipeline,
      });
      await kv.set(
        decisionKey(new Date('2026-11-30T10:00:00Z'), 'aaaaaaaa'),
        older('{5EED0000-0000-4000-8000-0000000000A1}', 'blocked'),
      );
      await kv.set(
        decisionKey(new Date('2026-11-30T10:00:01Z'), 'bbbbbbbb'),
        older('5eed0000-0000-4000-8000-0000000000a2', 'allowed'),
      );
      await recordDeployment(
        entities,
        {
          ...event('{5eed0000-0000-4000-8000-0000000000a1}'),
          deployment: { uuid: '{d0000000-0000-4000-8000-0000000000a1}' },
        },
        NOW,
      );
      await recordDeployment(
        entities,
        {
          ...event('{5eed0000-0000-4000-8000-0000000000a2}'),
          deployment: { uuid: '{d0000000-0000-4000-8000-0000000000a2}' },
        },
        NOW,
      );
      const statuses = async (legacy?: typeof kv) =>
        Object.fromEntries(
          (await checkBypasses(entities, legacy ? { legacy } : {})).findings.map((f) => [
            f.deployment.pipeline,
            f.status,
          ]),
        );
      expect(await statuses(kv)).toEqual({
        '{5eed0000-0000-4000-8000-0000000000a1}': 'not-allowed',
        '{5eed0000-0000-4000-8000-0000000000a2}': 'missing-data',
      });
      expect(await statuses()).toEqual({
        '{5eed0000-0000-4000-8000-0000000000a1}': 'no-decision',
        '{5eed0000-0000-4000-8000-0000000000a2}': 'no-decision',
      });
    },
  );
});
