/**
 * The trust check on the JSON each cloud's CLI prints (fixtures/trust/deployed/, written from what
 * `pipeline-guard trust-policy` generates for fixtures/trust/clouds.yaml): exactly as generated it
 * passes; without the network condition, or with a wildcard repository, it fails and names what is
 * weaker; with an extra, stricter condition it passes and says so; unusable input is refused.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePolicyText } from '../../src/policy/text';
import { trustArtifacts, type EnvironmentTrust } from '../../src/trust/artifacts';
import {
  checkTrust,
  splitJsonDocuments,
  TrustCheckInputError,
  type DeployedInput,
  type TrustCheckResult,
} from '../../src/trust/check';
import { conditionClauses } from '../../src/trust/check-gcp';
import { vaultSeconds } from '../../src/trust/check-vault';
import { globCovers, rangesOutside } from '../../src/trust/check-common';

const FIXTURES = path.join(__dirname, '../../fixtures/trust');
const parsed = parsePolicyText(readFileSync(path.join(FIXTURES, 'clouds.yaml'), 'utf8'));
if (!parsed.ok) throw new Error('fixtures/trust/clouds.yaml must load');
const policy = parsed.policy;

const INPUTS = {
  workspaceSlug: 'acme',
  workspaceUuid: '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}',
  repositoryUuids: ['{2fc883c6-3dee-4e73-a354-ccee4bd77938}'],
  deploymentEnvironmentUuids: ['{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}'],
};

const entry = (environment: string, inputs: object = INPUTS): EnvironmentTrust =>
  trustArtifacts(policy, { ...INPUTS, ...inputs, environment })[0];
const fixture = (name: string): any => JSON.parse(readFileSync(path.join(FIXTURES, 'deployed', name), 'utf8'));
const input = (label: string, value: unknown): DeployedInput => ({
  label,
  text: typeof value === 'string' ? value : JSON.stringify(value, null, 4),
});

const weaker = (result: TrustCheckResult) => result.findings.filter((f) => f.verdict === 'weaker');
const stronger = (result: TrustCheckResult) => result.findings.filter((f) => f.verdict === 'stronger');

describe('trust check: AWS (aws iam get-role)', () => {
  const prod = entry('prod');
  const role = () => fixture('aws-get-role.json');
  const statement = (doc: any) => doc.Role.AssumeRolePolicyDocument.Statement[0];
  const check = (doc: unknown) => checkTrust(prod, [input('role.json', doc)]);

  it('passes the role exactly as generated, with nothing to report', () => {
    const result = check(role());
    expect(result).toMatchObject({ environment: 'prod', provider: 'aws', verdict: 'as strict', findings: [] });
    expect(result.identity).toBe('arn:aws:iam::111111111111:role/bitbucket-pipelines-prod');
    expect(result.inputs).toEqual([{ label: 'role.json', kind: 'aws-role' }]);
  });

  it('reads the URL-encoded policy document the IAM API returns, and a bare document', () => {
    const encoded = role();
    encoded.Role.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(encoded.Role.AssumeRolePolicyDocument));
    expect(check(encoded).verdict).toBe('as strict');
    expect(check(role().Role.AssumeRolePolicyDocument).verdict).toBe('as strict');
  });

  it('fails without the network condition, and names it', () => {
    const doc = role();
    delete statement(doc).Condition.IpAddress;
    const result = check(doc);
    expect(result.verdict).toBe('weaker');
    expect(weaker(result)).toEqual([
      expect.objectContaining({
        dimension: 'network',
        where: 'Statement[0] (Sid "BitbucketPipelinesProdFromRunnerEgress").Condition',
        message: expect.stringContaining('has no network condition'),
        fix: expect.stringContaining('aws:SourceIp'),
      }),
    ]);
  });

  it("fails with source addresses outside the runners' network, or a network condition that may be absent", () => {
    const wide = role();
    statement(wide).Condition.IpAddress['aws:SourceIp'] = ['203.0.113.0/24'];
    expect(weaker(check(wide))).toEqual([
      expect.objectContaining({ dimension: 'network', message: expect.stringContaining('"203.0.113.0/24"') }),
    ]);
    const ifExists = role();
    const condition = statement(ifExists).Condition;
    condition.IpAddressIfExists = condition.IpAddress;
    delete condition.IpAddress;
    expect(weaker(check(ifExists)).map((f) => f.dimension)).toEqual(['network']);
  });

  it('fails with a wildcard repository in `sub`, or no `sub` at all', () => {
    const wildcard = role();
    statement(wildcard).Condition.StringLike[
      'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:sub'
    ] = '*';
    expect(weaker(check(wildcard))).toEqual([
      expect.objectContaining({ dimension: 'repository', message: expect.stringContaining('wildcard repository') }),
    ]);
    const none = role();
    delete statement(none).Condition.StringLike;
    expect(weaker(check(none))).toEqual([expect.objectContaining({ dimension: 'repository' })]);
  });

  it('fails on a deployment environment the policy does not name, another audience, or another provider', () => {
    const doc = role();
    const key = 'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc';
    statement(doc).Condition.StringLike[`${key}:sub`] = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}:*';
    statement(doc).Condition.StringEquals[`${key}:aud`] = [
      'ari:cloud:bitbucket::workspace/308ce669-576d-4fa7-b4d4-15e8171f0c8c',
      'sts.amazonaws.com',
    ];
    doc.Role.AssumeRolePolicyDocument.Statement.push({
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
    });
    expect(
      weaker(check(doc))
        .map((f) => f.dimension)
        .sort(),
    ).toEqual(['audience', 'deployment environment', 'identity provider']);
  });

  it('passes with an extra, stricter condition and a narrower network, and says so', () => {
    const doc = role();
    statement(doc).Condition.IpAddress['aws:SourceIp'] = ['203.0.113.4/30'];
    statement(doc).Condition.DateLessThan = { 'aws:CurrentTime': '2027-01-01T00:00:00Z' };
    const result = check(doc);
    expect(result.verdict).toBe('as strict');
    expect(stronger(result).map((f) => [f.dimension, f.message])).toEqual([
      ['network', expect.stringContaining('admits only aws:SourceIp "203.0.113.4/30"')],
      ['other', 'adds a condition on aws:CurrentTime, which can only narrow it.'],
    ]);
  });

  it("compares a statement for the workspace's provider in another account too, and notes the account", () => {
    const doc = role();
    delete statement(doc).Condition.IpAddress;
    statement(doc).Principal.Federated = statement(doc).Principal.Federated.replace('111111111111', '333333333333');
    const result = check(doc);
    expect(weaker(result).map((f) => f.dimension)).toEqual(['network']);
    expect(result.findings.filter((f) => f.verdict === 'note')).toEqual([
      expect.objectContaining({ dimension: 'identity provider', message: expect.stringContaining('333333333333') }),
    ]);
  });

  it('refuses another role, a document without a trust policy, and JSON of another cloud', () => {
    const other = role();
    other.Role.Arn = 'arn:aws:iam::111111111111:role/someone-else';
    expect(() => check(other)).toThrow(
      /is the role arn:aws:iam::111111111111:role\/someone-else, but this environment's steps assume/,
    );
    expect(() => check({ Role: { RoleName: 'x' } })).toThrow(/no trust policy in it; pass what `aws iam get-role/);
    expect(() => check(fixture('vault-role.json'))).toThrow(/role.json is a Vault role, but this environment uses AWS/);
  });
});

describe('trust check: GCP (providers describe + service-accounts get-iam-policy)', () => {
  const staging = entry('staging');
  const check = (provider: unknown, policyJson: unknown = fixture('gcp-iam-policy.json')) =>
    checkTrust(staging, [input('policy.json', policyJson), input('provider.json', provider)]);

  it('passes the provider and binding exactly as generated, in either order', () => {
    expect(check(fixture('gcp-provider.json'))).toMatchObject({ provider: 'gcp', verdict: 'as strict', findings: [] });
    expect(check(fixture('gcp-provider.json')).inputs.map((i) => i.kind)).toEqual(['gcp-iam-policy', 'gcp-provider']);
  });

  it('fails without the deployment-environment clause, and names it (GCP has no network condition)', () => {
    const provider = fixture('gcp-provider.json');
    provider.attributeCondition = provider.attributeCondition.replace(
      / && assertion\.deploymentEnvironmentUuid in \[[^\]]*\]/,
      '',
    );
    expect(weaker(check(provider))).toEqual([
      expect.objectContaining({
        dimension: 'deployment environment',
        message: expect.stringContaining('has no clause on `deploymentEnvironmentUuid`'),
      }),
    ]);
  });

  it('fails with a wildcard repository: no repository clause, or a binding for the whole pool', () => {
    const provider = fixture('gcp-provider.json');
    provider.attributeCondition = provider.attributeCondition.replace(
      / && assertion\.repositoryUuid in \[[^\]]*\]/,
      '',
    );
    expect(weaker(check(provider)).map((f) => f.dimension)).toEqual(['repository']);
    const pool = fixture('gcp-iam-policy.json');
    pool.bindings[0].members = [
      'principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/bitbucket/*',
    ];
    expect(weaker(check(fixture('gcp-provider.json'), pool))).toEqual([
      expect.objectContaining({ dimension: 'binding', message: expect.stringContaining('every identity of the pool') }),
    ]);
  });

  it('fails on a branch pattern it did not generate, an `||` at the top, or a mapping a token can choose', () => {
    const branches = fixture('gcp-provider.json');
    branches.attributeCondition = branches.attributeCondition.replace("['main']", "['main', 'feature/x']");
    expect(weaker(check(branches)).map((f) => f.dimension)).toEqual(['branch']);
    const or = fixture('gcp-provider.json');
    or.attributeCondition = `${or.attributeCondition} || true`;
    expect(weaker(check(or))).toEqual([expect.objectContaining({ message: expect.stringContaining('disjunction') })]);
    const mapping = fixture('gcp-provider.json');
    mapping.attributeMapping['attribute.pipeline_guard_environment'] = 'assertion.branchName';
    expect(weaker(check(mapping)).map((f) => f.dimension)).toEqual(['binding']);
  });

  it('passes with an extra, stricter clause and fewer branches, and says so', () => {
    const provider = fixture('gcp-provider.json');
    provider.attributeCondition = provider.attributeCondition
      .replace(/\(assertion\.branchName in \['main'\] \|\| [^)]*\)\)/, "assertion.branchName == 'main'")
      .concat(" && assertion.pipelineUuid != ''");
    const result = check(provider);
    expect(result.verdict).toBe('as strict');
    expect(stronger(result).map((f) => f.dimension)).toEqual(['branch', 'other']);
    expect(stronger(result)[1].message).toContain("adds `assertion.pipelineUuid != ''`");
  });

  it('reads clauses through mapped attributes', () => {
    const clauses = conditionClauses("attribute.repository_uuid == '{r}' && (attribute.branch in ['main'])", {
      'attribute.repository_uuid': 'assertion.repositoryUuid',
      'attribute.branch': 'assertion.branchName',
    });
    expect(clauses.map((c) => [c.claim, c.literals])).toEqual([
      ['repositoryUuid', ['{r}']],
      ['branchName', ['main']],
    ]);
  });

  it('reads both documents from one input, one after the other', () => {
    const provider = JSON.stringify(fixture('gcp-provider.json'), null, 2);
    const both = `${provider}\n${JSON.stringify(fixture('gcp-iam-policy.json'))}`;
    const result = checkTrust(staging, [{ label: 'pasted JSON', text: both }]);
    expect(result.verdict).toBe('as strict');
    expect(result.inputs).toEqual([
      { label: 'pasted JSON (document 1)', kind: 'gcp-provider' },
      { label: 'pasted JSON (document 2)', kind: 'gcp-iam-policy' },
    ]);
    expect(splitJsonDocuments('{"a": "}{"} [1]')).toEqual(['{"a": "}{"}', '[1]']);
    expect(splitJsonDocuments('{"a": 1} trailing')).toEqual(['{"a": 1} trailing']);
  });

  it('needs both documents, of this provider', () => {
    expect(() => checkTrust(staging, [input('provider.json', fixture('gcp-provider.json'))])).toThrow(
      /none of the deployed JSON is a GCP service account's IAM policy; pass the output of/,
    );
    const other = fixture('gcp-provider.json');
    other.name = 'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-prod';
    expect(() => check(other)).toThrow(/provider.json describes .*acme-prod, but this environment uses .*acme-staging/);
  });
});

describe('trust check: Vault (vault read -format=json auth/<mount>/role/<name>)', () => {
  const dev = entry('dev');
  const role = () => fixture('vault-role.json');
  const check = (value: unknown) => checkTrust(dev, [input('role.json', value)]);

  it('passes the role exactly as generated', () => {
    expect(check(role())).toMatchObject({
      provider: 'vault',
      verdict: 'as strict',
      findings: [],
      identity: 'dev-deploy (auth/jwt)',
    });
  });

  it('fails without token_bound_cidrs, and names the network', () => {
    const value = role();
    delete value.data.token_bound_cidrs;
    expect(weaker(check(value))).toEqual([
      expect.objectContaining({
        dimension: 'network',
        where: 'data.token_bound_cidrs',
        message: expect.stringContaining('from any network'),
      }),
    ]);
  });

  it('fails with a wildcard repository, and with a longer or default token lifetime', () => {
    const wildcard = role();
    wildcard.data.bound_claims.repositoryUuid = ['*'];
    expect(weaker(check(wildcard))).toEqual([
      expect.objectContaining({ dimension: 'repository', message: expect.stringContaining('a wildcard repository') }),
    ]);
    const ttl = role();
    ttl.data.token_ttl = 0;
    ttl.data.token_max_ttl = 86400;
    expect(weaker(check(ttl)).map((f) => [f.dimension, f.where])).toEqual([
      ['token lifetime', 'data.token_ttl'],
      ['token lifetime', 'data.token_max_ttl'],
    ]);
  });

  it('passes with an extra bound claim and a shorter token lifetime, and says so', () => {
    const value = role();
    value.data.bound_claims.pipelineUuid = ['{1b2c3d4e-0000-4000-8000-000000000000}'];
    value.data.token_ttl = 300;
    const result = check(value);
    expect(result.verdict).toBe('as strict');
    expect(stronger(result).map((f) => f.where)).toEqual(['data.bound_claims.pipelineUuid', 'data.token_ttl']);
  });

  it('reads the bare role payload and Vault durations', () => {
    expect(check(role().data).verdict).toBe('as strict');
    expect([
      vaultSeconds('15m'),
      vaultSeconds('1h30m'),
      vaultSeconds(900),
      vaultSeconds('900'),
      vaultSeconds('soon'),
    ]).toEqual([900, 5400, 900, 900, undefined]);
  });
});

describe('trust check: unusable input', () => {
  const prod = entry('prod');
  it.each([
    ['an empty file', '', /role.json is empty/],
    ['text that is not JSON', 'Role: x', /role.json is not JSON/],
    ['a JSON list', '[]', /is JSON, but not an IAM role, a GCP provider or IAM policy, or a Vault role/],
    ['a Statement of the wrong type', '{"Statement": 3}', /Statement must be an object or a list of them/],
    [
      'a document that is not URL-encoded JSON',
      '{"Role": {"AssumeRolePolicyDocument": "%7Bnot"}}',
      /neither JSON nor URL-encoded JSON/,
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => checkTrust(prod, [{ label: 'role.json', text }])).toThrow(TrustCheckInputError);
    expect(() => checkTrust(prod, [{ label: 'role.json', text }])).toThrow(message);
  });

  it('refuses no input, two roles, and an environment without an identity', () => {
    expect(() => checkTrust(prod, [])).toThrow(/no deployed JSON given; pass the output of `aws iam get-role/);
    const role = input('a.json', fixture('aws-get-role.json'));
    expect(() => checkTrust(prod, [role, { ...role, label: 'b.json' }])).toThrow(
      /2 documents of the deployed JSON \(a.json, b.json\) are an AWS IAM role/,
    );
    expect(() => checkTrust({ environment: 'x', error: 'Environment "x" has no OIDC identity.' }, [role])).toThrow(
      'no OIDC identity',
    );
  });
});

describe('trust check helpers', () => {
  it('covers globs soundly and finds ranges outside others', () => {
    expect(globCovers('{r}:*', '{r}:{e}:*')).toBe(true);
    expect(globCovers('{r}:{e}:*', '{r}:*')).toBe(false);
    expect(globCovers('{r}:?', '{r}:*')).toBe(false);
    expect(rangesOutside(['203.0.113.4/30', '203.0.113.9', '198.51.100.0/24', 'nonsense'], ['203.0.113.0/28'])).toEqual(
      ['198.51.100.0/24', 'nonsense'],
    );
  });
});
