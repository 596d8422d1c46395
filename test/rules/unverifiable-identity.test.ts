import { ruleMode } from '../../src/policy/rule-ids';
import { unverifiableIdentity } from '../../src/rules/unverifiable-identity';
import { branchRun, compiled, errorOf, outputOf, run, step } from '../support/requests';

const sourcing = (extra: Record<string, unknown> = {}) =>
  branchRun('feature/x', [step('Deploy', { oidc: true, script: ['source ./deploy.env', 'aws s3 ls'], ...extra })]);
const findingsOf = (result: ReturnType<typeof run>) =>
  result.report.findings.filter((f) => f.rule === 'unverifiable-identity');

describe(`unverifiable-identity: ${unverifiableIdentity.description}`, () => {
  it('warns under the reference policy, whose mode is enforce, and lets the run go on', () => {
    const result = run(sourcing());
    expect(outputOf(result)).toBeDefined();
    const [finding, ...rest] = findingsOf(result);
    expect(rest).toEqual([]);
    expect(finding.mode).toBe('warn');
    expect(finding.path).toMatch(/^pipelines\.branches\.feature\/x\[0\]/);
    expect(finding.message).toContain('`script` line 1 sources ./deploy.env: `source ./deploy.env`.');
    expect(finding.message).toContain(
      "What protects the account here is the cloud's trust policy " +
        '(docs/cloud-trust.md; `pipeline-guard trust-policy` generates it).',
    );
  });

  it('blocks when the policy sets it to enforce, and is silent when set off or when the policy is off', () => {
    expect(
      errorOf(
        run(
          sourcing(),
          compiled((p) => {
            p.rules = { 'unverifiable-identity': 'enforce' };
          }),
        ),
      ).key,
    ).toBe('pipeline-guard.unverifiable-identity');
    expect(
      findingsOf(
        run(
          sourcing(),
          compiled((p) => {
            p.rules = { 'unverifiable-identity': 'off' };
          }),
        ),
      ),
    ).toEqual([]);
    expect(
      findingsOf(
        run(
          sourcing(),
          compiled((p) => {
            p.mode = 'off';
          }),
        ),
      ),
    ).toEqual([]);
  });

  it('looks only at steps with a cloud identity: an OIDC step of an environment with oidc', () => {
    expect(findingsOf(run(sourcing({ oidc: false })))).toEqual([]);
    expect(findingsOf(run(branchRun('feature/x', [step('Build', { script: ['source ./env'] })])))).toEqual([]);
    const noIdentity = compiled((p) => {
      p.rules = { 'oidc-role': 'off' };
      delete p.environments[1].oidc;
    });
    expect(findingsOf(run(sourcing(), noIdentity))).toEqual([]);
  });

  it('never reads the setup lines Pipeline Guard put first, so its own output passes again unchanged', () => {
    const first = outputOf(run(sourcing()));
    const again = run(branchRun('feature/x', (first.pipelines as any).branches['feature/x']));
    expect(findingsOf(again)).toHaveLength(1);
  });
});

describe('ruleMode: a rule with a default mode', () => {
  it.each([
    [{}, 'enforce', 'warn'],
    [{}, 'warn', 'warn'],
    [{}, 'off', 'off'],
    [{ 'unverifiable-identity': 'enforce' as const }, 'warn', 'enforce'],
  ] as const)('rules %j under mode %s: %s', (rules, mode, expected) => {
    expect(ruleMode(rules, mode, 'unverifiable-identity')).toBe(expected);
    expect(ruleMode(rules, mode, 'oidc-role')).toBe(mode);
  });
});
