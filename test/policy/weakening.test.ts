import { CONFIGURABLE_RULE_IDS } from '../../src/policy/rule-ids';
import { validatePolicy } from '../../src/policy/load';
import type { Policy } from '../../src/policy/schema';
import { weakenings } from '../../src/policy/weakening';

const base = {
  version: 1,
  environments: [
    { name: 'prod', branches: ['main'], match: { stepNamePrefix: 'PROD' }, runner: { labels: ['self.hosted', 'prod'] } },
    { name: 'dev', default: true, branches: ['**'], runner: { labels: ['self.hosted', 'dev'] } },
  ],
};

function policy(value: unknown): Policy {
  const result = validatePolicy(value);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

const edit = (change: (copy: any) => void) => {
  const copy = JSON.parse(JSON.stringify(base));
  change(copy);
  return policy(copy);
};

describe('weakenings', () => {
  it('finds nothing for an identical policy or a first save', () => {
    expect(weakenings(policy(base), policy(base))).toEqual([]);
    expect(weakenings(undefined, policy(base))).toEqual([]);
  });

  it('reports a rule set to warn or off, and the mode set to off', () => {
    expect(weakenings(policy(base), edit((p) => (p.rules = { 'branch-gate': 'warn' }))).map((w) => w.path)).toEqual(['rules.branch-gate']);
    const off = weakenings(policy(base), edit((p) => (p.mode = 'off')));
    expect(off[0]).toMatchObject({ path: 'mode', message: 'the policy-wide mode goes from enforce to off' });
    expect(off.length).toBe(1 + CONFIGURABLE_RULE_IDS.length);
  });

  it('does not report a rule made stricter', () => {
    const warned = edit((p) => (p.rules = { 'deny-image': 'warn' }));
    expect(weakenings(warned, policy(base))).toEqual([]);
  });

  it('reports a branch added to a protected environment, not to the default one', () => {
    expect(weakenings(policy(base), edit((p) => p.environments[0].branches.push('feature/*')))).toEqual([
      expect.objectContaining({ path: 'environments[0].branches', message: expect.stringContaining('"feature/*"') }),
    ]);
    expect(weakenings(policy(base), edit((p) => p.environments[1].branches.push('x')))).toEqual([]);
  });

  it('reports a runner label removed', () => {
    expect(weakenings(policy(base), edit((p) => (p.environments[0].runner.labels = ['self.hosted', 'prod2'])))).toEqual([
      expect.objectContaining({ path: 'environments[0].runner.labels', message: 'environment "prod" no longer requires the runner label "prod"' }),
    ]);
  });
});

describe('weakenings of scopes', () => {
  const scoped = (scope: unknown) =>
    policy({ version: 1, environments: [{ name: 'prod-pay', match: { stepNamePrefix: 'PROD' }, scope, runner: { labels: ['prod.pay'] } }, { name: 'dev', default: true, branches: ['**'], runner: { labels: ['dev'] } }] });

  it('reports a protected environment serving more repositories, and not one serving fewer', () => {
    const before = scoped({ projects: ['PAY'], exclude: ['payments-sandbox'] });
    expect(weakenings(before, scoped({ projects: ['PAY', 'WEB'], exclude: ['payments-sandbox'] }))[0].message).toBe('environment "prod-pay" is protected and now serves more repositories: project WEB');
    expect(weakenings(before, scoped({ projects: ['PAY'] }))[0].message).toContain('repositories "payments-sandbox" (no longer excluded)');
    expect(weakenings(before, scoped(undefined))[0].message).toContain('every repository (its scope was removed)');
    expect(weakenings(before, scoped({ projects: ['PAY'], exclude: ['payments-sandbox', 'legacy-*'] }))).toEqual([]);
  });
});
