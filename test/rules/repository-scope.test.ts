import { repositoryScope } from '../../src/rules/repository-scope';
import { compilePolicy } from '../../src/engine/compiled-policy';
import { validatePolicy } from '../../src/policy/load';
import {
  branchRun,
  compiled,
  errorOf,
  outputOf,
  policyInputFrom,
  repositoryIdentity,
  run,
  rulesOf,
  step,
} from '../support/requests';

const MULTI = 'examples/policy-multi-team.yaml';
const policy = (adjust: Parameters<typeof compiled>[0] = () => {}) => compiled(adjust, MULTI);
const envOf = (result: ReturnType<typeof run>, name: string) =>
  result.report.steps.find((s) => s.name === name)?.environment;

const PAYMENTS = repositoryIdentity('payments-api', 'PAY');
const LEDGER = repositoryIdentity('ledger', 'PAY');
const SANDBOX = repositoryIdentity('payments-sandbox', 'PAY');
const SEARCH = repositoryIdentity('search-api', 'SRCH');
const WEBSITE = repositoryIdentity('website', 'WEB');
const OTHER = repositoryIdentity('marketing-site', 'MKT');

describe(`repository-scope: ${repositoryScope.description}`, () => {
  it.each([
    ['payments-api (slug glob)', PAYMENTS, 'prod-payments', 'prod.payments'],
    ['ledger (project PAY)', LEDGER, 'prod-payments', 'prod.payments'],
    ['search-api (project SRCH)', SEARCH, 'prod-search', 'prod.search'],
    ['website (project WEB)', WEBSITE, 'prod-web', 'prod.web'],
  ])("a PROD step of %s runs in its own team's PROD environment", (_what, repo, env, label) => {
    const result = run(branchRun('main', [step('PROD deploy')]), policy(), repo);
    expect(envOf(result, 'PROD deploy')).toBe(env);
    expect(JSON.stringify(outputOf(result))).toContain(label);
  });

  it.each([
    ['the PROD prefix', step('PROD deploy')],
    ['the deployment', step('ship', { deployment: 'production' })],
    ["the stage's deployment", { stage: { name: 'Release', deployment: 'production', steps: [step('ship')] } }],
  ])(
    'blocks a repository outside every PROD scope using %s, naming the repository and what it may use',
    (_what, item) => {
      const result = run(branchRun('main', [item]), policy(), OTHER);
      const error = errorOf(result);
      expect(error.key).toBe('pipeline-guard.repository-scope');
      expect(error.message).toContain('Pipeline Guard blocked this run of acme/marketing-site');
      expect(error.message).toContain('asks for environment "prod-payments"');
      expect(error.message).toContain('acme/marketing-site may use: "dev" (its default)');
      expect(rulesOf(result, 'enforce')).toEqual(['repository-scope']);
    },
  );

  it('a repository excluded from one environment but included in another gets the other one', () => {
    const input = policyInputFrom(MULTI) as any;
    // payments-sandbox is excluded from prod-payments; give it a sandbox PROD of its own, after it.
    input.environments.splice(3, 0, {
      name: 'prod-sandbox',
      scope: { repositories: ['payments-sandbox'] },
      branches: ['main'],
      match: { stepNamePrefix: 'PROD' },
      runner: { labels: ['self.hosted', 'linux', 'prod.sandbox'] },
    });
    const result = run(branchRun('main', [step('PROD deploy')]), compileInput(input), SANDBOX);
    expect(envOf(result, 'PROD deploy')).toBe('prod-sandbox');
    expect(JSON.stringify(outputOf(result))).toContain('prod.sandbox');
    const blocked = run(branchRun('main', [step('PROD deploy')]), policy(), SANDBOX);
    expect(errorOf(blocked).message).toContain('"payments-sandbox" is excluded by "payments-sandbox"');
  });

  it("each team's other steps run on its own default environment", () => {
    expect(envOf(run(branchRun('main', [step('Build')]), policy(), PAYMENTS), 'Build')).toBe('dev-payments');
    expect(envOf(run(branchRun('main', [step('Build')]), policy(), SEARCH), 'Build')).toBe('dev-search');
    expect(envOf(run(branchRun('main', [step('Build')]), policy(), WEBSITE), 'Build')).toBe('dev');
    expect(envOf(run(branchRun('main', [step('Build')]), policy(), undefined), 'Build')).toBe('dev');
  });

  it('a run whose repository is unknown is in no scope', () => {
    const error = errorOf(run(branchRun('main', [step('PROD deploy')]), policy(), undefined));
    expect(error.key).toBe('pipeline-guard.repository-scope');
    expect(error.message).toContain("this run's repository (Pipeline Guard does not know it, so it is in no scope)");
  });

  it('a project key in odd case is not guessed: the step is blocked and the message says why', () => {
    const result = run(branchRun('main', [step('PROD deploy')]), policy(), repositoryIdentity('ledger', 'pay'));
    expect(errorOf(result).key).toBe('pipeline-guard.repository-scope');
    const lowerInPolicy = run(
      branchRun('main', [step('PROD deploy')]),
      policy((p: any) => {
        p.environments[0].scope.projects = ['pay'];
      }),
      LEDGER,
    );
    expect(errorOf(lowerInPolicy).message).toContain(
      'its scope lists project "pay", but project keys are compared exactly and this repository\'s is "PAY"',
    );
  });

  it("warn: runs the step as the repository's default environment, without the deployment", () => {
    const result = run(
      branchRun('main', [step('ship', { deployment: 'production', oidc: true })]),
      policy((p) => {
        p.rules = { 'repository-scope': 'warn' };
      }),
      OTHER,
    );
    const output = outputOf(result);
    const shipped = (output.pipelines as any).branches.main.find((i: any) => i.step.name === 'ship').step;
    expect(shipped.deployment).toBeUndefined();
    expect(shipped['runs-on']).toEqual(['self.hosted', 'linux', 'dev']);
    expect(JSON.stringify(output)).not.toMatch(/prod|111111111111|333333333333|555555555555/);
    expect(rulesOf(result, 'warn')).toEqual(['repository-scope']);
    // The chain is a fixed point on its own output.
    const again = run(
      branchRun('main', (output.pipelines as any).branches.main, { extra: { labels: output.labels as any } }),
      policy((p) => {
        p.rules = { 'repository-scope': 'warn' };
      }),
      OTHER,
    );
    expect(outputOf(again)).toEqual(output);
  });

  it('off: the scope is not applied, and the step joins the environment it matches', () => {
    const result = run(
      branchRun('main', [step('PROD deploy')]),
      policy((p) => {
        p.rules = { 'repository-scope': 'off' };
      }),
      OTHER,
    );
    expect(envOf(result, 'PROD deploy')).toBe('prod-payments');
  });

  it('does nothing for a policy without scopes, whatever the repository', () => {
    const result = run(branchRun('main', [step('PROD deploy')]), compiled(), OTHER);
    expect(envOf(result, 'PROD deploy')).toBe('prod');
    expect(rulesOf(result)).toEqual([]);
  });
});

