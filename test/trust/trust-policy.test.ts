import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePolicyText } from '../../src/policy/text';
import type { Policy } from '../../src/policy/schema';
import { generateTrustPolicy, TrustPolicyInputError, type TrustPolicyOptions } from '../../src/trust/trust-policy';

function load(relative: string): Policy {
  const result = parsePolicyText(readFileSync(path.join(__dirname, '../..', relative), 'utf8'));
  if (!result.ok) throw new Error(`${relative} must load`);
  return result.policy;
}

const example = load('examples/policy.yaml');
const networks = load('fixtures/cli/policies/networks.yaml');
const issuer = 'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc';
const base: TrustPolicyOptions = {
  environment: 'prod',
  workspaceSlug: 'acme',
  workspaceUuid: '{308CE669-576D-4FA7-B4D4-15E8171F0C8C}',
  accountId: '111111111111',
  repositoryUuid: '2fc883c6-3dee-4e73-a354-ccee4bd77938',
};

describe('trust policy', () => {
  it("trusts the workspace OIDC provider, pins aud and sub, and allows only the runners' public egress", () => {
    const { document, warnings } = generateTrustPolicy(example, base);
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BitbucketPipelinesProdFromRunnerEgress',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${issuer}:aud`]: 'ari:cloud:bitbucket::workspace/308ce669-576d-4fa7-b4d4-15e8171f0c8c' },
            StringLike: { [`${issuer}:sub`]: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}:*' },
            IpAddress: { 'aws:SourceIp': ['203.0.113.0/28'] },
          },
        },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('uses aws:SourceVpce for VPC endpoints and says it only applies through an STS VPC endpoint', () => {
    const { document, warnings } = generateTrustPolicy(example, {
      ...base,
      environment: 'dev',
      accountId: '222222222222',
    });
    expect(document.Statement).toHaveLength(1);
    expect(document.Statement[0].Sid).toBe('BitbucketPipelinesDevViaStsVpcEndpoint');
    expect(document.Statement[0].Condition).toEqual({
      StringEquals: {
        [`${issuer}:aud`]: 'ari:cloud:bitbucket::workspace/308ce669-576d-4fa7-b4d4-15e8171f0c8c',
        'aws:SourceVpce': ['vpce-0a1b2c3d4e5f60718'],
      },
      StringLike: { [`${issuer}:sub`]: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}:*' },
    });
    expect(document.Statement[0].Condition).not.toHaveProperty('IpAddress');
    expect(warnings).toEqual([
      expect.stringContaining('aws:SourceVpce exist only when the runners call STS through an interface VPC endpoint'),
    ]);
  });

  it('puts each network kind in its own statement, because one statement ANDs its keys', () => {
    const { document } = generateTrustPolicy(networks, { ...base, environment: 'staging' });
    expect(document.Statement.map((s) => s.Sid)).toEqual([
      'BitbucketPipelinesStagingViaStsVpcEndpoint',
      'BitbucketPipelinesStagingFromRunnerVpc',
    ]);
    expect(document.Statement[0].Condition.StringEquals['aws:SourceVpce']).toEqual(['vpce-0a1b2c3d4e5f60718']);
    expect(document.Statement[1].Condition.StringEquals['aws:SourceVpc']).toEqual(['vpc-0123456789abcdef0']);
    expect(document.Statement[1].Condition.StringEquals).not.toHaveProperty('aws:SourceVpce');
  });

  it('warns that a private CIDR under aws:SourceIp never matches, and keeps it rather than widening the policy', () => {
    const { document, warnings } = generateTrustPolicy(networks, base);
    expect(document.Statement[0].Condition.IpAddress).toEqual({
      'aws:SourceIp': ['203.0.113.0/28', '192.168.10.0/24'],
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          /^192\.168\.10\.0\/24 is a private address range: /.source +
            /aws:SourceIp only ever holds the public address STS sees, so it never matches/.source,
        ),
      ),
    ]);
  });

  it('warns when the environment has no network, so the role is not tied to its runners', () => {
    const { document, warnings } = generateTrustPolicy(networks, { ...base, environment: 'dev' });
    expect(Object.keys(document.Statement[0].Condition)).toEqual(['StringEquals', 'StringLike']);
    expect(warnings).toEqual([
      expect.stringContaining('Environment "dev" has no `oidc` role'),
      expect.stringContaining('Environment "dev" has no `runner.network`'),
    ]);
  });

  it("warns when no repository restricts sub, and when the account differs from the role's", () => {
    const { document, warnings } = generateTrustPolicy(example, {
      ...base,
      repositoryUuid: undefined,
      accountId: '333333333333',
    });
    expect(document.Statement[0].Condition).not.toHaveProperty('StringLike');
    expect(warnings).toEqual([
      expect.stringContaining('No repository UUID given'),
      expect.stringContaining('in account 111111111111, but this trust policy is for account 333333333333'),
    ]);
  });

  it.each([
    [{ environment: 'staging' }, 'the policy has no environment "staging"; it has: prod, dev'],
    [{ accountId: '12345' }, 'AWS account ID "12345" is not 12 digits'],
    [{ workspaceSlug: 'Acme Corp' }, 'workspace slug "Acme Corp" is not a Bitbucket workspace slug'],
    [{ workspaceUuid: 'not-a-uuid' }, 'workspace UUID "not-a-uuid" is not a UUID'],
    [{ workspaceUuid: '{308ce669-576d-4fa7-b4d4-15e8171f0c8c' }, 'workspace UUID'],
    [{ repositoryUuid: '1234' }, 'repository UUID "1234" is not a UUID'],
  ])('refuses %j', (override, message) => {
    expect(() => generateTrustPolicy(example, { ...base, ...override })).toThrow(TrustPolicyInputError);
    expect(() => generateTrustPolicy(example, { ...base, ...override })).toThrow(message);
  });
});
