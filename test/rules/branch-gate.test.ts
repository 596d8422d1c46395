import { branchGate } from '../../src/rules/branch-gate';
import { branchRun, compiled, customRun, errorOf, outputOf, run, rulesOf, step } from '../support/requests';

const envOf = (result: ReturnType<typeof run>, name: string) =>
  result.report.steps.find((s) => s.name === name)?.environment;

describe(`branch-gate: ${branchGate.description}`, () => {
  it.each([
    'PROD deploy',
    'prod: migrate',
    '[PROD] apply',
    '  Prod-db migrate',
    'ＰＲＯＤ deploy',
    'P\u200BROD deploy',
    '\u0420R\u041eD deploy',
    'PR\u039fD deploy',
    'Pro\u0301d deploy',
    'pRoD_deploy',
  ])('tags %j as PROD and blocks it on feature/x', (name) => {
    const result = run(branchRun('feature/x', [step(name)], { pattern: 'feature/*' }));
    expect(envOf(result, name)).toBe('prod');
    expect(errorOf(result).key).toBe('pipeline-guard.branch-gate');
  });

  it('tells the developer to drop the deployment only when the step has one', () => {
    const named = errorOf(run(branchRun('feature/x', [step('PROD deploy')], { pattern: 'feature/*' }))).message;
    expect(named).toContain('rename it so that it runs as "dev"');
    expect(named).not.toContain('drop the deployment');
    const deployed = errorOf(
      run(branchRun('feature/x', [step('PROD deploy', { deployment: 'production' })], { pattern: 'feature/*' })),
    ).message;
    expect(deployed).toContain('rename it and drop the deployment so that it runs as "dev"');
  });

  it.each(['Production smoke test', 'products build', 'build for prod', 'deploy'])(
    'leaves %j in the default environment',
    (name) => {
      const result = run(branchRun('feature/x', [step(name)], { pattern: 'feature/*' }));
      expect(envOf(result, name)).toBe('dev');
      expect(outputOf(result)).toBeDefined();
    },
  );

  it.each([
    ['a step deployment', { deployment: 'production' }],
    ['a step deployment in odd case', { deployment: 'Production' }],
    ['a step environment', { environment: 'production' }],
  ])('tags a step by %s', (_what, extra) => {
    const result = run(branchRun('feature/x', [step('ship', extra)], { pattern: 'feature/*' }));
    expect(envOf(result, 'ship')).toBe('prod');
    expect(errorOf(result).message).toContain('is "');
  });

  it("tags every step of a stage by the stage's deployment", () => {
    const result = run(
      branchRun('feature/x', [{ stage: { deployment: 'production', steps: [step('a'), step('b')] } }], {
        pattern: 'feature/*',
      }),
    );
    expect(result.report.steps.map((s) => s.environment)).toEqual(['prod', 'prod']);
    expect(result.report.findings.filter((f) => f.rule === 'branch-gate').map((f) => f.path)).toEqual([
      'pipelines.branches.feature/*[0].stage.steps[0]',
      'pipelines.branches.feature/*[0].stage.steps[1]',
    ]);
  });

  it('tags steps inside parallel groups in both forms', () => {
    const result = run(
      branchRun('feature/x', [{ parallel: [step('PROD a')] }, { parallel: { steps: [step('PROD b')] } }], {
        pattern: 'feature/*',
      }),
    );
    expect(result.report.findings.map((f) => f.path)).toEqual([
      'pipelines.branches.feature/*[0].parallel[0]',
      'pipelines.branches.feature/*[1].parallel.steps[0]',
    ]);
  });

  it('names the step, its place, the reason, the allowed refs and the fix', () => {
    const message = errorOf(
      run(branchRun('feature/x', [step('build'), step('PROD deploy')], { pattern: 'feature/*' })),
    ).message;
    expect(message).toContain('[branch-gate] step "PROD deploy" at pipelines.branches.feature/*[1]');
    expect(message).toContain('its name starts with "PROD"');
    expect(message).toContain('branches main, master, hotfix/*, release/* and tags v*');
    expect(message).toContain('this run is for branch feature/x');
    expect(message).toContain('Fix: Merge to an allowed branch');
  });

  it('runs a non-PROD step on main as DEV', () => {
    const result = run(branchRun('main', [step('unit tests')]));
    expect(envOf(result, 'unit tests')).toBe('dev');
    expect(result.report.findings).toEqual([]);
  });

  it('in warn mode demotes the step to the default environment instead of running it as PROD', () => {
    const policy = compiled((p) => {
      p.rules = { ...p.rules, 'branch-gate': 'warn' };
    });
    const result = run(customRun('feature/x', 'deploy', [step('PROD deploy', { oidc: true })]), policy);
    const config = outputOf(result);
    const deployed = (config.pipelines as any).custom.deploy[1].step;
    expect(deployed['runs-on']).toEqual(['self.hosted', 'linux', 'dev']);
    expect(deployed.script).toContain("export AWS_ROLE_ARN='arn:aws:iam::222222222222:role/bitbucket-pipelines-dev'");
    expect(JSON.stringify(config)).not.toContain('111111111111');
    expect(rulesOf(result, 'warn')).toEqual(['branch-gate']);
  });

  it('in warn mode still blocks when the default environment may not run on the ref either', () => {
    const policy = compiled((p) => {
      p.rules = { 'branch-gate': 'warn' };
      p.environments[1].branches = ['feature/*'];
    });
    const result = run(branchRun('main', [step('build')]), policy);
    expect(errorOf(result).key).toBe('pipeline-guard.branch-gate');
  });

  it('in warn mode also takes the gated deployment off the step and its stage', () => {
    const policy = compiled((p) => {
      p.rules = { 'branch-gate': 'warn' };
    });
    const request = branchRun(
      'feature/x',
      [step('ship', { deployment: 'production' }), { stage: { deployment: 'Production', steps: [step('apply')] } }],
      { pattern: 'feature/*' },
    );
    const config = outputOf(run(request, policy));
    const [, ship, stage] = (config.pipelines as any).branches['feature/*'];
    expect(ship.step).not.toHaveProperty('deployment');
    expect(stage.stage).not.toHaveProperty('deployment');
    expect(JSON.stringify(config)).not.toContain('"prod"');
  });

  it('explains that a pull request needs both branches allowed', () => {
    const request = branchRun('main', [step('PROD deploy')]);
    (request as any).target = {
      type: 'pipeline_pullrequest_target',
      source: 'main',
      destination: 'feature/x',
      selector: { type: 'branches', pattern: 'main' },
    };
    expect(errorOf(run(request)).message).toContain(
      'A pull-request build runs the code of both branches, so both must be allowed.',
    );
  });
});
