import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hasNestedQuantifier, policyWarnings } from '../../src/policy/warnings';
import { parsePolicyText } from '../../src/policy/text';
import type { Policy } from '../../src/policy/schema';

function load(relative: string): Policy {
  const result = parsePolicyText(readFileSync(path.join(__dirname, '../..', relative), 'utf8'));
  if (!result.ok) throw new Error(`${relative} must load`);
  return result.policy;
}

describe('policy warnings', () => {
  it('finds nothing unsafe in the example policy', () => {
    expect(policyWarnings(load('examples/policy.yaml'))).toEqual([]);
  });

  it('names every unsafe setting of an unsafe policy by its path', () => {
    const warnings = policyWarnings(load('fixtures/cli/policies/unsafe.yaml'));
    expect(warnings.map((w) => w.path).sort()).toEqual(
      [
        'environments[1].runner', // shared labels
        'environments[0].branches', // privileged environment open to **
        'environments[0].runner', // OIDC role without a network
        'environments[1].oidc.roleArn', // default environment with prod's role
        'rules.branch-gate', // critical rule in warn mode
        'deny.scripts[0]', // nested quantifier
        'environments[1].runner.extraLabels[0]', // extra label that is prod's
      ].sort(),
    );
    const byPath = Object.fromEntries(warnings.map((w) => [w.path, w.message]));
    expect(byPath['environments[1].runner']).toContain('share the runner labels "prod", "shared.pool"');
    expect(byPath['environments[1].runner']).not.toContain('self.hosted');
    expect(byPath['environments[1].oidc.roleArn']).toContain('the default environment "dev" uses the role of "prod"');
  });

  it('warns that the OIDC setup lines cannot run on Windows runners', () => {
    const policy = load('examples/policy.yaml');
    policy.environments[1].runner!.labels = ['self.hosted', 'windows', 'dev'];
    const warnings = policyWarnings(policy).filter((w) => w.path === 'environments[1].runner.labels');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('POSIX shell, which PowerShell cannot run'),
    ]);
  });

  it('reports a critical rule switched off through the policy-wide mode at `mode`', () => {
    const policy = { ...load('examples/policy.yaml'), mode: 'warn' as const, rules: {} };
    expect(policyWarnings(policy).map((w) => w.path)).toEqual(['mode', 'mode', 'mode']);
  });

  it.each([
    ['(a+)+', true],
    ['(\\w+\\s*)+;', true],
    ['(x*)*', true],
    ['((ab)+c)*', true],
    ['(a|b){2,}', false],
    ['(a+){2,}', true],
    ['curl[^|]*\\|\\s*(ba)?sh', false],
    ['[(a+)+]', false],
    ['\\(a+\\)+', false],
    ['(a+)?', false],
  ])('nested quantifier in /%s/: %s', (source, expected) => {
    expect(hasNestedQuantifier(source)).toBe(expected);
  });
});
