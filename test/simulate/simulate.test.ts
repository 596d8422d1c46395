import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compilePolicy } from '../../src/engine/compiled-policy';
import { ProviderRequestSchema } from '../../src/engine/request';
import { runEngine } from '../../src/rules/chain';
import { parsePolicyText } from '../../src/policy/text';
import {
  SIMULATED_IDS,
  simulate,
  simulatedRepository,
  SimulationInputError,
  toYaml,
  type SimulationTarget,
} from '../../src/simulate/simulate';
import { validatePolicy } from '../../src/policy/load';
import { compiled, policyInputFrom } from '../support/requests';

const root = path.join(__dirname, '../..');
const read = (relative: string) => readFileSync(path.join(root, relative), 'utf8');
const parsed = parsePolicyText(read('examples/policy.yaml'));
if (!parsed.ok) throw new Error('the example policy must load');
const policy = compilePolicy(parsed.policy);

const deploy = read('examples/pipelines/deploy.yml');
const selection = read('fixtures/cli/pipelines/selection.yml');

function inputError(yamlText: string): SimulationInputError {
  try {
    simulate({ yamlText, policy, target: { kind: 'branch', name: 'main' } });
  } catch (error) {
    if (error instanceof SimulationInputError) return error;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('the request the simulator builds', () => {
  it('is a valid provider request with brace UUIDs, a commit, a build number and only the selected definition', () => {
    const yamlText =
      'image: node:22\noptions:\n  max-time: 10\npipelines:\n  default:\n    - step: {script: [a]}\n' +
      '  branches:\n    main:\n      - step: {script: [b]}\n    develop:\n      - step: {script: [c]}\n';
    const { request } = simulate({ yamlText, policy, target: { kind: 'branch', name: 'main' } });
    expect(ProviderRequestSchema.safeParse(request).success).toBe(true);
    expect(request).toMatchObject({
      workspace: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/),
      repository: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/),
      creator: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/),
      pipeline: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/),
      trigger: 'push',
      build_number: expect.any(Number),
      created_on: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      target: {
        type: 'pipeline_ref_target',
        ref_type: 'branch',
        ref_name: 'main',
        commit: { hash: expect.stringMatching(/^[0-9a-f]{40}$/) },
        selector: { type: 'branches', pattern: 'main' },
      },
    });
    expect(request.pipelines_configuration).toEqual({
      image: 'node:22',
      options: { 'max-time': 10 },
      pipelines: { branches: { main: [{ step: { script: ['b'] } }] } },
    });
  });

  it('builds a pull-request target with both branches and the destination commit', () => {
    const { request, target } = simulate({
      yamlText: selection,
      policy,
      target: { kind: 'pullrequest', source: 'feature/x', destination: 'main' },
    });
    expect(request.target).toEqual({
      type: 'pipeline_pullrequest_target',
      commit: { hash: SIMULATED_IDS.commit },
      source: 'feature/x',
      destination: 'main',
      destination_commit: { hash: SIMULATED_IDS.destinationCommit },
      pullrequest: { id: SIMULATED_IDS.pullRequestId },
      selector: { type: 'pull-requests', pattern: 'feature/*' },
    });
    expect(target.ref).toEqual({ type: 'pullrequest', name: 'feature/x', destination: 'main' });
    expect(target.selection).toMatchObject({ path: 'pipelines.pull-requests.feature/*.destinations.main', line: 49 });
  });

  it('builds a tag target', () => {
    const { request } = simulate({ yamlText: selection, policy, target: { kind: 'tag', name: 'v1.0.0' } });
    expect(request.target).toMatchObject({
      type: 'pipeline_ref_target',
      ref_type: 'tag',
      ref_name: 'v1.0.0',
      selector: { type: 'tags', pattern: 'v1.0.0' },
    });
  });

  it('runs a custom pipeline manually on main by default, variables first', () => {
    const result = simulate({ yamlText: selection, policy, target: { kind: 'custom', name: 'deploy-staging' } });
    expect(result.target.trigger).toBe('manual');
    expect(result.request.target).toMatchObject({
      ref_name: 'main',
      selector: { type: 'custom', pattern: 'deploy-staging' },
    });
    expect(result.outcome).toBe('allowed');
    const custom = (
      result.response as { pipelines_configuration: { pipelines: { custom: Record<string, unknown[]> } } }
    ).pipelines_configuration.pipelines.custom['deploy-staging'];
    expect(Object.keys(custom[0] as object)).toEqual(['variables']);
    expect(custom[1]).toMatchObject({ step: { name: 'Security scan' } });
  });

  it('runs a custom pipeline on a tag or a bare commit', () => {
    expect(
      simulate({
        yamlText: selection,
        policy,
        target: { kind: 'custom', name: 'deploy-staging', ref: { kind: 'tag', name: 'v2' } },
      }).request.target,
    ).toMatchObject({ ref_type: 'tag', ref_name: 'v2' });
    expect(
      simulate({
        yamlText: selection,
        policy,
        target: { kind: 'custom', name: 'deploy-staging', ref: { kind: 'commit' } },
      }).request.target,
    ).toMatchObject({ type: 'pipeline_commit_target', selector: { type: 'custom' } });
  });

  it('sends every definition and no selector for a definitions call, and never blocks it', () => {
    const result = simulate({
      yamlText: deploy,
      policy,
      target: { kind: 'branch', name: 'feature/x' },
      trigger: 'definitions',
    });
    expect('selector' in result.request.target).toBe(false);
    expect(result.response).toEqual({ pipelines_configuration: result.request.pipelines_configuration });
    expect(result.outcome).toBe('allowed');
    expect(result.diff).toBe('');
  });

  it('adds the trigger context of a parent_step run', () => {
    const { request } = simulate({
      yamlText: selection,
      policy,
      target: { kind: 'custom', name: 'deploy-staging' },
      trigger: 'parent_step',
    });
    expect(request.trigger_context).toEqual({
      parent_pipeline_uuid: SIMULATED_IDS.parentPipeline,
      parent_pipeline_run_uuid: SIMULATED_IDS.parentRun,
      parent_step_uuid: SIMULATED_IDS.parentStep,
    });
  });

  it('sends an empty configuration when nothing matches, and nothing runs', () => {
    const result = simulate({ yamlText: selection, policy, target: { kind: 'tag', name: 'nightly' } });
    expect(result.outcome).toBe('none');
    expect(result.request.pipelines_configuration).toEqual({});
    expect(result.target.selector).toBeUndefined();
    expect(result.target.selection.reason).toContain('no `tags` key matches tag "nightly"');
  });
});

