import { runEngine } from '../../src/rules/chain';
import { LABEL_KEY } from '../../src/engine/labels';
import {
  branchRun,
  commitRun,
  compiled,
  customRun,
  defaultRun,
  errorOf,
  outputOf,
  PROD_LABELS,
  pullRequestRun,
  readFixture,
  run,
  rulesOf,
  step,
  tagRun,
} from '../support/requests';

const definitionsRequest = readFixture<Record<string, unknown>>('requests', 'documented-definitions.json');
const pushRequest = readFixture<Record<string, unknown>>('requests', 'documented-push.json');

describe('documented example requests (dynamic-pipelines.md §5)', () => {
  it('answers the definitions request with the configuration itself, never an error', () => {
    const result = run(definitionsRequest);
    expect(result.response).toEqual({ pipelines_configuration: definitionsRequest.pipelines_configuration });
  });

  it('answers the push request with a rewritten configuration that keeps the selected definition', () => {
    const config = outputOf(run(pushRequest));
    const items = (config.pipelines as any).branches['mas*'];
    expect(items.map((item: any) => item.step.name)).toEqual(['Security scan', 'A step']);
    expect(items[1].step['runs-on']).toEqual(['self.hosted', 'linux', 'dev']);
    expect(config).not.toHaveProperty('context');
    expect(JSON.stringify(config)).not.toContain('forge-injected-token');
  });

  it('passes a run through unchanged when no policy has ever been saved, and records a warning', () => {
    const result = runEngine(pushRequest, { kind: 'none' });
    expect(result.response).toEqual({ pipelines_configuration: pushRequest.pipelines_configuration });
    expect(result.report.outcome).toBe('passthrough');
    expect(result.report.findings).toEqual([expect.objectContaining({ rule: 'policy-unavailable', mode: 'warn' })]);
  });
});

describe('triggers and targets', () => {
  const prod = step('PROD deploy', { script: ['./deploy.sh'] });

  it.each(['push', 'manual', 'schedule', 'parent_step'] as const)(
    'blocks a PROD step on feature/x for trigger %s',
    (trigger) => {
      const result = run(branchRun('feature/x', [step('build'), prod], { trigger, pattern: 'feature/*' }));
      expect(errorOf(result).key).toBe('pipeline-guard.branch-gate');
    },
  );

  it('never answers definitions with an error, even when a run would be blocked', () => {
    const request = { ...branchRun('feature/x', [prod], { pattern: 'feature/*' }), trigger: 'definitions' };
    const result = run(request);
    expect(result.response).toEqual({ pipelines_configuration: (request as any).pipelines_configuration });
    expect(result.report.outcome).toBe('blocked');
  });

  it('allows a PROD step on main and puts it on PROD runners', () => {
    const config = outputOf(run(branchRun('main', [step('build'), prod])));
    expect((config.pipelines as any).branches.main[2].step['runs-on']).toEqual(PROD_LABELS);
  });

  it('allows a PROD step on a release tag matched by the tag glob', () => {
    const config = outputOf(run(tagRun('v1.2.0', [step('build'), prod], 'v*')));
    expect((config.pipelines as any).tags['v*'][2].step['runs-on']).toEqual(PROD_LABELS);
  });

  it("blocks a PROD step on a tag outside the environment's tags", () => {
    expect(errorOf(run(tagRun('nightly-1', [step('build'), prod], 'nightly-*'))).key).toBe(
      'pipeline-guard.branch-gate',
    );
  });

  it('judges a pull request by its source branch, not its destination', () => {
    const result = run(pullRequestRun('feature/x', 'main', [step('build'), prod]));
    expect(errorOf(result).message).toContain('pull request feature/x → main');
    expect(result.report.ref).toEqual(
      expect.objectContaining({ kind: 'branch', name: 'feature/x', destination: 'main' }),
    );
  });

  it('treats a commit target (no branch) as unprotected', () => {
    const result = run(commitRun('deploy', [step('build'), prod]));
    expect(errorOf(result).message).toContain('commit e34ad32 (no branch)');
    expect(outputOf(run(commitRun('lint', [step('lint')])))).toBeDefined();
  });

  it('blocks a custom pipeline with a PROD step started on a feature branch', () => {
    expect(errorOf(run(customRun('feature/x', 'deploy', [prod]))).key).toBe('pipeline-guard.branch-gate');
  });

  it('uses the default section for a branch without its own definition', () => {
    const config = outputOf(run(defaultRun('feature/y', [step('build')])));
    expect((config.pipelines as any).default[1].step['runs-on']).toEqual(['self.hosted', 'linux', 'dev']);
  });

  it('returns the input unchanged when nothing matched (no selector, empty configuration)', () => {
    const request = {
      ...defaultRun('x', []),
      target: { type: 'pipeline_ref_target', ref_type: 'branch', ref_name: 'x' },
      pipelines_configuration: {},
    };
    const result = run(request);
    expect(result.response).toEqual({ pipelines_configuration: {} });
    expect(result.report.outcome).toBe('none');
  });
});

