import {
  branchRun,
  commitRun,
  DEV_ROLE,
  errorOf,
  outputOf,
  PROD_LABELS,
  PROD_ROLE,
  pullRequestRun,
  repositoryIdentity,
  run,
  rulesOf,
  step,
} from '../support/requests';
import { resolveTemplates } from '../../src/engine/templating';
import { requestVariables } from '../../src/engine/variables';
import type { ProviderRequest } from '../../src/engine/request';

const repo = (key: string, value: string) => ({ key, value, scope: 'REPOSITORY' });
const workspace = (key: string, value: string) => ({ key, value, scope: 'WORKSPACE' });
const withVariables = (request: Record<string, unknown>, variables: unknown, truncated?: boolean) => ({
  ...request,
  variables,
  ...(truncated !== undefined ? { variables_truncated: truncated } : {}),
});

describe('templated deciding fields, resolved from the request variables', () => {
  it(
    '`deployment: ${{DEPLOY_ENV}}` with DEPLOY_ENV=production is a PROD step: ' +
      'blocked on a feature branch, like the literal',
    () => {
      const items = [step('Ship', { deployment: '${{DEPLOY_ENV}}' })];
      const templated = run(
        withVariables(branchRun('feature/x', items, { pattern: 'feature/*' }), [repo('DEPLOY_ENV', 'production')]),
      );
      const literal = run(
        branchRun('feature/x', [step('Ship', { deployment: 'production' })], { pattern: 'feature/*' }),
      );
      expect(errorOf(templated).key).toBe('pipeline-guard.branch-gate');
      expect(errorOf(templated).message).toContain('its `deployment` is "production"');
      expect(templated.report.steps[0].environment).toBe('prod');
      expect(literal.report.steps[0].environment).toBe('prod');
    },
  );

  it('a step named `${{PREFIX}} deploy` with PREFIX=PROD runs as prod on main, and the output keeps the tokens', () => {
    const items = [step('${{PREFIX}} deploy', { deployment: '${{DEPLOY_ENV}}', script: ['./deploy.sh ${{APP}}'] })];
    const result = run(
      withVariables(branchRun('main', items), [
        repo('PREFIX', 'PROD'),
        workspace('DEPLOY_ENV', 'production'),
        repo('APP', 'web'),
      ]),
    );
    const output = outputOf(result);
    expect(
      result.report.steps.find((s) => s.path.endsWith('[0]'))?.environment ?? result.report.steps[0].environment,
    ).toBe('prod');
    const steps = (output.pipelines as any).branches.main.map((item: any) => item.step);
    const shipped = steps.find((s: any) => s.name === '${{PREFIX}} deploy');
    expect(shipped).toBeDefined();
    expect(shipped.deployment).toBe('${{DEPLOY_ENV}}');
    expect(shipped.script).toContain('./deploy.sh ${{APP}}');
    expect(shipped['runs-on']).toEqual(PROD_LABELS);
  });

  it('a repository value wins over a workspace value; PIPELINE and STEP values never change a template', () => {
    const items = [step('Build', { deployment: '${{DEPLOY_ENV}}' })];
    const variables = [
      { key: 'DEPLOY_ENV', value: 'staging', scope: 'PIPELINE' },
      { key: 'DEPLOY_ENV', value: 'staging', scope: 'STEP' },
      workspace('DEPLOY_ENV', 'staging'),
      repo('DEPLOY_ENV', 'production'),
    ];
    expect(run(withVariables(branchRun('feature/x', items), variables)).report.steps[0].environment).toBe('prod');
    const pipelineOnly = run(
      withVariables(branchRun('feature/x', items), [{ key: 'DEPLOY_ENV', value: 'production', scope: 'PIPELINE' }]),
    );
    expect(errorOf(pipelineOnly).key).toBe('pipeline-guard.invalid-pipeline');
    expect(errorOf(pipelineOnly).message).toContain('lists no repository or workspace variable DEPLOY_ENV');
  });

  it(
    'a role in a script template is read with its value: ' + "another environment's role is caught, the own one passes",
    () => {
      const script = ['export AWS_ROLE_ARN=${{DEPLOY_ROLE}}', 'aws s3 ls'];
      const items = [step('Upload', { oidc: true, script })];
      const foreign = run(withVariables(branchRun('feature/x', items), [repo('DEPLOY_ROLE', PROD_ROLE)]));
      expect(errorOf(foreign).key).toBe('pipeline-guard.oidc-role');
      expect(errorOf(foreign).message).toContain(`sets AWS_ROLE_ARN to "${PROD_ROLE}"`);
      const own = run(withVariables(branchRun('feature/x', items), [repo('DEPLOY_ROLE', DEV_ROLE)]));
      const out = (outputOf(own).pipelines as any).branches['feature/x'];
      expect(out[out.length - 1].step.script.slice(-2)).toEqual(script);
    },
  );

  it('`oidc: ${{USE_OIDC}}` set to true gets the setup like `oidc: true`, and keeps its token', () => {
    const items = [step('Upload', { oidc: '${{USE_OIDC}}', script: ['aws s3 ls'] })];
    const result = run(withVariables(branchRun('feature/x', items), [repo('USE_OIDC', 'true')]));
    const out = (outputOf(result).pipelines as any).branches['feature/x'];
    const upload = out[out.length - 1].step;
    expect(upload.oidc).toBe('${{USE_OIDC}}');
    expect(upload.script).toContain(`export AWS_ROLE_ARN='${DEV_ROLE}'`);
  });

  it('runs-on from a template is checked as the label it becomes', () => {
    const items = [step('Build', { 'runs-on': ['self.hosted', '${{RUNNER}}'] })];
    expect(errorOf(run(withVariables(branchRun('feature/x', items), [repo('RUNNER', 'prod')]))).key).toBe(
      'pipeline-guard.runner-labels',
    );
    expect(run(withVariables(branchRun('feature/x', items), [repo('RUNNER', 'dev.large')])).report.outcome).toBe(
      'allowed',
    );
  });

  it('built-ins come from the request and the lookup, never from `variables`', () => {
    const items = [step('Ship', { deployment: '${{BITBUCKET_BRANCH}}' })];
    const spoofed = [repo('BITBUCKET_BRANCH', 'production'), workspace('BITBUCKET_BRANCH', 'production')];
    expect(run(withVariables(branchRun('production', items), spoofed)).report.steps[0].environment).toBe('prod');
    expect(run(withVariables(branchRun('feature/x', items), spoofed)).report.steps[0].environment).toBe('dev');
    const noBranch = run(withVariables(commitRun('deploy', items), spoofed));
    expect(errorOf(noBranch).message).toContain('this run is not for a branch');
    const request = withVariables(branchRun('main', []), [
      repo('BITBUCKET_REPO_SLUG', 'spoofed'),
      repo('BITBUCKET_WORKSPACE', 'spoofed'),
    ]) as unknown as ProviderRequest;
    const unknown = requestVariables(request);
    expect(unknown.template('BITBUCKET_REPO_SLUG')).toEqual({
      reason: expect.stringContaining('looked the repository up'),
    });
    const known = requestVariables(request, { repository: repositoryIdentity('payments-api') });
    expect(resolveTemplates('${{BITBUCKET_WORKSPACE}}/${{BITBUCKET_REPO_SLUG}}', known).text).toBe('acme/payments-api');
    const pr = requestVariables(pullRequestRun('feature/x', 'main', []) as unknown as ProviderRequest);
    expect(resolveTemplates('${{BITBUCKET_PR_ID}} ${{BITBUCKET_BRANCH}} ${{BITBUCKET_COMMIT}}', pr).text).toBe(
      '239 feature/x e34ad324d1e4334777dca3e56c04eba36c2a68c6',
    );
  });
});

