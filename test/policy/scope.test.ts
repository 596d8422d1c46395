import { readFileSync } from 'fs';
import { validatePolicy } from '../../src/policy/load';
import type { RepositoryIdentity } from '../../src/policy/repository';
import {
  defaultEnvironmentFor,
  describeScope,
  environmentsFor,
  isScoped,
  scopeIncludes,
  scopeReason,
} from '../../src/policy/scope';
import { defaultProblems, scopeProblems } from '../../src/policy/scope-checks';
import { parsePolicyText } from '../../src/policy/text';
import { referencePolicyInput } from '../support/requests';

const repo = (slug: string, projectKey?: string, workspace = 'acme'): RepositoryIdentity => ({
  uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  slug,
  fullName: `${workspace}/${slug}`,
  projectKey,
});

const multiTeam = () => {
  const result = parsePolicyText(readFileSync(`${__dirname}/../../examples/policy-multi-team.yaml`, 'utf8'));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
};

describe('scopeIncludes', () => {
  const scope = { projects: ['PAY'], repositories: ['payments-*', 'billing'], exclude: ['payments-sandbox'] };

  it.each([
    ['a repository of a listed project', repo('ledger', 'PAY'), true],
    ['a slug matching a glob, in another project', repo('payments-api', 'WEB'), true],
    ['a literal slug', repo('billing', undefined), true],
    ['an excluded slug, even in a listed project', repo('payments-sandbox', 'PAY'), false],
    ['another project and slug', repo('website', 'WEB'), false],
    ['a look-alike slug (prefix glued on)', repo('xpayments-api', 'WEB'), false],
    ['a look-alike slug (suffix glued on)', repo('billing-fork', 'WEB'), false],
    ['a slug in upper case (slugs are lower case; globs match case-sensitively)', repo('PAYMENTS-API', 'WEB'), false],
    ['a project key in odd case (keys are compared exactly)', repo('ledger', 'pay'), false],
  ])('%s', (_what, identity, expected) => {
    expect(scopeIncludes(scope, identity)).toBe(expected);
  });

  it('no scope includes every repository, and the unknown one', () => {
    expect(scopeIncludes(undefined, repo('anything'))).toBe(true);
    expect(scopeIncludes(undefined, undefined)).toBe(true);
  });

  it('a run with no known repository is in no scope', () => {
    expect(scopeIncludes({ repositories: ['*'] }, undefined)).toBe(false);
  });

  it('`*` stops at nothing a slug can hold, so it means every repository', () => {
    expect(scopeIncludes({ repositories: ['*'] }, repo('a.b_c-d'))).toBe(true);
  });
});

describe('scopeReason and describeScope', () => {
  it('says why, naming a key that differs only in case', () => {
    expect(scopeReason({ projects: ['pay'] }, repo('ledger', 'PAY'))).toContain(
      'lists project "pay", but project keys are compared exactly',
    );
    expect(scopeReason({ projects: ['PAY'], exclude: ['ledger'] }, repo('ledger', 'PAY'))).toBe(
      '"ledger" is excluded by "ledger"',
    );
    expect(scopeReason(undefined, repo('x'))).toContain('every repository');
    expect(describeScope({ projects: ['PAY'], repositories: ['payments-*'], exclude: ['payments-sandbox'] })).toBe(
      'project PAY or repositories payments-*, except payments-sandbox',
    );
  });
});

