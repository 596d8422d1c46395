import { readFileSync } from 'fs';
import path from 'path';
import { policyWarnings } from '../../src/policy/warnings';
import { parsePolicyText } from '../../src/policy/text';
import { policyInputFrom, referencePolicyInput } from '../support/requests';
import { validatePolicy } from '../../src/policy/load';

const load = (input: unknown) => {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
};

describe('policy check: scope warnings', () => {
  it('the multi-team example and the reference policy have none', () => {
    expect(policyWarnings(load(policyInputFrom('examples/policy-multi-team.yaml')))).toEqual([]);
    expect(policyWarnings(load(referencePolicyInput())).some((w) => w.message.includes('scope'))).toBe(false);
  });

  it(
    'warns that a slug glob on an environment with runners or a role ' + "admits any project's repository of that name",
    () => {
      const input: any = policyInputFrom('examples/policy-multi-team.yaml');
      input.environments[0].scope.repositories = ['payments-*', 'payments-api', '*'];
      const warnings = policyWarnings(load(input));
      const glob = warnings.filter((w) => w.path.startsWith('environments[0].scope.repositories'));
      expect(glob.map((w) => w.path)).toEqual(['environments[0].scope.repositories[0]']);
      expect(glob[0].message).toContain(
        'slug glob "payments-*" in `scope.repositories` of "prod-payments" ' +
          'lets in every repository whose slug matches it, in any project',
      );
      expect(glob[0].message).toContain('runners and cloud identity');
      // Without runners or identity there is nothing to take over.
      delete input.environments[0].runner;
      delete input.environments[0].oidc;
      expect(
        policyWarnings(load(input)).filter((w) => w.path.startsWith('environments[0].scope.repositories')),
      ).toEqual([]);
    },
  );

  it(
    'warns about an environment scoped by project below one whose slug glob takes in every repository, ' +
      'with the same match',
    () => {
      const input: any = policyInputFrom('examples/policy-multi-team.yaml');
      input.environments.splice(0, 0, {
        name: 'prod-all',
        scope: { repositories: ['*'] },
        branches: ['main'],
        match: { stepNamePrefix: 'PROD', deployments: ['production'] },
        runner: { labels: ['self.hosted', 'linux', 'prod.all'] },
      });
      const shadowed = (policy: unknown) =>
        policyWarnings(load(policy)).filter((w) => w.message.includes('never gets a step by its `match`'));
      expect(shadowed(input).map((w) => w.path)).toEqual([
        'environments[1].match',
        'environments[2].match',
        'environments[3].match',
      ]);
      expect(shadowed(input)[0].message).toContain('is also served by "prod-all" (repositories *)');
      // With an exclude of its own, it covers only the environments that exclude the same repositories.
      input.environments[0].scope.exclude = ['payments-sandbox'];
      expect(shadowed(input).map((w) => w.path)).toEqual(['environments[1].match']);
    },
  );

  it('names every scope problem at its field', () => {
    const result = parsePolicyText(
      readFileSync(path.resolve(__dirname, '../../fixtures/cli/policies/scope-problems.yaml'), 'utf8'),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const byPath = Object.fromEntries(policyWarnings(result.policy).map((w) => [w.path, w.message]));
    expect(byPath).toMatchObject({
      'environments[0].scope.projects[0]': expect.stringContaining('project key "pay" of "prod-a" is not upper case'),
      'environments[0].scope.repositories[0]': expect.stringContaining(
        '"Payments-*" in `scope.repositories` of "prod-a" can never match',
      ),
      'environments[0].scope.repositories[1]': expect.stringContaining('needs "/"'),
      'environments[1].match': expect.stringContaining('"prod-b" never gets a step by its `match`'),
      'environments[2].scope': expect.stringContaining('"gone" applies to no repository'),
      'environments[3]': expect.stringContaining('"lost" has a scope but neither `match` nor `default: true`'),
      'environments[5].default': expect.stringContaining('"dev-ops" is never any repository\'s default'),
    });
    expect(Object.values(byPath).some((m) => m.startsWith('rule repository-scope is "warn"'))).toBe(true);
  });

  it('does not call a narrower environment shadowed by a wider one below it, nor a different prefix', () => {
    const input: any = policyInputFrom('examples/policy-multi-team.yaml');
    // An unscoped PROD after the team PRODs is reachable (repositories outside every team scope).
    input.environments.splice(3, 0, {
      name: 'prod',
      branches: ['main'],
      match: { stepNamePrefix: 'PROD', deployments: ['production'] },
      runner: { labels: ['self.hosted', 'linux', 'prod'] },
    });
    expect(policyWarnings(load(input)).filter((w) => w.message.includes('never gets a step'))).toEqual([]);
    // The same unscoped PROD above them shadows every team's PROD.
    input.environments.unshift(input.environments.splice(3, 1)[0]);
    expect(
      policyWarnings(load(input))
        .filter((w) => w.message.includes('never gets a step'))
        .map((w) => w.path),
    ).toEqual(['environments[1].match', 'environments[2].match', 'environments[3].match']);
  });
});