describe('what the simulator reports', () => {
  it("returns exactly the engine's response for the request it built", () => {
    for (const target of [
      { kind: 'branch', name: 'main' },
      { kind: 'branch', name: 'feature/x' },
    ] as SimulationTarget[]) {
      const result = simulate({ yamlText: deploy, policy, target });
      expect(result.response).toEqual(runEngine(result.request, { kind: 'active', policy }).response);
    }
  });

  it('blocks a PROD step on a feature branch and names the rule, the step, the line and the fix', () => {
    const result = simulate({ yamlText: deploy, policy, target: { kind: 'branch', name: 'feature/x' } });
    expect(result.outcome).toBe('blocked');
    expect('error' in result.response && result.response.error.key).toBe('pipeline-guard.branch-gate');
    expect(result.violations).toEqual([
      expect.objectContaining({
        rule: 'branch-gate',
        mode: 'enforce',
        path: 'pipelines.branches.**[2]',
        line: 19,
        step: 'PROD deploy',
        fix: expect.stringContaining('Merge to an allowed branch'),
      }),
    ]);
    expect(result.diff).toBeUndefined();
  });

  it("injects the OIDC setup of each environment's own role and shows it in the diff", () => {
    const result = simulate({ yamlText: deploy, policy, target: { kind: 'branch', name: 'main' } });
    expect(result.outcome).toBe('allowed');
    expect(result.steps.map((s) => [s.name, s.environment, s.runsOn, s.oidc])).toEqual([
      ['Test', 'dev', ['self.hosted', 'linux', 'dev'], false],
      ['Upload build to the DEV bucket', 'dev', ['self.hosted', 'linux', 'dev'], true],
      ['PROD deploy', 'prod', ['self.hosted', 'linux', 'prod'], true],
    ]);
    expect(result.diff).toContain(
      "+            - export AWS_ROLE_ARN='arn:aws:iam::222222222222:role/bitbucket-pipelines-dev'",
    );
    expect(result.diff).toContain(
      "+            - export AWS_ROLE_ARN='arn:aws:iam::111111111111:role/bitbucket-pipelines-prod'",
    );
    expect(result.diff).toMatch(/^\+          trigger: manual$/m);
    expect(result.configChanges).toEqual(['security scan step put first in pipelines.branches.**']);
  });

  it('traces violations through YAML aliases and merge keys to a line of the file', () => {
    const result = simulate({
      yamlText: read('fixtures/cli/pipelines/anchors.yml'),
      policy,
      target: { kind: 'branch', name: 'main' },
    });
    expect(result.violations).toEqual([
      expect.objectContaining({ rule: 'runner-labels', path: 'pipelines.branches.main[0].step.runs-on', line: 14 }),
    ]);
    expect(result.steps.map((s) => [s.path, s.line, s.environment])).toEqual([
      ['pipelines.branches.main[0]', 12, 'dev'],
      ['pipelines.branches.main[1]', 16, 'dev'],
      ['pipelines.branches.main[2]', 17, 'prod'],
    ]);
  });

  it('rewrites an aliased step for one environment without touching the other use', () => {
    const yamlText = read('fixtures/cli/pipelines/anchors.yml').replace(
      'runs-on: [self.hosted, linux, prod]',
      'runs-on: [self.hosted, linux, dev]',
    );
    const result = simulate({ yamlText, policy, target: { kind: 'branch', name: 'main' } });
    expect(result.outcome).toBe('allowed');
    const main = (
      result.response as {
        pipelines_configuration: { pipelines: { branches: { main: Array<{ step: { script: string[] } }> } } };
      }
    ).pipelines_configuration.pipelines.branches.main;
    expect(main[2].step.script).toContain(
      "export AWS_ROLE_ARN='arn:aws:iam::222222222222:role/bitbucket-pipelines-dev'",
    );
    expect(main[3].step.script).toContain(
      "export AWS_ROLE_ARN='arn:aws:iam::111111111111:role/bitbucket-pipelines-prod'",
    );
    // Written out in full: no generated anchor (`step: &a1`) or alias (`- step: *a1`).
    expect(result.diff).not.toMatch(/[:-] [&*]a\d+$/m);
  });

  it('lets the pipeline run unchanged where no policy has been saved, with a warning', () => {
    const result = simulate({ yamlText: deploy, policy: undefined, target: { kind: 'branch', name: 'feature/x' } });
    expect(result.outcome).toBe('allowed');
    expect(result.violations).toEqual([expect.objectContaining({ rule: 'policy-unavailable', mode: 'warn' })]);
    expect(result.diff).toBe('');
  });
});