describe('borrowed labels and roles across teams', () => {
  it('a search repository asking for the payments runners is blocked by runner-labels, naming the scope', () => {
    const result = run(
      branchRun('main', [step('Build', { 'runs-on': ['self.hosted', 'linux', 'prod.payments'] })]),
      policy(),
      SEARCH,
    );
    const error = errorOf(result);
    expect(error.key).toBe('pipeline-guard.runner-labels');
    expect(error.message).toContain('"prod-payments" (whose scope leaves acme/search-api out)');
  });

  it('a search repository exporting the payments role is blocked by oidc-role', () => {
    const result = run(
      branchRun('main', [
        step('Build', {
          oidc: true,
          script: ['export AWS_ROLE_ARN=arn:aws:iam::111111111111:role/payments-prod', 'aws s3 ls'],
        }),
      ]),
      policy(),
      SEARCH,
    );
    expect(errorOf(result).key).toBe('pipeline-guard.oidc-role');
  });

  it('the payments role written anywhere in a search step is named with its scope', () => {
    const result = run(
      branchRun('main', [
        step('Build', { script: ['python deploy.py --target arn:aws:iam::111111111111:role/payments-prod'] }),
      ]),
      policy(),
      SEARCH,
    );
    expect(errorOf(result).message).toContain(
      'names the role of environment "prod-payments" (arn:aws:iam::111111111111:role/payments-prod), ' +
        'whose scope leaves acme/search-api out.',
    );
  });

  it("a search PROD step cannot take the payments team's extra labels either", () => {
    const result = run(branchRun('main', [step('PROD deploy', { 'runs-on': ['dev.payments'] })]), policy(), SEARCH);
    expect(rulesOf(result, 'enforce')).toEqual(['runner-labels']);
  });

  it('the label-collision check covers every pair, scoped or not (runners are workspace-wide)', () => {
    const input = policyInputFrom(MULTI) as any;
    input.environments[1].runner.labels = ['self.hosted', 'linux', 'prod.payments'];
    const result = validatePolicy(input);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => p.message).join('\n')).toContain(
        'every label of "prod-search" is also a label of "prod-payments"',
      );
  });
});

function compileInput(input: unknown) {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return compilePolicy(result.policy, 1);
}