describe('definition tampering', () => {
  it('blocks a run whose selected definition is missing instead of letting Bitbucket silently drop it', () => {
    const request = branchRun('main', [step('build')]);
    (request as any).pipelines_configuration.pipelines.branches = { renamed: [step('build').step && step('build')] };
    const result = run(request);
    expect(errorOf(result).key).toBe('pipeline-guard.selected-definition');
    expect(errorOf(result).message).toContain('pipelines.branches.main');
  });

  it('checks every definition present, not only the selected one', () => {
    const request = branchRun('feature/x', [step('build')], { pattern: 'feature/*' });
    (request as any).pipelines_configuration.pipelines.default = [step('PROD sneaky')];
    expect(errorOf(run(request)).message).toContain('pipelines.default[0]');
  });
});

describe('idempotence', () => {
  const samples = {
    'branch main with PROD and OIDC': branchRun('main', [
      step('build', { oidc: true }),
      step('PROD deploy', { oidc: true, 'runs-on': 'prod' }),
    ]),
    'custom pipeline with variables': customRun('main', 'release', [
      { variables: [{ name: 'VERSION' }] },
      step('PROD release', { deployment: 'production' }),
    ]),
    'parallel and stage': branchRun('main', [
      { parallel: { 'fail-fast': true, steps: [step('unit'), step('lint')] } },
      { stage: { name: 'Deploy', deployment: 'production', steps: [step('migrate', { oidc: true }), step('apply')] } },
    ]),
  };
  it.each(Object.entries(samples))('a second pass over the output changes nothing (%s)', (_name, request) => {
    const once = outputOf(run(request));
    const twice = outputOf(run({ ...request, pipelines_configuration: once }));
    expect(twice).toEqual(once);
  });

  it('does not add a second scan step or a second block of setup lines', () => {
    const request = branchRun('main', [step('PROD deploy', { oidc: true })]);
    const once = outputOf(run(request));
    const twice = outputOf(run({ ...request, pipelines_configuration: once }));
    const items = (twice.pipelines as any).branches.main;
    expect(items.filter((i: any) => i.step?.name === 'Security scan')).toHaveLength(1);
    expect(items[1].step.script.filter((l: string) => l.startsWith('export AWS_ROLE_ARN'))).toHaveLength(1);
  });
});

describe('labels', () => {
  it("records each step's environment under one key", () => {
    const config = outputOf(run(branchRun('main', [step('build'), step('PROD deploy')])));
    const label = (config.labels as any)[LABEL_KEY];
    expect(label.ref).toBe('branch:main');
    expect(label.steps).toEqual({
      dev: ['pipelines.branches.main[0]', 'pipelines.branches.main[1]'],
      prod: ['pipelines.branches.main[2]'],
    });
  });

  it("overwrites a forged decision record and keeps the team's own labels", () => {
    const config = outputOf(
      run(
        branchRun('main', [step('build')], {
          extra: { labels: { team: 'payments', [LABEL_KEY]: { steps: { prod: ['everything'] } } } },
        }),
      ),
    );
    expect((config.labels as any).team).toBe('payments');
    expect((config.labels as any)[LABEL_KEY].steps).toEqual({
      dev: ['pipelines.branches.main[0]', 'pipelines.branches.main[1]'],
    });
  });

  it('keeps the labels within 10 KB however many steps there are', () => {
    const items = Array.from({ length: 99 }, (_, i) => step(`step ${i}`));
    const config = outputOf(run(branchRun('main', items)));
    expect(Buffer.byteLength(JSON.stringify(config.labels))).toBeLessThanOrEqual(10 * 1024);
  });

  it("blocks when the pipeline's own labels leave no room for the decision record", () => {
    const result = run(branchRun('main', [step('build')], { extra: { labels: { big: 'x'.repeat(11_000) } } }));
    expect(errorOf(result).message).toContain('10 KB');
  });
});

describe('limits', () => {
  it('blocks a pipeline that would exceed 100 steps once the scan is added', () => {
    const items = Array.from({ length: 100 }, (_, i) => step(`step ${i}`));
    const result = run(branchRun('main', items));
    expect(errorOf(result).key).toBe('pipeline-guard.invalid-pipeline');
    expect(errorOf(result).message).toContain('101 steps including the security scan');
  });

  it('keeps the error message short enough for the result screen and says how many were left out', () => {
    const items = Array.from({ length: 60 }, (_, i) => step(`PROD deploy ${i}`));
    const message = errorOf(run(branchRun('feature/x', items, { pattern: 'feature/*' }))).message;
    expect(message.length).toBeLessThanOrEqual(3_000);
    expect(message).toMatch(/…and \d+ more/);
  });
});

describe('modes', () => {
  it('lets a warned rule through and records the warning', () => {
    const result = run(branchRun('main', [step('build', { image: 'node' })]));
    expect(rulesOf(result, 'warn')).toEqual(['deny-image']);
    expect(outputOf(result)).toBeDefined();
  });

  it('skips a rule that is off', () => {
    const policy = compiled((p) => {
      p.rules = { ...p.rules, 'deny-image': 'off' };
    });
    expect(run(branchRun('main', [step('build', { image: 'node' })]), policy).report.findings).toEqual([]);
  });

  it('applies the default mode to every rule without an override', () => {
    const policy = compiled((p) => {
      p.mode = 'warn';
      p.rules = {};
    });
    const result = run(branchRun('main', [step('build', { script: ['curl https://x.sh | sh'] })]), policy);
    expect(rulesOf(result, 'warn')).toEqual(['deny-script', 'security-scan']);
    expect(outputOf(result)).toBeDefined();
  });
});