describe('input errors', () => {
  it.each([
    ['bad YAML', 'fixtures/cli/pipelines/bad-yaml.yml', 6, /Flow sequence/],
    ['a duplicate key', 'fixtures/cli/pipelines/duplicate-key.yml', 6, /keys must be unique/],
    ['a second document', 'fixtures/cli/pipelines/two-documents.yml', 5, /second YAML document/],
    [
      'no pipelines',
      'fixtures/cli/pipelines/no-pipelines.yml',
      1,
      /no `pipelines:` section \(top-level keys: image, definitions\)/,
    ],
    ['an alias without its anchor', 'fixtures/cli/pipelines/unresolved-alias.yml', 6, /Unresolved alias/],
  ])('reports %s with its line and column', (_, file, line, message) => {
    const error = inputError(read(file));
    expect(error.position).toEqual({ line, column: expect.any(Number) });
    expect(error.reason).toMatch(message);
  });

  it.each([
    ['an empty file', '', 1, /the file is empty/],
    ['a list', '- step: {}\n', 1, /the file is a list/],
    ['empty pipelines', 'image: node\npipelines:\n', 2, /`pipelines` is empty/],
    [
      'a section that is not a mapping',
      'pipelines:\n  branches:\n    - main\n',
      3,
      /`pipelines.branches` must be a mapping/,
    ],
  ])('reports %s with its line', (_, yamlText, line, message) => {
    const error = inputError(yamlText);
    expect(error.position?.line).toBe(line);
    expect(error.reason).toMatch(message);
  });

  it('refuses an unknown custom pipeline and lists the known ones', () => {
    expect(() => simulate({ yamlText: selection, policy, target: { kind: 'custom', name: 'nope' } })).toThrow(
      /no custom pipeline "nope"; the file defines: deploy-staging/,
    );
  });
});

