/**
 * The waiver mechanism (context.waiverFor) as branch-gate and repository-scope use it, beyond the
 * adversarial family: the multi-team policy, where a grant can open another team's environment.
 */
import type { Grant } from '../../src/policy/grant-guard';
import { grantMismatch } from '../../src/engine/waivers';
import { refOf } from '../../src/engine/ref';
import { branchRun, compiled, errorOf, outputOf, repositoryIdentity, rulesOf, step } from '../support/requests';
import { runEngine } from '../../src/rules/chain';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const GRANT: Grant = {
  id: 'CHG-1',
  reason: 'Legacy site hosts the payments status page during the outage',
  repository: 'status-page',
  refs: ['main', 'incident/*'],
  environments: ['prod-payments'],
  rules: ['repository-scope'],
  expires: '2026-12-02T12:00:00Z',
};
const multiTeam = compiled(() => {}, 'examples/policy-multi-team.yaml');
// In no team's scope: only the catch-all "dev" serves it.
const statusPage = repositoryIdentity('status-page', 'OPS');

const runAs = (request: unknown, grants: Grant[], repository = statusPage, now = NOW) =>
  runEngine(request, { kind: 'active', policy: multiTeam }, { repository, grants, now });
const deploy = (branch: string) =>
  branchRun(branch, [step('Build'), step('PROD deploy', { oidc: true })], { pattern: branch });

describe('waivers: repository-scope', () => {
  it('without a grant, a PROD step of a repository outside every PROD scope is blocked by repository-scope', () => {
    expect(errorOf(runAs(deploy('main'), [])).key).toBe('pipeline-guard.repository-scope');
  });

  it(
    'a grant waiving repository-scope runs the step in the granted environment, ' +
      'with its runners and role, and names the grant',
    () => {
      const result = runAs(deploy('main'), [GRANT]);
      const output = outputOf(result);
      const prodStep = result.report.steps.find((s) => s.name === 'PROD deploy')!;
      expect(prodStep.environment).toBe('prod-payments');
      expect(prodStep.runsOn).toEqual(['self.hosted', 'linux', 'prod.payments']);
      expect(JSON.stringify(output)).toContain('arn:aws:iam::111111111111:role/payments-prod');
      expect(rulesOf(result, 'warn')).toEqual(['repository-scope']);
      expect(result.report.grants).toEqual(['CHG-1']);
      expect((output.labels as any)['pipeline-guard'].grants).toEqual(['CHG-1']);
    },
  );

  it(
    "the environment's own branch rules still apply: " +
      'incident/42 is blocked by branch-gate unless the grant waives it too',
    () => {
      expect(rulesOf(runAs(deploy('incident/42'), [GRANT]), 'enforce')).toEqual(['branch-gate']);
      const both = runAs(deploy('incident/42'), [{ ...GRANT, rules: ['repository-scope', 'branch-gate'] }]);
      expect(rulesOf(both, 'enforce')).toEqual([]);
      expect(rulesOf(both, 'warn')).toEqual(['branch-gate', 'repository-scope']);
    },
  );

  it("a block names this repository's grants that do not apply, and why; never another repository's", () => {
    expect(errorOf(runAs(deploy('main'), [{ ...GRANT, expires: '2026-12-02T09:00:00Z' }])).message).toContain(
      'Break-glass grant for "prod-payments" does not apply to this run: CHG-1 (it expired at 2026-12-02T09:00:00Z).',
    );
    expect(errorOf(runAs(deploy('main'), [{ ...GRANT, repository: 'payments-api' }])).message).not.toContain('CHG-1');
  });

  it(
    'a grant for an environment whose match the step does not meet, ' +
      'or only for branch-gate, does not waive repository-scope',
    () => {
      expect(errorOf(runAs(deploy('main'), [{ ...GRANT, environments: ['dev-search'] }])).key).toBe(
        'pipeline-guard.repository-scope',
      );
      expect(errorOf(runAs(deploy('main'), [{ ...GRANT, rules: ['branch-gate'] }])).key).toBe(
        'pipeline-guard.repository-scope',
      );
    },
  );

  it(
    'a grant for a later out-of-scope environment the step also matches ' +
      '(prod-web after prod-payments) opens that one',
    () => {
      const result = runAs(deploy('main'), [{ ...GRANT, environments: ['prod-web'] }]);
      const prodStep = result.report.steps.find((s) => s.name === 'PROD deploy')!;
      expect(prodStep.environment).toBe('prod-web');
      expect(prodStep.runsOn).toEqual(['self.hosted', 'linux', 'prod.web']);
      expect(JSON.stringify(outputOf(result))).not.toContain('payments-prod');
      expect(result.report.grants).toEqual(['CHG-1']);
      // Two grants: the first environment in policy order wins.
      const both = runAs(deploy('main'), [{ ...GRANT, id: 'CHG-2', environments: ['prod-web'] }, GRANT]);
      expect(both.report.steps.find((s) => s.name === 'PROD deploy')!.environment).toBe('prod-payments');
    },
  );

  it("another team's labels on the granted step are still foreign", () => {
    const request = branchRun('main', [step('PROD deploy', { 'runs-on': ['self.hosted', 'linux', 'prod.search'] })], {
      pattern: 'main',
    });
    expect(rulesOf(runAs(request, [GRANT]), 'enforce')).toEqual(['runner-labels']);
  });
});

describe('waivers: which grant applies', () => {
  const ref = refOf({ type: 'pipeline_ref_target', ref_type: 'branch', ref_name: 'incident/42' });
  const input = {
    grants: [GRANT],
    now: NOW,
    repository: statusPage,
    creator: '{cda97709-b1a9-4544-9a8d-750f1b3a12c4}',
  };

  it.each([
    ['applies', {}, {}, undefined],
    ['expired at its expiry', {}, { now: new Date('2026-12-02T12:00:00.000Z') }, 'it expired at 2026-12-02T12:00:00Z'],
    ['another repository', { repository: 'website' }, {}, 'it is for repository website, not status-page'],
    [
      'slugs compare exactly',
      {},
      { repository: { ...statusPage, slug: 'Status-Page' } },
      'it is for repository status-page, not Status-Page',
    ],
    ['unknown repository', {}, { repository: undefined }, "the run's repository is not known"],
    [
      'wrong creator',
      { creators: ['{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}'] },
      {},
      'the run was not started by one of its creators',
    ],
    ['too far ahead', { expires: '2026-12-03T10:00:00.001Z' }, {}, 'its expiry is more than 24 hours away'],
  ])('%s', (_what, grant, more, reason) => {
    expect(grantMismatch({ ...GRANT, ...grant }, { ...input, ...more }, ref)).toBe(reason);
  });

  it('refuses refs outside its globs', () => {
    expect(
      grantMismatch(GRANT, input, refOf({ type: 'pipeline_ref_target', ref_type: 'branch', ref_name: 'feature/x' })),
    ).toContain('matches none of its refs main, incident/*');
  });
});
