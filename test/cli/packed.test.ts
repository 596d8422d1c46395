/**
 * The packed tool as a repository team installs it: `npm pack`, then `npm install -g` of the
 * tarball into a temporary prefix (offline: the bundled CLI has no run-time dependencies), then
 * every command run from a folder outside this repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TRUST_WORKSPACE, TRUST_WORKSPACE_ARGS } from '../support/trust-args';

const root = path.join(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const VERSION = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;

jest.setTimeout(180_000);

describe('the packed pipeline-guard', () => {
  let tmp = '';
  let tarball = '';
  let bin = '';
  let work = '';

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pg-pack-'));
    const quiet = {
      cwd: root,
      encoding: 'utf8' as const,
      env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    };
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--json', '--pack-destination', tmp], { ...quiet, stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(tmp, packed[0].filename);
    const prefix = path.join(tmp, 'prefix');
    execFileSync(npm, ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
      ...quiet,
      cwd: tmp,
      stdio: 'pipe',
    });
    bin =
      process.platform === 'win32'
        ? path.join(prefix, 'pipeline-guard.cmd')
        : path.join(prefix, 'bin', 'pipeline-guard');
    work = path.join(tmp, 'some-repository');
    mkdirSync(work);
    copyFileSync(path.join(root, 'examples/pipelines/deploy.yml'), path.join(work, 'bitbucket-pipelines.yml'));
    copyFileSync(path.join(root, 'fixtures/cli/requests/push-master.json'), path.join(work, 'request.json'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const cli = (args: string[], cwd = work) =>
    spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('holds the built CLI and no tests, fixtures, sources or UI', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toEqual([
      'package/README.md',
      'package/build/cli/pipeline-guard-main.js',
      'package/build/cli/pipeline-guard.js',
      'package/package.json',
    ]);
  });

  it('answers --version and --help', () => {
    expect(cli(['--version'])).toMatchObject({ status: 0, stdout: `${VERSION}\n` });
    expect(cli(['--help'])).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('pipeline-guard simulate <file|-> [options]'),
    });
  });

  it('says how to give a policy when there is no ./pipeline-guard.yaml', () => {
    const result = cli(['simulate', 'bitbucket-pipelines.yml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'no policy: pass --policy FILE, or save the workspace policy as ./pipeline-guard.yaml',
    );
  });

  it('carries the scopes, grants and cloud identity options of simulate and trust-policy', () => {
    for (const file of [
      'fixtures/cli/pipelines/incident.yml',
      'fixtures/cli/grants/incident.yaml',
      'examples/policy.yaml',
      'examples/policy-multi-team.yaml',
      'fixtures/cli/policies/gcp-vault.yaml',
    ])
      copyFileSync(path.join(root, file), path.join(work, path.basename(file)));
    const incident = [
      'simulate',
      'incident.yml',
      '--policy',
      'policy.yaml',
      '--branch',
      'incident/42',
      '--repository',
      'payments-api',
      '--grants',
      'incident.yaml',
    ];
    const granted = cli([...incident, '--now', '2026-12-02T10:00:00Z']);
    expect(granted).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('Grants      INC-4711: break-glass grant waived a rule on this run'),
    });
    expect(cli([...incident, '--now', '2026-12-02T12:00:00Z']).status).toBe(1);
    const scoped = cli([
      'simulate',
      'bitbucket-pipelines.yml',
      '--policy',
      'policy-multi-team.yaml',
      '--branch',
      'main',
      '--repository',
      'acme/website',
      '--project',
      'WEB',
      '--format',
      'json',
    ]);
    expect(scoped.status).toBeLessThan(2);
    expect(JSON.parse(scoped.stdout).repository).toEqual({ slug: 'website', project: 'WEB' });
    const gcp = cli(['trust-policy', 'gcp-vault.yaml', '--env', 'prod', ...TRUST_WORKSPACE_ARGS, '--format', 'json']);
    expect(gcp.status).toBe(0);
    expect(JSON.parse(gcp.stdout)[0]).toMatchObject({ environment: 'prod', provider: 'gcp' });
  });

  describe('with the workspace policy in ./pipeline-guard.yaml', () => {
    beforeAll(() => {
      // `work` is empty when the packing above failed; never write into the current directory then.
      if (!path.isAbsolute(work)) throw new Error('the packed CLI was not installed');
      copyFileSync(path.join(root, 'examples/policy.yaml'), path.join(work, 'pipeline-guard.yaml'));
    });

    it('simulate: blocks a PROD step on a feature branch (exit 1) and allows it on main (exit 0)', () => {
      const blocked = cli(['simulate', 'bitbucket-pipelines.yml', '--branch', 'feature/x']);
      expect(blocked.status).toBe(1);
      expect(blocked.stdout).toContain('Policy      pipeline-guard.yaml\n');
      expect(blocked.stdout).toContain('[branch-gate]');
      const allowed = cli(['simulate', 'bitbucket-pipelines.yml', '--branch', 'main', '--format', 'json']);
      expect(allowed.status).toBe(0);
      expect(JSON.parse(allowed.stdout).outcome).toBe('allowed');
    });

    it('request: prints the provider response', () => {
      const result = cli(['request', 'request.json']);
      expect(result.status).toBe(0);
      expect(Object.keys(JSON.parse(result.stdout))).toEqual([
        expect.stringMatching(/^(pipelines_configuration|error)$/),
      ]);
    });

    it('policy check and trust-policy', () => {
      expect(cli(['policy', 'check', 'pipeline-guard.yaml'])).toMatchObject({
        status: 0,
        stdout: expect.stringContaining('pipeline-guard.yaml: valid policy, 2 environments'),
      });
      const trust = cli([
        'trust-policy',
        'pipeline-guard.yaml',
        '--env',
        'prod',
        ...TRUST_WORKSPACE,
        '--account',
        '111111111111',
      ]);
      expect(trust.status).toBe(0);
      expect(JSON.parse(trust.stdout).Version).toBe('2012-10-17');
    });
  });
});
