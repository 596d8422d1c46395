import { createProvider } from '../../src/provider/handler';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { branchRun, readFixture, referencePolicyInput, step } from '../support/requests';

const stored = (policy: unknown = referencePolicyInput(), revision = 4) => ({
  revision,
  policy,
  savedAt: '2026-11-20T10:00:00Z',
  savedBy: 'acc-admin',
});
const quiet = () => {};

function providerWith(read: () => Promise<unknown>, decisions: DecisionRecord[] = [], appendFails = false) {
  return createProvider({
    store: { read },
    decisions: {
      append: async (record) => {
        if (appendFails) throw new Error('kvs down');
        decisions.push(record);
      },
    },
    now: () => new Date('2026-11-25T12:00:00Z'),
    log: quiet,
  });
}

describe('the provider function', () => {
  const feature = branchRun('feature/x', [step('PROD deploy')], { pattern: 'feature/*' });

  it('reads the policy once per run and enforces it', async () => {
    const read = jest.fn(async () => stored());
    const response = await providerWith(read)(feature);
    expect(read).toHaveBeenCalledTimes(1);
    expect(response).toEqual({ error: expect.objectContaining({ key: 'pipeline-guard.branch-gate' }) });
    expect((response as any).error.message).toContain('policy revision 4');
  });

  it('passes pipelines through unchanged until a policy is saved', async () => {
    const response = await providerWith(async () => undefined)(feature);
    expect(response).toEqual({ pipelines_configuration: (feature as any).pipelines_configuration });
  });

  it('blocks the run with a clear message when storage fails', async () => {
    const response = await providerWith(async () => {
      throw new Error('KVS unavailable');
    })(feature);
    expect(response).toEqual({
      error: {
        key: 'pipeline-guard.policy-unavailable',
        message: expect.stringContaining('the storage read failed: KVS unavailable'),
      },
    });
  });

  it('times out a hanging storage read well inside the 25 s Forge limit and blocks', async () => {
    jest.useFakeTimers();
    try {
      const pending = providerWith(() => new Promise(() => {}))(feature);
      await jest.advanceTimersByTimeAsync(8_000);
      const response = await pending;
      expect((response as any).error.key).toBe('pipeline-guard.policy-unavailable');
      expect((response as any).error.message).toContain('did not answer within 8 s');
    } finally {
      jest.useRealTimers();
    }
  });

  it('blocks when the stored policy is damaged or invalid', async () => {
    const damaged = await providerWith(async () => ({ nonsense: true }))(feature);
    expect((damaged as any).error.message).toContain('the stored policy record is damaged');
    const invalid = await providerWith(async () => stored({ version: 1, environments: [] }))(feature);
    expect((invalid as any).error.message).toContain('environments: at least one environment is required');
  });

  it('never blocks the Run-pipeline dialog, even when storage fails', async () => {
    const definitions = readFixture<Record<string, unknown>>('requests', 'documented-definitions.json');
    const response = await providerWith(async () => {
      throw new Error('down');
    })(definitions);
    expect(response).toEqual({ pipelines_configuration: definitions.pipelines_configuration });
  });

  it('appends one decision record per real run and none for definitions', async () => {
    const decisions: DecisionRecord[] = [];
    const provider = providerWith(async () => stored(), decisions);
    await provider(feature);
    await provider(readFixture('requests', 'documented-definitions.json'));
    expect(decisions).toEqual([
      {
        v: 2,
        at: Date.parse('2026-11-25T12:00:00.000Z'),
        repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
        repositoryKey: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
        repositoryUuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
        ref: 'branch:feature/x',
        trigger: 'push',
        outcome: 'blocked',
        rules: ['branch-gate'],
        grants: [],
        environments: expect.arrayContaining(['prod']),
        message: expect.stringMatching(/^Pipeline Guard blocked this run for branch feature\/x .*\[branch-gate\]/s),
        pipeline: '{0ac5e5c0-a233-4cb5-88b9-bcffc5fa4925}',
        creator: expect.any(String),
        buildNumber: 12,
        policyRevision: 4,
      },
    ]);
  });

  it("keeps the run's outcome when the decision log fails", async () => {
    const allowed = branchRun('main', [step('build')]);
    const response = await providerWith(async () => stored(), [], true)(allowed);
    expect(response).toHaveProperty('pipelines_configuration');
  });

  it.each([null, undefined, 'text', 42, [], {}])('answers %j with an error instead of throwing', async (request) => {
    const response = await providerWith(async () => stored())(request);
    expect((response as any).error.key).toBe('pipeline-guard.invalid-request');
  });
});
