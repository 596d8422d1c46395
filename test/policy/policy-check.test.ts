/**
 * What the provider says about a stored policy that fails validation: the generated validator
 * names the field and the problem, in zod's words wherever the schema gives a fixed message, and
 * the shared checks (globs, regexes, CIDRs, cross-field rules) give exactly zod's messages.
 */
import { validatePolicy } from '../../src/policy/load';
import { checkPolicy } from '../../src/policy/policy-check';
import { referencePolicyInput } from '../adversarial/harness';

type Edit = (policy: any) => void;

const CASES: Array<[string, Edit, string]> = [
  [
    'a role ARN that is not one',
    (p) => (p.environments[0].oidc.roleArn = 'arn:aws:iam::111111111111:user/x'),
    'environments[0].oidc.roleArn: not an IAM role ARN',
  ],
  ['a misspelt field', (p) => (p.environments[0].manualTriger = true), 'environments[0].manualTriger: unknown field'],
  ['an unknown mode', (p) => (p.mode = 'strict'), 'mode: must be one of enforce, warn, off'],
  [
    'an unknown rule id',
    (p) => (p.rules = { 'branch-gates': 'warn' }),
    'rules.branch-gates: unknown rule id; known: repository-scope, branch-gate, runner-labels, oidc-role, ' +
      'unverifiable-identity, manual-trigger, deny-image, deny-pipe, deny-script, security-scan',
  ],
  ['version 2', (p) => (p.version = 2), 'version: must be 1 (the only policy format version)'],
  [
    'a branch glob with an open brace',
    (p) => (p.environments[0].branches = ['release/{a,b']),
    'environments[0].branches[0]: not a Bitbucket glob: unclosed "{" in "release/{a,b"',
  ],
  [
    'a CIDR with host bits',
    (p) => (p.environments[0].runner.network = { cidrs: ['10.0.0.1/24'] }),
    'environments[0].runner.network.cidrs[0]: host bits are set; did you mean 10.0.0.0/24?',
  ],
  [
    'a denied script that is no regular expression',
    (p) => (p.deny.scripts = ['(']),
    'deny.scripts[0]: not a valid regular expression: Invalid regular expression: /(/u: Unterminated group',
  ],
  [
    'two environments of the same name',
    (p) => (p.environments[1].name = p.environments[0].name),
    'environments[1].name: duplicate environment name "prod" (also environments[0])',
  ],
  [
    'no default environment',
    (p) => (p.environments[1].default = false),
    'environments: exactly one environment must set `default: true`; none does',
  ],
  [
    'an OIDC provider no branch names',
    (p) => (p.environments[0].oidc.provider = 'azure'),
    'environments[0].oidc.provider: oidc.provider must be aws, gcp or vault (absent means aws); ' +
      'Azure cannot federate with Bitbucket directly, see docs/cloud-trust.md#azure',
  ],
  [
    'a scope with only `exclude`',
    (p) => (p.environments[0].scope = { exclude: ['legacy-*'] }),
    'environments[0].scope: a scope includes only the repositories its `projects` or `repositories` name, ' +
      'so `exclude` alone leaves none; write `repositories: ["*"]` to mean every repository except the excluded ones',
  ],
  [
    'a repository glob with white space',
    (p) => (p.environments[0].scope = { repositories: ['a b'] }),
    'environments[0].scope.repositories[0]: must not contain white space (repository slugs have none)',
  ],
  [
    'a missing runner label list',
    (p) => delete p.environments[0].runner.labels,
    'environments[0].runner.labels: required',
  ],
];

describe('checkPolicy (the provider path) on a broken policy', () => {
  it.each(CASES)('%s: names the field and the problem as zod does', (_what, edit, expected) => {
    const policy = referencePolicyInput();
    edit(policy);
    const zod = validatePolicy(structuredClone(policy));
    const generated = checkPolicy(policy);
    expect(zod.ok).toBe(false);
    expect(generated.ok).toBe(false);
    if (zod.ok || generated.ok) return;
    const first = (problems: typeof zod.problems) => `${problems[0].path}: ${problems[0].message}`;
    expect(first(generated.problems)).toBe(expected);
    expect(first(zod.problems)).toBe(expected);
  });

  it('leaves the value it was given as it was (the generated code fills in defaults on a copy)', () => {
    const policy = referencePolicyInput() as any;
    for (const key of ['mode', 'rules', 'deny']) delete policy[key];
    delete policy.environments[0].manualTrigger;
    const before = JSON.stringify(policy);
    const result = checkPolicy(policy);
    expect(result.ok && result.policy.mode).toBe('enforce');
    expect(result.ok && result.policy.environments[0].manualTrigger).toBe(false);
    expect(JSON.stringify(policy)).toBe(before);
  });
});
