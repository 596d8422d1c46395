import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli, REPOSITORY_ROOT as root } from '../support/cli';

const PIPELINE = 'fixtures/cli/pipelines/templated.yml';

describe('pipeline-guard simulate --var / --variables', () => {
  it('reads `${{NAME}}` templates with the variables given: a templated production deployment is gated', async () => {
    const { status, stdout } = await cli([
      'simulate',
      PIPELINE,
      '--branch',
      'feature/x',
      '--variables',
      'fixtures/cli/variables/production.json',
      '--var',
      'PREFIX=Build',
      '--format',
      'json',
    ]);
    expect(status).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.steps[0]).toMatchObject({ name: 'Build deploy', environment: 'prod' });
    expect(result.violations[0].rule).toBe('branch-gate');
  });

  it("a repository --var wins over the file's workspace value", async () => {
    const { status, stdout } = await cli([
      'simulate',
      PIPELINE,
      '--branch',
      'feature/x',
      '--variables',
      'fixtures/cli/variables/production.json',
      '--var',
      'DEPLOY_ENV=test',
      '--var',
      'PREFIX=Build',
      '--format',
      'json',
    ]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).steps[0].environment).toBe('dev');
  });

  it('without variables a deciding template blocks, naming the field and the variable', async () => {
    const { status, stdout } = await cli(['simulate', PIPELINE, '--branch', 'feature/x']);
    expect(status).toBe(1);
    expect(stdout).toContain('[invalid-pipeline]');
    expect(stdout).toContain('`deployment` is "${{DEPLOY_ENV}}"');
  });

  it.each([
    [['--var', 'NOEQUALS'], /--var takes KEY=VALUE/],
    [['--var', 'BAD-NAME=x'], /--var takes KEY=VALUE/],
    [['--variables', 'fixtures/cli/pipelines/templated.yml'], /is not valid JSON/],
    [['--variables', 'fixtures/cli/requests/push-master.json'], /not a list of \{ "key", "value", "scope" \} entries/],
  ])('refuses %j with exit status 2', async (args, message) => {
    const { status, stderr } = await cli(['simulate', PIPELINE, ...args]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('pipeline-guard request --var', () => {
  it("adds repository variables to the request's own, which templates are then read with", async () => {
    const request = JSON.parse(await fs.readFile(path.join(root, 'fixtures/cli/requests/push-master.json'), 'utf8'));
    request.pipelines_configuration.pipelines.branches['mas*'][0].step.deployment = '${{DEPLOY_ENV}}';
    request.variables = [{ key: 'OTHER', value: 'x', scope: 'WORKSPACE' }];
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'pg-request-')), 'request.json');
    await fs.writeFile(file, JSON.stringify(request));
    const without = await cli(['request', file]);
    expect(JSON.parse(without.stdout).error.key).toBe('pipeline-guard.invalid-pipeline');
    const withVar = await cli(['request', file, '--var', 'DEPLOY_ENV=production']);
    const config = JSON.parse(withVar.stdout).pipelines_configuration;
    const steps = config.pipelines.branches['mas*'].map((item: any) => item.step);
    expect(steps.find((s: any) => s.deployment === '${{DEPLOY_ENV}}')['runs-on']).toEqual([
      'self.hosted',
      'linux',
      'prod',
    ]);
  });
});
