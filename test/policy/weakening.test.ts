import { CONFIGURABLE_RULE_IDS } from '../../src/policy/rule-ids';
import { validatePolicy } from '../../src/policy/load';
import type { Policy } from '../../src/policy/schema';
import { weakenings } from '../../src/policy/weakening';

const base = {
  version: 1,
  environments: [
    {
      name: 'prod',
      branches: ['main'],
      match: { stepNamePrefix: 'PROD' },
      runner: { labels: ['self.hosted', 'prod'] },
    },
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
    expect(
      weakenings(
        policy(base),
        edit((p) => (p.rules = { 'branch-gate': 'warn' })),
      ).map((w) => w.path),
    ).toEqual(['rules.branch-gate']);
    const off = weakenings(
      policy(base),
      edit((p) => (p.mode = 'off')),
    );
    expect(off[0]).toMatchObject({ path: 'mode', message: 'the policy-wide mode goes from enforce to off' });
    expect(off.length).toBe(1 + CONFIGURABLE_RULE_IDS.length);
  });

  it('does not report a rule made stricter', () => {
    const warned = edit((p) => (p.rules = { 'deny-image': 'warn' }));
    expect(weakenings(warned, policy(base))).toEqual([]);
  });

  it('reports a branch added to a protected environment, not to the default one', () => {
    expect(
      weakenings(
        policy(base),
        edit((p) => p.environments[0].branches.push('feature/*')),
      ),
    ).toEqual([
      expect.objectContaining({ path: 'environments[0].branches', message: expect.stringContaining('"feature/*"') }),
    ]);
    expect(
      weakenings(
        policy(base),
        edit((p) => p.environments[1].branches.push('x')),
      ),
    ).toEqual([]);
  });

  it('reports a runner label removed', () => {
    expect(
      weakenings(
        policy(base),
        edit((p) => (p.environments[0].runner.labels = ['self.hosted', 'prod2'])),
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'environments[0].runner.labels',
        message: 'environment "prod" no longer requires the runner label "prod"',
      }),
    ]);
  });
});

describe('weakenings of scopes', () => {
  const scoped = (scope: unknown) =>
    policy({
      version: 1,
      environments: [
        { name: 'prod-pay', match: { stepNamePrefix: 'PROD' }, scope, runner: { labels: ['prod.pay'] } },
        { name: 'dev', default: true, branches: ['**'], runner: { labels: ['dev'] } },
      ],
    });

  it('reports a protected environment serving more repositories, and not one serving fewer', () => {
    const before = scoped({ projects: ['PAY'], exclude: ['payments-sandbox'] });
    expect(weakenings(before, scoped({ projects: ['PAY', 'WEB'], exclude: ['payments-sandbox'] }))[0].message).toBe(
      'environment "prod-pay" is protected and now serves more repositories: project WEB',
    );
    expect(weakenings(before, scoped({ projects: ['PAY'] }))[0].message).toContain(
      'repositories "payments-sandbox" (no longer excluded)',
    );
    expect(weakenings(before, scoped(undefined))[0].message).toContain('every repository (its scope was removed)');
    expect(weakenings(before, scoped({ projects: ['PAY'], exclude: ['payments-sandbox', 'legacy-*'] }))).toEqual([]);
  });
});

describe('weakenings through side doors', () => {
  it('matches a renamed environment and reports the widening made with the rename', () => {
    const found = weakenings(
      policy(base),
      edit((p) => {
        p.environments[0].name = 'production';
        p.environments[0].branches = ['main', '**'];
      }),
    );
    expect(found.map((w) => w.message)).toEqual([
      'environment "prod" (now named "production") is protected and now also allows the branch pattern "**"',
    ]);
    expect(found[0].path).toBe('environments[0].branches');
  });

  it('reports a protected environment that disappears, and not a rename alone', () => {
    const renamed = weakenings(
      policy(base),
      edit((p) => (p.environments[0].name = 'production')),
    );
    expect(renamed).toEqual([]);
    const gone = weakenings(
      policy(base),
      edit((p) => p.environments.splice(0, 1)),
    );
    expect(gone.map((w) => w.message)).toEqual([expect.stringContaining('the protected environment "prod" is gone')]);
    const unrecognisable = weakenings(
      policy(base),
      edit((p) => {
        p.environments[0].name = 'production';
        p.environments[0].match = { stepNamePrefix: 'LIVE' };
      }),
    );
    expect(unrecognisable.map((w) => w.path)).toEqual(['environments']);
  });

  it('reports deny-list entries, scan steps and a runner network removed', () => {
    const strict = edit((p) => {
      p.deny = { images: ['evil/*'], pipes: ['atlassian/ssh-run'], scripts: ['curl .*\\| *sh'] };
      p.securityScan = { steps: [{ name: 'Trivy', script: ['trivy fs .'] }] };
      p.environments[0].runner.network = { cidrs: ['10.0.0.0/16'] };
    });
    const loose = policy(base);
    expect(
      weakenings(strict, loose)
        .map((w) => w.path)
        .sort(),
    ).toEqual(['deny.images', 'deny.pipes', 'deny.scripts', 'environments[0].runner', 'securityScan']);
    expect(weakenings(loose, strict)).toEqual([]);
    const fewerImages = edit((p) => {
      p.deny = { images: [], pipes: ['atlassian/ssh-run'], scripts: ['curl .*\\| *sh'] };
      p.securityScan = { steps: [{ name: 'Trivy', script: ['trivy fs .'] }] };
      p.environments[0].runner.network = { cidrs: ['10.0.0.0/16'] };
    });
    expect(weakenings(strict, fewerImages).map((w) => w.message)).toEqual([
      'the deny list no longer blocks the image "evil/*"',
    ]);
  });
});
