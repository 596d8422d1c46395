import { readFileSync } from 'fs';
import { validatePolicy } from '../../src/policy/load';
import { parsePolicyText } from '../../src/policy/text';
import type { PolicyInput } from '../../src/policy/schema';
import { policyWarnings } from '../../src/policy/warnings';
import { REFERENCE_POLICY_PATH, referencePolicyInput } from '../support/requests';

const GCP = {
  provider: 'gcp',
  workloadIdentityProvider: 'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-prod',
  serviceAccount: 'deployer@acme-prod.iam.gserviceaccount.com',
} as const;
const VAULT = { provider: 'vault', address: 'https://vault.example.com:8200', role: 'prod-deploy' } as const;

const withOidc = (oidc: unknown, index = 0): PolicyInput => {
  const policy = referencePolicyInput();
  (policy.environments[index] as { oidc: unknown }).oidc = oidc;
  return policy;
};

describe('oidc providers in the policy', () => {
  it('keeps the reference policy (no provider) loading unchanged, as AWS', () => {
    const result = parsePolicyText(readFileSync(REFERENCE_POLICY_PATH, 'utf8'));
    expect(result.ok && result.policy.environments[0].oidc).toEqual({
      roleArn: 'arn:aws:iam::111111111111:role/bitbucket-pipelines-prod',
      region: 'eu-west-1',
    });
  });

  it('accepts aws, gcp and vault, with the Vault mount defaulting to jwt', () => {
    expect(
      validatePolicy(
        withOidc({
          provider: 'aws',
          roleArn: 'arn:aws:iam::111111111111:role/x',
          region: 'eu-west-1',
          audience: 'sts.amazonaws.com',
        }),
      ).ok,
    ).toBe(true);
    expect(validatePolicy(withOidc(GCP)).ok).toBe(true);
    const vault = validatePolicy(withOidc(VAULT));
    expect(vault.ok && vault.policy.environments[0].oidc).toEqual({ ...VAULT, mount: 'jwt' });
  });

  it.each([
    ['an unknown provider', { ...GCP, provider: 'azure' }, 'environments[0].oidc.provider', 'Azure cannot federate'],
    [
      'GCP fields under AWS',
      { roleArn: 'arn:aws:iam::111111111111:role/x', region: 'eu-west-1', serviceAccount: GCP.serviceAccount },
      'environments[0].oidc.serviceAccount',
      'unknown field',
    ],
    [
      'a GCP provider that is not a full resource name',
      { ...GCP, workloadIdentityProvider: 'acme-prod' },
      'environments[0].oidc.workloadIdentityProvider',
      'not a workload identity provider',
    ],
    [
      'a service account of another domain',
      { ...GCP, serviceAccount: 'deployer@example.com' },
      'environments[0].oidc.serviceAccount',
      'not a service account',
    ],
    [
      'a Vault address without a scheme',
      { ...VAULT, address: 'vault.example.com' },
      'environments[0].oidc.address',
      'not a Vault address',
    ],
    ['a Vault role missing', { provider: 'vault', address: VAULT.address }, 'environments[0].oidc.role', ''],
    ['an audience over 150 characters', { ...GCP, audience: 'a'.repeat(151) }, 'environments[0].oidc.audience', '150'],
  ])('refuses %s at its field', (_what, oidc, path, message) => {
    const result = validatePolicy(withOidc(oidc));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]),
      );
  });
});

describe('policy check for other clouds', () => {
  it('says that Azure cannot federate directly, and names the workable patterns', () => {
    const warnings = policyWarnings(
      (
        validatePolicy(
          withOidc({
            roleArn: 'arn:aws:iam::111111111111:role/x',
            region: 'eu-west-1',
            audience: 'api://AzureADTokenExchange',
          }),
        ) as any
      ).policy,
    );
    const azure = warnings.find((w) => w.path === 'environments[0].oidc.audience');
    expect(azure?.message).toMatch(/Azure cannot federate with Bitbucket Pipelines directly/);
    expect(azure?.message).toMatch(/broker/);
    expect(azure?.message).toMatch(/managed identity/);
  });

  it('warns when two environments share one GCP service account or Vault role', () => {
    const policy = referencePolicyInput();
    policy.environments[0].oidc = GCP;
    policy.environments[1].oidc = GCP;
    const result = validatePolicy(policy);
    const messages = result.ok ? policyWarnings(result.policy).map((w) => w.message) : [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`the default environment "dev" uses the identity of "prod" (${GCP.serviceAccount})`),
      ]),
    );
  });

  it('tells a Vault environment without a network that its tokens are not bound to the runners', () => {
    const policy = withOidc(VAULT);
    delete policy.environments[0].runner!.network;
    const result = validatePolicy(policy);
    const messages = result.ok ? policyWarnings(result.policy).map((w) => w.message) : [];
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining('token_bound_cidrs')]));
  });
});
