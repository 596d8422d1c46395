import { readFileSync } from 'fs';
import path from 'path';
import { run as celRun } from '@bufbuild/cel';
import { validatePolicy } from '../../src/policy/load';
import type { Policy, PolicyInput } from '../../src/policy/schema';
import { artifactText, trustArtifacts, type AwsTrust } from '../../src/trust/artifacts';
import type { GcpTrust } from '../../src/trust/gcp';
import { TrustPolicyInputError } from '../../src/trust/inputs';
import type { VaultTrust } from '../../src/trust/vault';

const WORKSPACE = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const REPO = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const OTHER_REPO = '{aaaaaaaa-3dee-4e73-a354-ccee4bd77938}';
const DEPLOYMENT = '{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}';

function policyOf(input: PolicyInput): Policy {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

const MULTI: PolicyInput = {
  version: 1,
  environments: [
    {
      name: 'prod',
      branches: ['main', 'release/*', 'hotfix/{a,b}-*'],
      tags: ['v*'],
      match: { stepNamePrefix: 'PROD' },
      runner: { labels: ['self.hosted', 'prod'], network: { cidrs: ['203.0.113.0/28'] } },
      oidc: {
        provider: 'gcp',
        workloadIdentityProvider:
          'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-prod',
        serviceAccount: 'deployer@acme-prod.iam.gserviceaccount.com',
      },
    },
    {
      name: 'staging',
      branches: ['main', 'release/*'],
      match: { stepNamePrefix: 'STAGING' },
      runner: { labels: ['self.hosted', 'staging'], network: { cidrs: ['198.51.100.0/28'] } },
      oidc: {
        provider: 'vault',
        address: 'https://vault.example.com:8200',
        role: 'staging-deploy',
        mount: 'bitbucket',
      },
    },
    {
      name: 'dev',
      default: true,
      branches: ['**'],
      runner: { labels: ['self.hosted', 'dev'] },
      oidc: { roleArn: 'arn:aws:iam::222222222222:role/dev', region: 'eu-west-1', audience: 'sts.amazonaws.com' },
    },
  ],
};

const inputs = {
  workspaceSlug: 'acme',
  workspaceUuid: WORKSPACE,
  repositoryUuids: [REPO],
  deploymentEnvironmentUuids: [DEPLOYMENT],
};
const entries = trustArtifacts(policyOf(MULTI), inputs);
const gcp = entries[0].artifact as GcpTrust;
const vault = entries[1].artifact as VaultTrust;
const aws = entries[2].artifact as AwsTrust;

describe('trust artifacts per provider', () => {
  it('gives one entry per environment with its provider', () => {
    expect(entries.map((e) => [e.environment, e.provider])).toEqual([
      ['prod', 'gcp'],
      ['staging', 'vault'],
      ['dev', 'aws'],
    ]);
  });

  it('pins the GCP provider, condition and commands', () => {
    expect(gcp).toMatchSnapshot();
  });

  it('pins the Vault config and role payload', () => {
    expect(vault).toMatchSnapshot();
  });

  it(
    'pins the AWS trust policy with sub conditions for repository and deployment environment, ' +
      'and the custom audience',
    () => {
      expect(aws.trustPolicy).toMatchSnapshot();
      const condition = aws.trustPolicy.Statement[0].Condition;
      expect(condition.StringLike).toEqual({
        'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:sub': `${REPO}:${DEPLOYMENT}:*`,
      });
      expect(condition.StringEquals['api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:aud']).toBe(
        'sts.amazonaws.com',
      );
    },
  );

  it('lists several repositories as several sub patterns', () => {
    const [entry] = trustArtifacts(policyOf(MULTI), {
      ...inputs,
      environment: 'dev',
      repositoryUuids: [REPO, OTHER_REPO],
      deploymentEnvironmentUuids: [],
    });
    expect((entry.artifact as AwsTrust).trustPolicy.Statement[0].Condition.StringLike).toEqual({
      'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:sub': [`${REPO}:*`, `${OTHER_REPO}:*`],
    });
  });

  it('refuses malformed workspace inputs before building anything', () => {
    expect(() => trustArtifacts(policyOf(MULTI), { ...inputs, workspaceSlug: 'Not A Slug' })).toThrow(
      TrustPolicyInputError,
    );
    expect(() => trustArtifacts(policyOf(MULTI), { ...inputs, repositoryUuids: ['nope'] })).toThrow(
      'repository UUID "nope" is not a UUID',
    );
    expect(() => trustArtifacts(policyOf(MULTI), { ...inputs, environment: 'qa' })).toThrow('no environment "qa"');
  });

  it('prints ready-to-paste text: JSON for AWS, commands for GCP and Vault', () => {
    expect(JSON.parse(artifactText(aws))).toEqual(aws.trustPolicy);
    expect(artifactText(gcp).split('\n\n')).toHaveLength(3);
    expect(artifactText(vault)).toContain("vault write 'auth/bitbucket/role/staging-deploy' - <<'JSON'");
  });
});

describe('the GCP attribute condition, evaluated as CEL', () => {
  const token = (claims: Record<string, string>) => ({
    assertion: new Map(
      Object.entries({
        workspaceUuid: WORKSPACE,
        repositoryUuid: REPO,
        deploymentEnvironmentUuid: DEPLOYMENT,
        sub: `${REPO}:${DEPLOYMENT}:{s}`,
        ...claims,
      }),
    ),
  });
  const admits = (claims: Record<string, string>, condition = gcp.attributeCondition) =>
    celRun(condition, token(claims));

  it.each(['main', 'release/1.2', 'hotfix/a-x', 'hotfix/b-7', 'v1.0.0'])('admits a token for %s', (branch) => {
    expect(admits({ branchName: branch })).toBe(true);
  });

  it.each(['feature/x', 'mainline', 'release/1/2', 'hotfix/c-x', 'xmain', 'release', 'Main'])(
    'refuses a token for %s',
    (branch) => {
      expect(admits({ branchName: branch })).toBe(false);
    },
  );

  it('refuses another repository, another deployment environment and another workspace', () => {
    expect(admits({ branchName: 'main', repositoryUuid: OTHER_REPO })).toBe(false);
    expect(admits({ branchName: 'main', deploymentEnvironmentUuid: '{00000000-0000-4000-8000-000000000000}' })).toBe(
      false,
    );
    expect(admits({ branchName: 'main', workspaceUuid: '{00000000-0000-4000-8000-000000000001}' })).toBe(false);
  });

  it('quotes branch names so that a quote in a glob cannot end the CEL string', () => {
    const policy = policyOf({
      ...MULTI,
      environments: [{ ...MULTI.environments[0], branches: ["it's"], tags: [] }, ...MULTI.environments.slice(1)],
    });
    const condition = (trustArtifacts(policy, inputs)[0].artifact as GcpTrust).attributeCondition;
    expect(admits({ branchName: "it's" }, condition)).toBe(true);
    expect(admits({ branchName: 'it' }, condition)).toBe(false);
  });
});

describe('the Vault role payload', () => {
  const documented = JSON.parse(
    readFileSync(path.resolve(__dirname, '../../fixtures/trust/vault-jwt-parameters.json'), 'utf8'),
  ) as { config: string[]; role: string[]; enums: Record<string, string[]> };

  it('uses only parameter names and values that Vault documents', () => {
    expect(Object.keys(vault.config).filter((key) => !documented.config.includes(key))).toEqual([]);
    expect(Object.keys(vault.rolePayload).filter((key) => !documented.role.includes(key))).toEqual([]);
    for (const [key, allowed] of Object.entries(documented.enums))
      if (key in vault.rolePayload) expect(allowed).toContain(vault.rolePayload[key]);
  });

  it('binds audience, claims, network and a short TTL', () => {
    expect(vault.rolePayload).toMatchObject({
      role_type: 'jwt',
      bound_audiences: ['ari:cloud:bitbucket::workspace/308ce669-576d-4fa7-b4d4-15e8171f0c8c'],
      bound_claims_type: 'glob',
      bound_claims: {
        repositoryUuid: [REPO],
        deploymentEnvironmentUuid: [DEPLOYMENT],
        branchName: ['main', 'release/*'],
      },
      token_bound_cidrs: ['198.51.100.0/28'],
      token_ttl: '15m',
    });
    expect(vault.warnings.join('\n')).toContain('Vault\'s glob `*` also matches "/"');
  });

  it('uses string claims when every branch is exact', () => {
    const policy = policyOf({
      ...MULTI,
      environments: [MULTI.environments[0], { ...MULTI.environments[1], branches: ['main'] }, MULTI.environments[2]],
    });
    expect((trustArtifacts(policy, inputs)[1].artifact as VaultTrust).rolePayload).toMatchObject({
      bound_claims_type: 'string',
      bound_claims: { branchName: ['main'] },
    });
  });
});

describe('tags without a deployment environment (a tag glob must not admit a branch named like it)', () => {
  const withTags: PolicyInput = {
    ...MULTI,
    environments: [MULTI.environments[0], { ...MULTI.environments[1], tags: ['v*'] }, MULTI.environments[2]],
  };
  const noDeployment = trustArtifacts(policyOf(withTags), { ...inputs, deploymentEnvironmentUuids: [] });
  const gcpCondition = (noDeployment[0].artifact as GcpTrust).attributeCondition;
  const token = (branchName: string) => ({
    assertion: new Map(
      Object.entries({ workspaceUuid: WORKSPACE, repositoryUuid: REPO, branchName, sub: `${REPO}:{s}` }),
    ),
  });

  it('GCP: the condition refuses a branch "vuln-fix" that "v*" would match, and still admits the branches', () => {
    expect(celRun(gcpCondition, token('vuln-fix'))).toBe(false);
    expect(celRun(gcpCondition, token('v1.0.0'))).toBe(false);
    expect(celRun(gcpCondition, token('main'))).toBe(true);
    expect((noDeployment[0].artifact as GcpTrust).warnings.join('\n')).toContain(
      'Tags (v*) are left out of the attribute condition',
    );
  });

  it('Vault: bound_claims.branchName lists the branches only', () => {
    const vaultRole = noDeployment[1].artifact as VaultTrust;
    expect((vaultRole.rolePayload.bound_claims as Record<string, string[]>).branchName).toEqual(['main', 'release/*']);
    expect(vaultRole.warnings.join('\n')).toContain('Tags (v*) are left out of `bound_claims.branchName`');
  });

  it('with a deployment environment the tags are matched, bound to it, and the warning says so', () => {
    const bound = trustArtifacts(policyOf(withTags), inputs);
    expect((bound[1].artifact as VaultTrust).rolePayload.bound_claims).toMatchObject({
      deploymentEnvironmentUuid: [DEPLOYMENT],
      branchName: ['main', 'release/*', 'v*'],
    });
    expect((bound[0].artifact as GcpTrust).warnings.join('\n')).toContain(
      'only the deployment-environment binding keeps it out',
    );
  });
});