describe('fixed point', () => {
  const targets: SimulationTarget[] = [
    { kind: 'branch', name: 'main' },
    { kind: 'branch', name: 'feature/x' },
    { kind: 'branch', name: 'release/1.x' },
    { kind: 'tag', name: 'v1.0.0' },
    { kind: 'pullrequest', source: 'feature/x', destination: 'main' },
    { kind: 'pullrequest', source: 'feature/x', destination: 'develop' },
    { kind: 'custom', name: 'deploy-staging' },
    { kind: 'commit' },
  ];
  /**
   * What each file does on each target, in the order of `targets`: every case asserts its outcome, and
   * then that simulating again (the output of an allowed run, the same file otherwise) changes nothing.
   * "input" is a file without the custom pipeline; "blocked:RULE" names the rule that blocks it.
   */
  const nothing = ['none', 'none', 'none'];
  const expected: Record<string, readonly string[]> = {
    'examples/pipelines/deploy.yml': ['allowed', 'blocked:branch-gate', 'allowed', ...nothing, 'input', 'none'],
    'examples/pipelines/build.yml': ['allowed', 'allowed', 'allowed', ...nothing, 'input', 'allowed'],
    'fixtures/cli/pipelines/selection.yml': Array(8).fill('allowed'),
    'fixtures/cli/pipelines/anchors.yml': ['blocked:runner-labels', 'none', 'none', ...nothing, 'input', 'none'],
  };
  const cases = Object.entries(expected).flatMap(([file, outcomes]) =>
    targets.map((target, index) => [file, target, outcomes[index]] as const),
  );

  it('has an expected outcome for every file and target', () => {
    expect(cases).toHaveLength(32);
    expect(cases.filter(([, , outcome]) => outcome === undefined)).toEqual([]);
  });

  it.each(cases)('simulating the output of %s for %j changes nothing more (%s)', (file, target, outcome) => {
    if (outcome === 'input') {
      expect(() => simulate({ yamlText: read(file), policy, target })).toThrow(SimulationInputError);
      expect(() => simulate({ yamlText: read(file), policy, target })).toThrow(/no custom pipeline "deploy-staging"/);
      return;
    }
    const first = simulate({ yamlText: read(file), policy, target });
    expect(first.outcome).toBe(outcome.split(':')[0]);
    if (outcome.startsWith('blocked:')) {
      expect('error' in first.response).toBe(true);
      expect([...new Set(first.violations.map((v) => v.rule))]).toEqual([outcome.slice('blocked:'.length)]);
      // A blocked run has no output to feed back; the same file blocks again with the same message.
      expect(simulate({ yamlText: read(file), policy, target }).response).toEqual(first.response);
      return;
    }
    if (!('pipelines_configuration' in first.response)) throw new Error(`${outcome} run without a configuration`);
    if (outcome === 'none') {
      // Nothing runs for this target: no step, no finding, and the same file gives the same answer again.
      expect(first.steps).toEqual([]);
      expect(first.violations).toEqual([]);
      expect(simulate({ yamlText: read(file), policy, target }).response).toEqual(first.response);
      return;
    }
    const second = simulate({ yamlText: toYaml(first.response.pipelines_configuration), policy, target });
    expect(second.outcome).toBe(outcome);
    expect(second.response).toEqual(first.response);
    expect(second.diff).toBe('');
    expect(second.steps.flatMap((s) => s.changes)).toEqual([]);
    expect(second.configChanges).toEqual([]);
  });

  it('covers allowed runs (the loop above is not vacuous)', () => {
    expect(cases.filter(([, , outcome]) => outcome === 'allowed').length).toBeGreaterThanOrEqual(12);
  });
});

describe('simulate as a repository', () => {
  const run = simulate;
  const yamlText =
    'pipelines:\n  branches:\n    main:\n      - step:\n          name: PROD deploy\n          script: [./deploy.sh]\n';
  const multi = () => {
    const result = validatePolicy(policyInputFrom('examples/policy-multi-team.yaml'));
    if (!result.ok) throw new Error('example');
    return compilePolicy(result.policy, 1);
  };

  it('reports the repository and runs as it under a scoped policy', () => {
    const own = run({
      yamlText,
      policy: multi(),
      target: { kind: 'branch', name: 'main' },
      repository: simulatedRepository('acme/payments-api', 'PAY'),
    });
    expect(own.repository).toEqual({ slug: 'payments-api', project: 'PAY' });
    expect(own.steps.find((step) => step.name === 'PROD deploy')?.environment).toBe('prod-payments');
    const none = run({ yamlText, policy: multi(), target: { kind: 'branch', name: 'main' } });
    expect(none.repository).toBeNull();
    expect(none.violations.map((v) => v.rule)).toEqual(['repository-scope']);
  });

  it(
    'like the provider, does not resolve the repository for an unscoped policy ' +
      '(no repository in labels or messages)',
    () => {
      const result = run({
        yamlText,
        policy: compiled(),
        target: { kind: 'branch', name: 'main' },
        repository: simulatedRepository('acme/website', 'WEB'),
      });
      expect(result.repository).toEqual({ slug: 'website', project: 'WEB' });
      expect(JSON.stringify(result.response)).not.toContain('acme/website');
    },
  );
});
