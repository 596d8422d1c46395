import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cli, REPOSITORY_ROOT as root } from '../support/cli';
import { TRUST_WORKSPACE_ARGS } from '../support/trust-args';

const POLICY = 'fixtures/trust/clouds.yaml';
const DEPLOYED = 'fixtures/trust/deployed';
const WORKSPACE = [...TRUST_WORKSPACE_ARGS, '--deployment-environment-uuid', '{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}'];
const role = () => JSON.parse(readFileSync(path.join(root, DEPLOYED, 'aws-get-role.json'), 'utf8'));

describe('pipeline-guard trust-check', () => {
  it('exits 0 for each cloud exactly as generated', async () => {
    const aws = await cli([
      'trust-check',
      POLICY,
      '--env',
      'prod',
      '--deployed',
      `${DEPLOYED}/aws-get-role.json`,
      ...WORKSPACE,
    ]);
    expect(aws).toEqual({
      status: 0,
      stderr: '',
      stdout: expect.stringContaining('At least as strict as Pipeline Guard generates.'),
    });
    const gcp = await cli([
      'trust-check',
      POLICY,
      '--env',
      'staging',
      ...WORKSPACE,
      '--deployed',
      `${DEPLOYED}/gcp-iam-policy.json`,
      '--deployed',
      `${DEPLOYED}/gcp-provider.json`,
    ]);
    expect(gcp.status).toBe(0);
    const vault = await cli([
      'trust-check',
      POLICY,
      '--env',
      'dev',
      '--deployed',
      `${DEPLOYED}/vault-role.json`,
      ...WORKSPACE,
    ]);
    expect(vault.status).toBe(0);
  });

  it('exits 1 and names the missing network condition, reading standard input', async () => {
    const doc = role();
    delete doc.Role.AssumeRolePolicyDocument.Statement[0].Condition.IpAddress;
    const result = await cli(['trust-check', POLICY, '--env', 'prod', '--deployed', '-', ...WORKSPACE], {
      stdin: JSON.stringify(doc),
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('WEAKER than Pipeline Guard generates: 1 condition missing or weaker.');
    expect(result.stdout).toMatch(
      new RegExp(
        String.raw`weaker +network +Statement\[0\] \(Sid "BitbucketPipelinesProdFromRunnerEgress"\)\.Condition\n` +
          ' +has no network condition',
      ),
    );
    expect(result.stdout).toContain('Fix: Apply the trust policy `pipeline-guard trust-policy` generates');
  });

  it('says which conditions are stricter, and gives JSON for scripts', async () => {
    const doc = role();
    doc.Role.AssumeRolePolicyDocument.Statement[0].Condition.IpAddress['aws:SourceIp'] = '203.0.113.8/29';
    const result = await cli(
      ['trust-check', POLICY, '--env', 'prod', '--deployed', '-', ...WORKSPACE, '--format', 'json'],
      { stdin: JSON.stringify(doc) },
    );
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      environment: 'prod',
      provider: 'aws',
      verdict: 'as strict',
      inputs: [{ label: '<stdin>', kind: 'aws-role' }],
    });
    expect(json.findings).toEqual([expect.objectContaining({ verdict: 'stronger', dimension: 'network' })]);
  });

  it.each([
    ['no --deployed', ['--env', 'prod', ...WORKSPACE], /missing --deployed FILE/],
    ['no --env', ['--deployed', `${DEPLOYED}/aws-get-role.json`, ...WORKSPACE], /missing --env NAME/],
    [
      'no workspace',
      ['--env', 'prod', '--deployed', `${DEPLOYED}/aws-get-role.json`],
      /missing --workspace, --workspace-uuid/,
    ],
    [
      'an unknown environment',
      ['--env', 'nope', '--deployed', `${DEPLOYED}/aws-get-role.json`, ...WORKSPACE],
      /the policy has no environment "nope"/,
    ],
    [
      "another cloud's JSON",
      ['--env', 'prod', '--deployed', `${DEPLOYED}/vault-role.json`, ...WORKSPACE],
      /vault-role.json is a Vault role, but this environment uses AWS/,
    ],
    [
      'a missing file',
      ['--env', 'prod', '--deployed', `${DEPLOYED}/missing.json`, ...WORKSPACE],
      /cannot read .*missing.json: no such file/,
    ],
    [
      'standard input twice',
      ['--env', 'prod', '--deployed', '-', '--deployed', '-', ...WORKSPACE],
      /only one --deployed can read standard input/,
    ],
  ])('exits 2 on unusable input: %s', async (_what, args, message) => {
    const result = await cli(['trust-check', POLICY, ...args], { stdin: '{}' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on JSON that is not what a cloud CLI prints', async () => {
    const result = await cli(['trust-check', POLICY, '--env', 'prod', '--deployed', '-', ...WORKSPACE], {
      stdin: 'Role:\n  x: 1\n',
    });
    expect(result).toMatchObject({ status: 2, stderr: expect.stringContaining('<stdin> is not JSON') });
  });

  it('has --help naming the commands that produce its input, and is listed in the main help', async () => {
    const help = await cli(['trust-check', '--help']);
    expect(help.status).toBe(0);
    for (const command of ['aws iam get-role', 'providers describe', 'get-iam-policy', 'vault read -format=json'])
      expect(help.stdout).toContain(command);
    expect((await cli(['--help'])).stdout).toContain(
      'pipeline-guard trust-check <policy> --env NAME --deployed FILE|-',
    );
  });
});
