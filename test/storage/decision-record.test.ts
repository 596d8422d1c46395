import fc from 'fast-check';
import { runEngine } from '../../src/rules/chain';
import { isDecisionRecord } from '../../src/storage/decision-guard';
import { decisionRecord, firstBytes, MAX_MESSAGE_BYTES, type DecisionRecord } from '../../src/storage/decision-record';
import { DecisionRecordSchema } from '../../src/storage/decision-schema';
import { ENTITY_DEFINITIONS, DECISION_ENTITY } from '../../src/storage/entities';
import { branchRun, compiled, step } from '../support/requests';

const AT = new Date('2026-11-25T12:00:00.000Z');

describe('the decision record', () => {
  it(
    'records a pass-through for want of a policy with its ref and no rule: ' +
      'never the storage fault (issue 11, bug 4)',
    () => {
      const request = branchRun('feature/x', [step('Build'), step('PROD deploy')]);
      const result = runEngine(request, { kind: 'none' });
      const record = decisionRecord(result.request!, result.report, AT, result.response);
      expect(record).toMatchObject({ outcome: 'passthrough', ref: 'branch:feature/x', rules: [] });
      expect(record).not.toHaveProperty('message');
      expect(record).not.toHaveProperty('policyRevision');
    },
  );

  it('keeps the storage fault’s id where storage really failed', () => {
    const request = branchRun('main', [step('Build')]);
    const result = runEngine(request, { kind: 'active', policy: compiled() });
    const faulted = {
      ...result.report,
      outcome: 'blocked' as const,
      policy: undefined,
      findings: [
        {
          rule: 'policy-unavailable' as const,
          mode: 'enforce' as const,
          severity: 'high' as const,
          path: '',
          segments: [],
          message: 'm',
          fix: 'f',
        },
      ],
    };
    expect(decisionRecord(result.request!, faulted, AT).rules).toEqual(['policy-unavailable']);
  });

  it('names the repository, project, environments, grants and the first 1 KB of the block message', () => {
    const request = {
      ...branchRun('feature/x', [step('Build'), step('PROD deploy', { script: ['x'.repeat(3_000)] })]),
      pipeline: '{ABC}',
    };
    const result = runEngine(request, { kind: 'active', policy: compiled() });
    const report = {
      ...result.report,
      repository: {
        uuid: result.request!.repository,
        slug: 'payments-api',
        fullName: 'Acme/Payments-API',
        projectKey: 'PAY',
      },
      grants: ['INC-2', 'INC-1', 'INC-2'],
    };
    const record = decisionRecord(result.request!, report, AT, result.response);
    expect(record).toMatchObject({
      repository: 'Acme/Payments-API',
      repositoryKey: 'acme/payments-api',
      project: 'PAY',
      pipeline: '{abc}',
      outcome: 'blocked',
      grants: ['INC-1', 'INC-2'],
      environments: ['dev', 'prod'],
      at: AT.getTime(),
    });
    expect(record.message).toMatch(/^Pipeline Guard blocked this run/);
    expect(new TextEncoder().encode(record.message!).length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(isDecisionRecord(record)).toBe(true);
  });

  it('stays small and valid whatever a valid request holds (the longest ids the request schema allows)', () => {
    const request = {
      ...branchRun(`feature/${'x'.repeat(990)}`, [step('PROD deploy', { script: ['y'.repeat(50_000)] })]),
      repository: `{${'r'.repeat(198)}}`,
      pipeline: 'p'.repeat(200),
      creator: 'c'.repeat(200),
      trigger: 'push',
    };
    const result = runEngine(request, { kind: 'active', policy: compiled() });
    const record = decisionRecord(
      result.request!,
      { ...result.report, grants: Array.from({ length: 50 }, (_, i) => `G-${i}-${'g'.repeat(200)}`) },
      AT,
      result.response,
    );
    expect(isDecisionRecord(record)).toBe(true);
    expect(DecisionRecordSchema.safeParse(record).success).toBe(true);
    expect(JSON.stringify(record).length).toBeLessThan(4_096);
  });

  it('cuts text at a character boundary', () => {
    const cut = firstBytes('é'.repeat(1_000), 1_024);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(1_024);
    expect(cut).not.toContain('\uFFFD');
    expect(firstBytes('short', 1_024)).toBe('short');
  });

  it('stores only attributes the entity declares', () => {
    const declared = Object.keys(ENTITY_DEFINITIONS.find((d) => d.name === DECISION_ENTITY)!.attributes);
    const request = branchRun('main', [step('Build')]);
    const result = runEngine(request, { kind: 'active', policy: compiled() });
    const record = decisionRecord(result.request!, { ...result.report, grants: ['G'] }, AT, result.response);
    expect(Object.keys(record).filter((key) => !declared.includes(key))).toEqual([]);
  });
});

describe('the hand-written guard agrees with the zod schema', () => {
  const valid: DecisionRecord = {
    v: 2,
    at: 1,
    repository: 'a/b',
    repositoryKey: 'a/b',
    repositoryUuid: '{u}',
    ref: 'branch:main',
    trigger: 'push',
    outcome: 'allowed',
    rules: [],
    grants: [],
    environments: [],
  };
  const mutations = fc.oneof(
    fc.constant<Record<string, unknown>>({}),
    fc
      .record({
        key: fc.constantFrom(
          ...Object.keys(valid),
          'project',
          'pipeline',
          'buildNumber',
          'creator',
          'message',
          'policyRevision',
          'extra',
        ),
        value: fc.oneof(
          fc.string({ maxLength: 1_100 }),
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(undefined),
          fc.array(fc.string({ maxLength: 90 }), { maxLength: 25 }),
          fc.constantFrom('allowed', 'blocked', 'none', 'passthrough', 'maybe'),
        ),
      })
      .map(({ key, value }) => ({ [key]: value })),
  );
  it('on valid records and on every single-field corruption', () => {
    fc.assert(
      fc.property(mutations, mutations, (a, b) => {
        const candidate = { ...valid, ...a, ...b };
        for (const key of Object.keys(candidate))
          if ((candidate as Record<string, unknown>)[key] === undefined)
            delete (candidate as Record<string, unknown>)[key];
        expect(isDecisionRecord(candidate)).toBe(DecisionRecordSchema.safeParse(candidate).success);
      }),
      { numRuns: 2_000 },
    );
    expect(isDecisionRecord(valid)).toBe(true);
    expect(isDecisionRecord(null)).toBe(false);
    expect(isDecisionRecord([valid])).toBe(false);
  });
});