describe('a template that cannot be resolved', () => {
  it('blocks in a deciding field, naming the field, its place, the variable and the fix', () => {
    const result = run(branchRun('main', [step('Ship', { deployment: '${{DEPLOY_ENV}}' })]));
    const error = errorOf(result);
    expect(error.key).toBe('pipeline-guard.invalid-pipeline');
    expect(error.message).toContain('pipelines.branches.main[0].step.deployment');
    expect(error.message).toContain('`deployment` is "${{DEPLOY_ENV}}"');
    expect(error.message).toContain('the request carries no variables');
    expect(error.message).toContain('define DEPLOY_ENV as an unsecured repository or workspace variable');
  });

  it.each([
    ['name', step('${{PREFIX}} deploy')],
    ['runs-on', step('Build', { 'runs-on': ['self.hosted', '${{RUNNER}}'] })],
    ['oidc', step('Build', { oidc: '${{USE_OIDC}}' })],
    ['image.aws.oidc-role', step('Build', { image: { name: 'acme/app', aws: { 'oidc-role': '${{ROLE}}' } } })],
  ])('blocks for `%s`', (field, item) => {
    const error = errorOf(run(withVariables(branchRun('main', [item]), [repo('OTHER', 'x')])));
    expect(error.message).toContain(`\`${field}\` is "`);
    expect(error.message).toMatch(/\[invalid-pipeline\]/);
  });

  it('a truncated list resolves only repository values: a workspace value might be shadowed', () => {
    const items = [step('Ship', { deployment: '${{DEPLOY_ENV}}' })];
    const cut = run(withVariables(branchRun('main', items), [workspace('DEPLOY_ENV', 'production')], true));
    expect(errorOf(cut).message).toContain('variables_truncated');
    expect(
      run(withVariables(branchRun('main', items), [repo('DEPLOY_ENV', 'production')], true)).report.steps[0]
        .environment,
    ).toBe('prod');
  });

  it('elsewhere reads as unknown, like $VAR: a script token does not block, and the file goes back unchanged', () => {
    const items = [step('Build', { script: ['echo ${{GREETING}}'] })];
    const result = run(branchRun('feature/x', items));
    expect(result.report.outcome).toBe('allowed');
    const out = (outputOf(result).pipelines as any).branches['feature/x'];
    expect(out[out.length - 1].step.script).toEqual(['echo ${{GREETING}}']);
  });

  it('a name does not decide anything when no environment matches on names', () => {
    const policy = require('../support/requests').compiled((p: any) =>
      p.environments.forEach((e: any) => e.match && delete e.match.stepNamePrefix),
    );
    expect(run(branchRun('main', [step('${{PREFIX}} build')]), policy).report.outcome).toBe('allowed');
  });
});

