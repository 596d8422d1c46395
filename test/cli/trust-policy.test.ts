import { cli } from '../support/cli';
import { TRUST_WORKSPACE } from '../support/trust-args';

const WORKSPACE = TRUST_WORKSPACE;
const REPOS = [
  '--repository-uuid',
  '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  '--repository-uuid',
  '{aaaaaaaa-3dee-4e73-a354-ccee4bd77938}',
];

describe('pipeline-guard trust-policy for every provider', () => {
  it('--format json gives one object per environment with its provider and artifact', async () => {
    const result = await cli([
      'trust-policy',
      'fixtures/cli/policies/gcp-vault.yaml',
      ...WORKSPACE,
      ...REPOS,
      '--deployment-environment-uuid',
      '{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}',
      '--format',
      'json',
    ]);
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout);
    expect(entries.map((e: { environment: string; provider: string }) => [e.environment, e.provider])).toEqual([
      ['prod', 'gcp'],
      ['dev', 'vault'],
    ]);
    expect(entries[0].artifact.attributeCondition).toContain(
      'assertion.repositoryUuid in ' +
        "['{2fc883c6-3dee-4e73-a354-ccee4bd77938}', '{aaaaaaaa-3dee-4e73-a354-ccee4bd77938}']",
    );
    expect(entries[0].artifact.attributeCondition).toContain(
      "assertion.deploymentEnvironmentUuid in ['{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}']",
    );
    expect(entries[1].artifact.rolePayload.token_bound_cidrs).toEqual(['198.51.100.0/28']);
  });

  it('prints ready-to-paste blocks per environment in text, warnings on stderr', async () => {
    const result = await cli(['trust-policy', 'fixtures/cli/policies/gcp-vault.yaml', ...WORKSPACE, ...REPOS]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^# prod: GCP workload identity federation\ngcloud iam workload-identity-pools create 'bitbucket'/,
    );
    expect(result.stdout).toContain(
      "\n# dev: HashiCorp Vault JWT auth\nexport VAULT_ADDR='https://vault.example.com:8200'\n",
    );
    expect(result.stderr).toContain('warning: dev: token_policies names a Vault policy "dev-deploy"');
  });

  it('gives every AWS environment of the reference policy without --account, each in its own account', async () => {
    const entries = JSON.parse(
      (await cli(['trust-policy', 'examples/policy.yaml', ...WORKSPACE, '--format', 'json'])).stdout,
    );
    expect(entries.map((e: { artifact: { accountId: string } }) => e.artifact.accountId)).toEqual([
      '111111111111',
      '222222222222',
    ]);
  });

  it('refuses a bad UUID and an unknown environment with exit 2', async () => {
    expect(
      await cli([
        'trust-policy',
        'fixtures/cli/policies/gcp-vault.yaml',
        ...WORKSPACE,
        '--deployment-environment-uuid',
        'prod',
      ]),
    ).toMatchObject({ status: 2, stderr: expect.stringContaining('deployment environment UUID "prod" is not a UUID') });
    expect(
      await cli(['trust-policy', 'fixtures/cli/policies/gcp-vault.yaml', ...WORKSPACE, '--env', 'qa']),
    ).toMatchObject({ status: 2, stderr: expect.stringContaining('no environment "qa"') });
  });
});