describe('defaults and environments for a repository (examples/policy-multi-team.yaml)', () => {
  it('loads, and is scoped', () => {
    expect(isScoped(multiTeam())).toBe(true);
  });

  it('each team gets its own default; everything else gets the catch-all', () => {
    const policy = multiTeam();
    expect(defaultEnvironmentFor(policy, repo('ledger', 'PAY')).name).toBe('dev-payments');
    expect(defaultEnvironmentFor(policy, repo('search-api', 'SRCH')).name).toBe('dev-search');
    expect(defaultEnvironmentFor(policy, repo('website', 'WEB')).name).toBe('dev');
    expect(defaultEnvironmentFor(policy, undefined).name).toBe('dev');
  });

  it('lists every environment with whether the repository is in scope', () => {
    const view = environmentsFor(multiTeam(), repo('payments-sandbox', 'PAY'));
    const inScope = view.filter((e) => e.inScope).map((e) => e.environment.name);
    expect(inScope).toEqual(['dev']);
    expect(view.find((e) => e.isDefault)?.environment.name).toBe('dev');
    expect(view.find((e) => e.environment.name === 'prod-payments')?.reason).toBe(
      '"payments-sandbox" is excluded by "payments-sandbox"',
    );
  });

  it('the reference policy is not scoped, and its default is the same for every repository', () => {
    const result = validatePolicy(referencePolicyInput());
    if (!result.ok) throw new Error('reference policy');
    expect(isScoped(result.policy)).toBe(false);
    expect(defaultEnvironmentFor(result.policy, repo('website', 'WEB')).name).toBe('dev');
    expect(environmentsFor(result.policy, undefined).every((e) => e.inScope)).toBe(true);
  });
});

describe('scope checks (plain functions, shared with validators without zod)', () => {
  it('keep the old messages for a policy without scopes', () => {
    expect(defaultProblems([{ name: 'a' }, { name: 'b' }]).map((p) => p.message)).toEqual([
      'exactly one environment must set `default: true`; none does',
    ]);
    expect(
      defaultProblems([
        { name: 'a', default: true },
        { name: 'b', default: true },
      ]),
    ).toEqual([
      {
        path: ['environments', 1, 'default'],
        message: 'only one environment may be the default; environments[0] already is',
      },
    ]);
  });

  it('allow several scoped defaults next to one unscoped default', () => {
    expect(
      scopeProblems([
        { name: 'a', default: true, scope: { projects: ['PAY'] } },
        { name: 'b', default: true, scope: { repositories: ['search-*'] } },
        { name: 'c', default: true },
      ]),
    ).toEqual([]);
  });

  it('refuse scoped defaults without a catch-all, naming who would have none', () => {
    const [problem] = scopeProblems([
      { name: 'dev-pay', default: true, scope: { projects: ['PAY'] } },
      { name: 'dev' },
    ]);
    expect(problem.path).toEqual(['environments']);
    expect(problem.message).toContain('exactly one environment without a `scope` must set `default: true`');
    expect(problem.message).toContain(
      'every repository outside "dev-pay" (project PAY), and every run whose repository is unknown, ' +
        'would have no default environment',
    );
  });

  it('refuse a second unscoped default', () => {
    expect(
      scopeProblems([
        { name: 'a', default: true },
        { name: 'b', default: true },
        { name: 'c', scope: { projects: ['X'] } },
      ]).map((p) => p.path),
    ).toEqual([['environments', 1, 'default']]);
  });

  it('refuse a scope that includes nothing by construction', () => {
    expect(
      scopeProblems([
        { name: 'a', scope: { exclude: ['legacy-*'] } },
        { name: 'b', default: true },
      ])[0],
    ).toEqual({ path: ['environments', 0, 'scope'], message: expect.stringContaining('write `repositories: ["*"]`') });
    expect(
      scopeProblems([
        { name: 'a', scope: {} },
        { name: 'b', default: true },
      ])[0].message,
    ).toContain('a scope needs `projects` or `repositories`');
  });

  it('the schema reports them at their fields', () => {
    const input: any = referencePolicyInput();
    input.environments[1].scope = { projects: ['PAY'] };
    const result = validatePolicy(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(['environments']);
    input.environments[1].scope = { projects: ['P-1'], repositories: ['a b'] };
    const bad = validatePolicy(input);
    expect(!bad.ok && bad.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['environments[1].scope.projects[0]', 'environments[1].scope.repositories[0]']),
    );
  });
});