describe('the request `variables` field', () => {
  it('a malformed field never blocks a run that is otherwise fine; it is recorded as a warning', () => {
    for (const variables of [
      { not: 'a list' },
      [{ key: 'A B', value: 'x', scope: 'REPOSITORY' }],
      [{ key: 'A', value: 1, scope: 'REPOSITORY' }],
      [{ key: 'A', value: 'x', scope: 'PROJECT' }],
    ]) {
      const result = run(
        withVariables(branchRun('feature/x', [step('Build')]), variables, 'yes' as unknown as boolean),
      );
      expect(result.report.outcome).toBe('allowed');
      const warning = result.report.findings.find((f) => f.rule === 'invalid-request');
      expect(warning).toMatchObject({ mode: 'warn', path: 'variables' });
      const out = outputOf(result);
      expect((out.labels as any)['pipeline-guard'].warnings).toContain('invalid-request@variables');
    }
  });

  it('after a malformed field the variables are unknown: a template that decides blocks', () => {
    const result = run(
      withVariables(branchRun('main', [step('Ship', { deployment: '${{DEPLOY_ENV}}' })]), [
        { key: 'DEPLOY_ENV', value: 'production', scope: 'SOMETHING' },
      ]),
    );
    expect(errorOf(result).message).toContain('unexpected shape');
    expect(rulesOf(result, 'enforce')).toEqual(['invalid-pipeline']);
  });

  it('a request without `variables` runs as before', () => {
    const result = run(branchRun('main', [step('PROD deploy', { deployment: 'production' })]));
    expect(result.report.outcome).toBe('allowed');
    expect(result.report.findings).toEqual([]);
  });

  it('identity is never taken from variables: BITBUCKET_REPO_SLUG there does not put the run in a scope', () => {
    const policy = require('../support/requests').compiled(undefined, 'examples/policy-multi-team.yaml');
    const items = [step('PROD deploy', { deployment: 'production' })];
    const spoof = [
      repo('BITBUCKET_REPO_SLUG', 'payments-api'),
      workspace('BITBUCKET_WORKSPACE', 'acme'),
      { key: 'BITBUCKET_PROJECT_KEY', value: 'PAY', scope: 'PIPELINE' },
    ];
    const result = run(
      withVariables(branchRun('main', items), spoof),
      policy,
      repositoryIdentity('payments-sandbox', 'PAY'),
    );
    expect(result.report.repository?.fullName).toBe('acme/payments-sandbox');
    expect(errorOf(result).key).toBe('pipeline-guard.repository-scope');
  });
});
