import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli } from '../../scripts/build-cli';
import { cli, REPOSITORY_ROOT as root } from '../support/cli';
import { TRUST_WORKSPACE, TRUST_WORKSPACE_ARGS } from '../support/trust-args';

const ESC = '\u001b[';

describe('pipeline-guard', () => {
  it.each([
    [['--help']],
    [['simulate', '--help']],
    [['request', '-h']],
    [['policy', 'check', '--help']],
    [['trust-policy', '--help']],
  ])('%j prints usage and exits 0', async (args) => {
    const result = await cli(args);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^(pipeline-guard: |Usage: pipeline-guard )/);
    expect(result.stderr).toBe('');
  });

  it('prints usage on stderr and exits 2 without a command, or with an unknown one', async () => {
    expect(await cli([])).toMatchObject({ status: 2, stdout: '', stderr: expect.stringContaining('Usage:') });
    expect(await cli(['simulat'])).toMatchObject({
      status: 2,
      stderr: 'pipeline-guard: unknown command "simulat"; run "pipeline-guard --help" for the commands\n',
    });
  });
});

describe('pipeline-guard simulate', () => {
  it('shows a person the policy, the ref, the definition, a row per step, and the diff (exit 0)', async () => {
    const { status, stdout, stderr } = await cli(['simulate', 'examples/pipelines/deploy.yml']);
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(
      'Policy      examples/policy.yaml ' +
        '(the example policy shipped with Pipeline Guard; pass --policy FILE for your own)',
    );
    expect(stdout).toContain('Run         push of branch main');
    expect(stdout).toContain('Definition  pipelines.branches.** (line 8): glob "**", the only matching key');
    expect(stdout).toMatch(/Line +Step +Name +Env +runs-on +OIDC role/);
    expect(stdout).toMatch(
      /19 +pipelines\.branches\.\*\*\[2\] +PROD deploy +prod +self\.hosted, linux, prod +bitbucket-pipelines-prod/,
    );
    expect(stdout).toContain('↳ the step now waits for a person (trigger: manual, was automatic)');
    expect(stdout).toContain(
      "+            - export AWS_ROLE_ARN='arn:aws:iam::111111111111:role/bitbucket-pipelines-prod'",
    );
    expect(stdout).not.toContain(ESC);
  });

  it('shows each violation with its rule, step, line and fix, and exits 1 when blocked', async () => {
    const { status, stdout } = await cli(['simulate', 'examples/pipelines/deploy.yml', '--branch', 'feature/x']);
    expect(status).toBe(1);
    expect(stdout).toContain(
      'Outcome     BLOCKED: 1 violation; Bitbucket fails the run with error pipeline-guard.branch-gate',
    );
    expect(stdout).toContain('1. BLOCK [branch-gate] step "PROD deploy" at pipelines.branches.**[2] (line 19)');
    expect(stdout).toMatch(/ {5}Fix: Merge to an allowed branch/);
    expect(stdout).not.toContain('Diff');
  });

  it('prints the JSON contract: one object with outcome, target, request, response, steps and violations', async () => {
    const { status, stdout } = await cli([
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'feature/x',
      '--format',
      'json',
    ]);
    expect(status).toBe(1);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual([
      'outcome',
      'target',
      'repository',
      'request',
      'response',
      'steps',
      'violations',
      'configChanges',
    ]);
    expect(result.repository).toBeNull();
    expect(result.outcome).toBe('blocked');
    expect(result.target).toEqual({
      trigger: 'push',
      ref: { type: 'branch', name: 'feature/x' },
      selector: { type: 'branches', pattern: '**' },
      selection: { path: 'pipelines.branches.**', line: 8, reason: 'glob "**", the only matching key', ties: [] },
    });
    expect(result.response.error).toEqual({
      key: 'pipeline-guard.branch-gate',
      message: expect.stringContaining('Pipeline Guard blocked this run for branch feature/x'),
    });
    expect(result.steps[2]).toEqual({
      path: 'pipelines.branches.**[2]',
      line: 19,
      name: 'PROD deploy',
      environment: 'prod',
      environmentReason: 'its name starts with "PROD"',
      runsOn: ['self.hosted', 'linux', 'prod'],
      oidc: true,
      changes: expect.arrayContaining(['the step now waits for a person (trigger: manual, was automatic)']),
    });
    expect(result.violations).toEqual([
      {
        rule: 'branch-gate',
        mode: 'enforce',
        path: 'pipelines.branches.**[2]',
        line: 19,
        step: 'PROD deploy',
        message: expect.stringContaining('this run is for branch feature/x'),
        fix: expect.any(String),
      },
    ]);
  });

  it('exits 0 and says so when no definition matches', async () => {
    const json = await cli(['simulate', 'fixtures/cli/pipelines/tags-only.yml', '--tag', 'v1', '--format', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'none', response: { pipelines_configuration: {} } });
    const text = await cli(['simulate', 'fixtures/cli/pipelines/tags-only.yml', '--tag', 'v1']);
    expect(text.stdout).toContain('Outcome     NONE: no definition matches, so nothing would run');
    expect(text.stdout).toContain('no `tags` key matches tag "v1" (`default` never applies to tags)');
  });

  it.each([
    [
      'bad YAML',
      'fixtures/cli/pipelines/bad-yaml.yml',
      /^pipeline-guard simulate: fixtures\/cli\/pipelines\/bad-yaml\.yml:6:5: Flow sequence/,
    ],
    ['a duplicate key', 'fixtures/cli/pipelines/duplicate-key.yml', /duplicate-key\.yml:6:5: Map keys must be unique/],
    ['two documents', 'fixtures/cli/pipelines/two-documents.yml', /two-documents\.yml:5:1: a second YAML document/],
    [
      'no pipelines',
      'fixtures/cli/pipelines/no-pipelines.yml',
      /no-pipelines\.yml:1:1: the file has no `pipelines:` section/,
    ],
    [
      'a missing file',
      'fixtures/cli/pipelines/missing.yml',
      /cannot read fixtures\/cli\/pipelines\/missing\.yml: no such file/,
    ],
  ])('refuses %s with exit 2 and the position on stderr', async (_, file, message) => {
    for (const format of ['text', 'json']) {
      const { status, stdout, stderr } = await cli(['simulate', file, '--format', format]);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    }
  });

  it('refuses an invalid policy with exit 2 and every problem with its line', async () => {
    const { status, stderr } = await cli([
      'simulate',
      'examples/pipelines/build.yml',
      '--policy',
      'fixtures/cli/policies/invalid.yaml',
    ]);
    expect(status).toBe(2);
    expect(stderr).toBe(
      'pipeline-guard simulate: the policy fixtures/cli/policies/invalid.yaml cannot be used:\n' +
        '  line 6: environments[0].oidc.roleArn: not an IAM role ARN\n' +
        '  line 11: environments[1].manualTriger: unknown field\n',
    );
  });

  it.each([
    [['--branch', 'main', '--tag', 'v1'], 'choose one of --branch, --tag, --pr and --commit, not --branch and --tag'],
    [['--pr', 'feature/x'], '--pr takes SOURCE:DESTINATION'],
    [['--pr', 'a:b', '--custom', 'x'], '--custom runs on a branch, tag or commit, not on a pull request'],
    [['--trigger', 'cron'], '--trigger must be one of definitions, push, manual, schedule, parent_step'],
    [['--format', 'yaml'], '--format must be text, json, sarif or code-insights, not "yaml"'],
    [['--branch', 'has space'], '--branch needs a branch or tag name without spaces'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses the options %j with exit 2', async (options, message) => {
    const { status, stderr } = await cli(['simulate', 'examples/pipelines/build.yml', ...options]);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
  });

  it('uses the policy given with --policy and names it', async () => {
    const { status, stdout } = await cli([
      'simulate',
      'examples/pipelines/build.yml',
      '--policy',
      'fixtures/cli/policies/networks.yaml',
    ]);
    // That policy gives "dev" no extra labels, so the build step's dev.large is refused under it.
    expect(status).toBe(1);
    expect(stdout).toContain('Policy      fixtures/cli/policies/networks.yaml\n');
    expect(stdout).toContain('BLOCK [runner-labels] step "Build"');
  });

  it('reads the pipeline from standard input with "-"', async () => {
    const { status, stdout } = await cli(['simulate', '-', '--format', 'json'], {
      stdin: readFileSync(path.join(root, 'examples/pipelines/build.yml'), 'utf8'),
    });
    expect(status).toBe(0);
    expect(JSON.parse(stdout).diff).toContain('--- <stdin> (as Bitbucket sends it: branch main)');
  });

  it('selects by pull request, tag, commit and custom pipeline from the command line', async () => {
    const file = 'fixtures/cli/pipelines/selection.yml';
    const target = async (...options: string[]) =>
      JSON.parse((await cli(['simulate', file, '--format', 'json', ...options])).stdout).target;
    expect(await target('--pr', 'feature/x:release/1')).toMatchObject({
      ref: { type: 'pullrequest', name: 'feature/x', destination: 'release/1' },
      selection: { path: 'pipelines.pull-requests.feature/*.destinations.release/*' },
    });
    expect(await target('--tag', 'v1.0.0')).toMatchObject({ selector: { type: 'tags', pattern: 'v1.0.0' } });
    expect(await target('--commit')).toMatchObject({ ref: { type: 'commit' }, selector: { type: 'default' } });
    expect(await target('--custom', 'deploy-staging', '--branch', 'develop')).toMatchObject({
      trigger: 'manual',
      ref: { type: 'branch', name: 'develop' },
      selector: { type: 'custom', pattern: 'deploy-staging' },
    });
    expect(await target('--custom', 'deploy-staging', '--trigger', 'schedule')).toMatchObject({ trigger: 'schedule' });
  });

  it('reports a tie between equally specific keys in the text output', async () => {
    const { stdout } = await cli(['simulate', 'fixtures/cli/pipelines/tie.yml']);
    expect(stdout).toContain('tie: "ma?n" ranks as high');
  });

  it('uses colour on a terminal only, and never when NO_COLOR is set', async () => {
    const args = ['simulate', 'examples/pipelines/deploy.yml', '--branch', 'feature/x'];
    expect((await cli(args, { isTTY: true })).stdout).toContain(`${ESC}31m`);
    expect((await cli(args, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect((await cli(args, { isTTY: false })).stdout).not.toContain(ESC);
    expect((await cli([...args, '--format', 'json'], { isTTY: true })).stdout).not.toContain(ESC);
  });

  it('is a fixed point: simulating its own output changes nothing more', async () => {
    const first = JSON.parse((await cli(['simulate', 'examples/pipelines/deploy.yml', '--format', 'json'])).stdout);
    expect(first.diff).not.toBe('');
    // JSON is YAML, so the response's configuration goes straight back in.
    const second = await cli(['simulate', '-', '--format', 'json'], {
      stdin: JSON.stringify(first.response.pipelines_configuration),
    });
    expect(second.status).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.response).toEqual(first.response);
    expect(again.diff).toBe('');
    const text = await cli(['simulate', '-'], { stdin: JSON.stringify(first.response.pipelines_configuration) });
    expect(text.stdout).toContain('(no changes: Pipeline Guard returns the configuration as Bitbucket sent it)');
  });
});

describe('pipeline-guard request', () => {
  const documentedPush = path.join('fixtures', 'cli', 'requests', 'push-master.json');

  it('prints the exact response of the provider for a raw request', async () => {
    const { status, stdout } = await cli(['request', documentedPush]);
    expect(status).toBe(0);
    const response = JSON.parse(stdout);
    const step = response.pipelines_configuration.pipelines.branches['mas*'][1].step;
    expect(step).toMatchObject({ name: 'A step', 'runs-on': ['self.hosted', 'linux', 'dev'] });
    expect(response.pipelines_configuration.pipelines.branches['mas*'][0].step.name).toBe('Security scan');
    expect(JSON.stringify(response)).not.toContain('contextToken');
  });

  it('exits 0 with an error response for JSON that is not a provider request', async () => {
    const { status, stdout } = await cli(['request', '-'], { stdin: '{"trigger": "push"}' });
    expect(status).toBe(0);
    expect(JSON.parse(stdout).error.key).toBe('pipeline-guard.invalid-request');
  });

  it('exits 0 with the blocking error response when the policy blocks the run', async () => {
    const request = JSON.parse(readFileSync(path.join(root, documentedPush), 'utf8'));
    request.pipelines_configuration.pipelines.branches['mas*'][0].step.name = 'PROD deploy';
    request.target.ref_name = 'mastermind';
    const { status, stdout } = await cli(['request', '-'], { stdin: JSON.stringify(request) });
    expect(status).toBe(0);
    expect(JSON.parse(stdout).error.key).toBe('pipeline-guard.branch-gate');
  });

  it('refuses a file that is not JSON with exit 2 and a position', async () => {
    const { status, stderr } = await cli(['request', '-'], { stdin: '{\n  "trigger": "push",\n  "target": {\n}' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^pipeline-guard request: <stdin>:\d+:\d+: not valid JSON/);
  });
});

describe('pipeline-guard policy check', () => {
  it('passes the example policy with exit 0', async () => {
    expect(await cli(['policy', 'check', 'examples/policy.yaml'])).toMatchObject({
      status: 0,
      stdout: 'examples/policy.yaml: valid policy, 2 environments (prod, dev; default dev)\nno warnings\n',
    });
  });

  it('prints every warning with its line and path, and exits 1', async () => {
    const { status, stdout } = await cli(['policy', 'check', 'fixtures/cli/policies/unsafe.yaml']);
    expect(status).toBe(1);
    expect(stdout).toContain('7 warnings:');
    expect(stdout).toContain('  line 5: environments[0].branches: environment "prod" is privileged');
    expect(stdout).toContain('  line 28: rules.branch-gate: rule branch-gate is "warn"');
  });

  it('prints every problem with its line and path, and exits 2 for an invalid policy', async () => {
    const text = await cli(['policy', 'check', 'fixtures/cli/policies/invalid.yaml']);
    expect(text.status).toBe(2);
    expect(text.stdout).toBe(
      'fixtures/cli/policies/invalid.yaml: invalid policy, 2 problems:\n' +
        '  line 6: environments[0].oidc.roleArn: not an IAM role ARN\n' +
        '  line 11: environments[1].manualTriger: unknown field\n',
    );
    const json = await cli(['policy', 'check', 'fixtures/cli/policies/invalid.yaml', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: false,
      problems: [
        { path: 'environments[0].oidc.roleArn', line: 6, message: 'not an IAM role ARN' },
        { path: 'environments[1].manualTriger', line: 11, message: 'unknown field' },
      ],
      warnings: [],
    });
  });

  it('prints warnings as JSON', async () => {
    const { status, stdout } = await cli(['policy', 'check', 'fixtures/cli/policies/unsafe.yaml', '--format', 'json']);
    expect(status).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.valid).toBe(true);
    expect(result.warnings).toContainEqual({
      path: 'deny.scripts[0]',
      line: 26,
      message: expect.stringContaining('repeats a group that itself repeats'),
    });
  });

  it('refuses an unknown policy subcommand', async () => {
    expect(await cli(['policy', 'lint', 'examples/policy.yaml'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('did you mean "policy check"'),
    });
  });
});

describe('pipeline-guard trust-policy', () => {
  const args = ['trust-policy', 'examples/policy.yaml', ...TRUST_WORKSPACE_ARGS];

  it('prints the trust policy document on stdout and warnings on stderr', async () => {
    const prod = await cli([...args, '--env', 'prod', '--account', '111111111111']);
    expect(prod.status).toBe(0);
    expect(JSON.parse(prod.stdout).Statement[0].Condition.IpAddress).toEqual({ 'aws:SourceIp': ['203.0.113.0/28'] });
    expect(prod.stderr).toBe('');
    const dev = await cli([...args, '--env', 'dev', '--account', '222222222222']);
    expect(JSON.parse(dev.stdout).Statement[0].Condition.StringEquals['aws:SourceVpce']).toEqual([
      'vpce-0a1b2c3d4e5f60718',
    ]);
    expect(dev.stderr).toMatch(
      /^warning: aws:SourceVpce exist only when the runners call STS through an interface VPC endpoint/,
    );
  });

  it('refuses missing or malformed options with exit 2', async () => {
    expect(await cli(['trust-policy', 'examples/policy.yaml', '--env', 'prod'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('missing --workspace, --workspace-uuid, --account'),
    });
    expect(await cli([...args, '--env', 'prod', '--account', '1111'])).toMatchObject({
      status: 2,
      stdout: '',
      stderr: expect.stringContaining('AWS account ID "1111" is not 12 digits'),
    });
  });
});

describe('the built launcher (build/cli/pipeline-guard.js)', () => {
  // Built into a folder of its own, two levels below a copy-free root, so that it finds no example policy beside it.
  let bin = '';
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pg-bin-'));
    bin = await buildCli(path.join(dir, 'build/cli/pipeline-guard.js'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('launches the CLI with the process streams and exit status', () => {
    expect(execFileSync(process.execPath, [bin, '--help'], { cwd: root, encoding: 'utf8' })).toContain(
      'pipeline-guard simulate <file|-> [options]\n',
    );
    expect(execFileSync(process.execPath, [bin, '--version'], { cwd: root, encoding: 'utf8' })).toBe(
      `${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`,
    );
    const blocked = spawnSync(
      process.execPath,
      [
        bin,
        'simulate',
        'examples/pipelines/deploy.yml',
        '--branch',
        'feature/x',
        '--format',
        'json',
        '--policy',
        'examples/policy.yaml',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } },
    );
    expect(blocked.status).toBe(1);
    expect(JSON.parse(blocked.stdout).outcome).toBe('blocked');
    const piped = spawnSync(
      process.execPath,
      [bin, 'simulate', '-', '--format', 'json', '--policy', 'examples/policy.yaml'],
      { cwd: root, encoding: 'utf8', input: 'pipelines:\n  default:\n    - step: {script: [echo]}\n' },
    );
    expect(piped.status).toBe(0);
  });

  it('takes ./pipeline-guard.yaml as the policy, and without one says how to give a policy (exit 2)', () => {
    copyFileSync(path.join(root, 'examples/pipelines/deploy.yml'), path.join(dir, 'bitbucket-pipelines.yml'));
    const missing = spawnSync(process.execPath, [bin, 'simulate', 'bitbucket-pipelines.yml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      'pipeline-guard simulate: no policy: pass --policy FILE, ' +
        'or save the workspace policy as ./pipeline-guard.yaml (the settings page exports it as YAML); ' +
        `there is none in ${dir}\n`,
    );
    copyFileSync(path.join(root, 'examples/policy.yaml'), path.join(dir, 'pipeline-guard.yaml'));
    const found = spawnSync(process.execPath, [bin, 'simulate', 'bitbucket-pipelines.yml', '--branch', 'feature/x'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(found.status).toBe(1);
    expect(found.stdout).toContain('Policy      pipeline-guard.yaml\n');
  });
});

describe('pipeline-guard --version and the policy default, in-process', () => {
  it('prints the package version', async () => {
    expect(await cli(['--version'])).toEqual({
      status: 0,
      stdout: `${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`,
      stderr: '',
    });
  });

  it('prefers ./pipeline-guard.yaml to the example policy of a checkout', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-cwd-'));
    try {
      const policy = readFileSync(path.join(root, 'examples/policy.yaml'), 'utf8').replace(
        'manualTrigger: true',
        'manualTrigger: false',
      );
      writeFileSync(path.join(dir, 'pipeline-guard.yaml'), policy);
      const { status, stdout } = await cli(
        ['simulate', path.join(root, 'examples/pipelines/deploy.yml'), '--format', 'json'],
        { cwd: dir },
      );
      expect(status).toBe(0);
      expect(JSON.stringify(JSON.parse(stdout))).not.toContain('waits for a person');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pipeline-guard simulate --grants', () => {
  const base = [
    'simulate',
    'fixtures/cli/pipelines/incident.yml',
    '--branch',
    'incident/42',
    '--repository',
    'payments-api',
    '--grants',
    'fixtures/cli/grants/incident.yaml',
  ];

  it('previews a run that a grant lets through, naming the grant (exit 0)', async () => {
    const { status, stdout } = await cli([...base, '--now', '2026-12-02T10:00:00Z']);
    expect(status).toBe(0);
    expect(stdout).toContain('Grants      INC-4711: break-glass grant waived a rule on this run');
    expect(stdout).toContain(
      'runs in "prod" under break-glass grant INC-4711, which waives branch-gate until 2026-12-02T12:00:00Z',
    );
    const json = JSON.parse((await cli([...base, '--now', '2026-12-02T10:00:00Z', '--format', 'json'])).stdout);
    expect(json.grants).toEqual(['INC-4711']);
    expect(json.response.pipelines_configuration.labels['pipeline-guard'].grants).toEqual(['INC-4711']);
  });

  it("blocks the run at the expiry and after it, and without the grant's repository (exit 1)", async () => {
    expect((await cli([...base, '--now', '2026-12-02T12:00:00Z'])).status).toBe(1);
    expect(
      (
        await cli([
          ...base.slice(0, 4),
          '--repository',
          'website',
          '--grants',
          'fixtures/cli/grants/incident.yaml',
          '--now',
          '2026-12-02T10:00:00Z',
        ])
      ).status,
    ).toBe(1);
    expect((await cli(base.filter((arg, i) => i < 4 || i > 5).concat('--now', '2026-12-02T10:00:00Z'))).status).toBe(1);
  });

  it('refuses a bad grants file with exit 2, naming each grant and field with its line', async () => {
    const { status, stderr } = await cli([
      ...base.slice(0, 6),
      '--grants',
      'fixtures/cli/grants/bad.yaml',
      '--now',
      '2026-12-02T10:00:00Z',
    ]);
    expect(status).toBe(2);
    expect(stderr).toContain('the grants file fixtures/cli/grants/bad.yaml cannot be used:');
    expect(stderr).toContain('line 6: grant "INC-4711" (grants[0]): rules[1]: "runner-labels" cannot be waived');
    expect(stderr).toContain(
      'grant "INC-4711" (grants[0]): expires: is more than 24 hours after grantedAt (2026-12-02T09:00:00Z)',
    );
    expect(stderr).toContain('line 10: grant "INC-4712" (grants[1]): reason: say why in at least 10 characters');
    expect(stderr).toContain('grant "INC-4712" (grants[1]): approvedBy: unknown field');
  });

  it('bounds a file grant without grantedAt by --now: 24 h + 1 ms later is refused', async () => {
    const grant =
      '- id: INC-1\n  reason: Payment outage hotfix\n  repository: payments-api\n  refs: ["incident/*"]\n' +
      '  environments: [prod]\n  rules: [branch-gate]\n  expires: 2026-12-03T10:00:00.001Z\n';
    const { status, stderr } = await cli([...base.slice(0, 6), '--grants', '-', '--now', '2026-12-02T10:00:00Z'], {
      stdin: grant,
    });
    expect(status).toBe(2);
    expect(stderr).toContain(
      'line 7: grant "INC-1" (grants[0]): expires: is more than 24 hours after now (2026-12-02T10:00:00.000Z)',
    );
    const exactly = await cli([...base.slice(0, 6), '--grants', '-', '--now', '2026-12-02T10:00:00.001Z'], {
      stdin: grant,
    });
    expect(exactly.status).toBe(0);
  });

  it(
    'says why the grants cannot apply: no --repository, another repository, ' +
      'a --now before grantedAt (which also keeps the run blocked)',
    async () => {
      const file = ['--grants', 'fixtures/cli/grants/incident.yaml'];
      const noRepository = await cli([...base.slice(0, 4), ...file, '--now', '2026-12-02T10:00:00Z']);
      expect(noRepository.status).toBe(1);
      expect(noRepository.stderr).toContain(
        'no grant of the file can apply: ' +
          'without --repository the run is for a repository Pipeline Guard does not know. ' +
          'Pass --repository payments-api',
      );
      const other = await cli([
        ...base.slice(0, 4),
        '--repository',
        'website',
        ...file,
        '--now',
        '2026-12-02T10:00:00Z',
      ]);
      expect(other.stderr).toContain(
        'grant INC-4711 is for repository payments-api, not website: it cannot apply to this run.',
      );
      const early = await cli([...base, '--now', '2026-12-02T08:59:59Z', '--format', 'json']);
      expect(early.status).toBe(1);
      expect(early.stderr).toContain(
        'grant INC-4711 applies only from 2026-12-02T09:00:00Z, when it was granted; ' +
          '--now (2026-12-02T08:59:59.000Z) is earlier',
      );
      expect(JSON.parse(early.stdout).grants).toBeUndefined();
      expect(JSON.stringify(JSON.parse(early.stdout))).toContain(
        'INC-4711 (it applies only from 2026-12-02T09:00:00Z, when it was granted)',
      );
      expect((await cli([...base, '--now', '2026-12-02T09:00:00Z'])).status).toBe(0);
    },
  );

  it('refuses a grant for an environment the policy does not have (exit 2), as the settings page does', async () => {
    const grant =
      '- id: INC-1\n  reason: Payment outage hotfix\n  repository: payments-api\n  refs: ["incident/*"]\n' +
      '  environments: [prod, staging]\n  rules: [branch-gate]\n  expires: 2026-12-02T12:00:00Z\n';
    const { status, stderr } = await cli([...base.slice(0, 6), '--grants', '-', '--now', '2026-12-02T10:00:00Z'], {
      stdin: grant,
    });
    expect(status).toBe(2);
    expect(stderr).toContain(
      'line 5: grant "INC-1" (grants[0]): environments[1]: ' +
        '"staging" is not an environment of the policy (it has prod, dev)',
    );
  });

  it('refuses a --now that is not a time, and a --repository that is not a slug (exit 2)', async () => {
    expect(await cli([...base, '--now', 'tomorrow'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--now takes an ISO 8601 time'),
    });
    expect(await cli([...base.slice(0, 4), '--repository', 'Payments API'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--repository takes a repository slug'),
    });
  });
});

describe('pipeline-guard with scoped environments (--repository, --project)', () => {
  const MULTI = ['--policy', 'examples/policy-multi-team.yaml'];

  it('simulate runs as the repository and reports it in the JSON contract', async () => {
    const own = await cli([
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'main',
      ...MULTI,
      '--repository',
      'payments-api',
      '--project',
      'PAY',
      '--format',
      'json',
    ]);
    expect(own.status).toBe(0);
    const result = JSON.parse(own.stdout);
    expect(result.repository).toEqual({ slug: 'payments-api', project: 'PAY' });
    expect(result.steps.find((s: any) => s.name === 'PROD deploy').environment).toBe('prod-payments');

    const other = await cli([
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'main',
      ...MULTI,
      '--repository',
      'acme/marketing-site',
      '--project',
      'MKT',
    ]);
    expect(other.status).toBe(1);
    expect(other.stdout).toContain('Repository  acme/marketing-site (project MKT)');
    expect(other.stdout).toContain('[repository-scope]');
    expect(other.stdout).toContain('acme/marketing-site may use: "dev" (its default)');
  });

  it('text names the repository by its full name, while the JSON contract keeps { slug, project }', async () => {
    const args = [
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'main',
      ...MULTI,
      '--repository',
      'acme/payments-api',
      '--project',
      'PAY',
    ];
    const text = await cli(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Repository  acme\/payments-api \(project PAY\)$/m);
    const json = JSON.parse((await cli([...args, '--format', 'json'])).stdout);
    expect(json.repository).toEqual({ slug: 'payments-api', project: 'PAY' });
    // An unscoped policy still names the repository when the run has one.
    const flat = await cli([
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'main',
      '--repository',
      'acme/website',
    ]);
    expect(flat.stdout).toMatch(/^Repository  acme\/website \(no project given\)$/m);
    const none = await cli(['simulate', 'examples/pipelines/deploy.yml', '--branch', 'main']);
    expect(none.stdout).not.toContain('Repository  ');
  });

  it('without --repository, the run is for a repository that no scope includes', async () => {
    const result = await cli([
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'main',
      ...MULTI,
      '--format',
      'json',
    ]);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      repository: null,
      violations: [expect.objectContaining({ rule: 'repository-scope' })],
    });
  });

  it('warns about a project key in odd case instead of guessing', async () => {
    const result = await cli([
      'simulate',
      'examples/pipelines/deploy.yml',
      '--branch',
      'main',
      ...MULTI,
      '--repository',
      'ledger',
      '--project',
      'pay',
      '--format',
      'json',
    ]);
    expect(result.stderr).toContain('project key "pay" is not upper case');
    expect(JSON.parse(result.stdout).violations.map((v: any) => v.rule)).toContain('repository-scope');
  });

  it.each([
    [['--project', 'PAY'], '--project needs --repository'],
    [['--repository', 'Payments API'], '--repository takes a repository slug'],
    [['--repository', 'a/b/c'], '--repository takes a repository slug'],
    [['--repository', 'x', '--project', 'P-Y'], '--project takes a Bitbucket project key'],
  ])('refuses %j', async (flags, message) => {
    const result = await cli(['simulate', 'examples/pipelines/deploy.yml', ...MULTI, ...flags]);
    expect(result).toMatchObject({ status: 2, stderr: expect.stringContaining(message) });
  });

  it('request takes the same flags in place of the lookup', async () => {
    const request = ['request', 'fixtures/cli/requests/push-master.json', ...MULTI];
    const unknown = JSON.parse((await cli(request)).stdout);
    const known = JSON.parse((await cli([...request, '--repository', 'payments-api', '--project', 'PAY'])).stdout);
    // The catch-all default without a repository; the payments team's own default with one.
    expect(JSON.stringify(unknown)).toContain('"dev"]');
    expect(JSON.stringify(unknown)).not.toContain('dev.payments');
    expect(JSON.stringify(known)).toContain('"runs-on":["self.hosted","linux","dev.payments"]');
    expect(known.pipelines_configuration.labels['pipeline-guard'].repository).toBe('payments-api');
  });

  it('trust-policy restricts a scoped environment to the repositories given, and warns when none are', async () => {
    const base = [
      'trust-policy',
      'examples/policy-multi-team.yaml',
      '--env',
      'prod-payments',
      ...TRUST_WORKSPACE,
      '--account',
      '111111111111',
    ];
    const two = await cli([
      ...base,
      '--repository-uuid',
      '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
      '--repository-uuid',
      '3fc883c6-3dee-4e73-a354-ccee4bd77938',
    ]);
    expect(two.status).toBe(0);
    expect(JSON.parse(two.stdout).Statement[0].Condition.StringLike).toEqual({
      'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:sub': [
        '{2fc883c6-3dee-4e73-a354-ccee4bd77938}:*',
        '{3fc883c6-3dee-4e73-a354-ccee4bd77938}:*',
      ],
    });
    const none = await cli(base);
    expect(none.stderr).toContain('serves only project PAY, except payments-sandbox, but no repository UUID was given');
  });
});
