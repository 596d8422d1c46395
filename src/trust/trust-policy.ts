/**
 * The AWS IAM trust policy for one environment's OIDC role: the other half of the environment
 * separation. The provider keeps each step on its environment's runners; the trust policy keeps
 * each role on those runners' network, so a token from a DEV runner cannot assume the PROD role.
 * Facts and condition keys: shared/reference/dynamic-pipelines.md §11. Pure: the settings page
 * uses it too.
 */
import { parseCidr } from '../policy/network';
import { isNonPublicCidr } from '../policy/non-public-cidr';
import type { Environment, Policy } from '../policy/schema';
import { describeScope } from '../policy/scope';
import { bitbucketAudience, checkedBareUuid, checkWorkspaceSlug, subPatterns, TrustPolicyInputError } from './inputs';

export interface TrustPolicyOptions {
  readonly environment: string;
  /** The workspace slug, as in https://bitbucket.org/<slug>/. */
  readonly workspaceSlug: string;
  /** The workspace UUID, with or without braces. */
  readonly workspaceUuid: string;
  /** The AWS account that holds the role and the OIDC identity provider. */
  readonly accountId: string;
  /** Restricts `sub` to one repository; without it every repository of the workspace may assume the role. */
  readonly repositoryUuid?: string;
  /**
   * Restricts `sub` to these repositories (with `repositoryUuid`, if both are given): e.g. those in a scoped
   * environment's scope.
   */
  readonly repositoryUuids?: readonly string[];
  /** Restricts `sub` to deployment steps of these Bitbucket deployment environments. */
  readonly deploymentEnvironmentUuids?: readonly string[];
}

export interface TrustPolicy {
  readonly document: TrustPolicyDocument;
  /** Ways the generated policy is weaker than it looks, each with what to do about it. */
  readonly warnings: string[];
}

export interface TrustPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly Federated: string };
  readonly Action: 'sts:AssumeRoleWithWebIdentity';
  readonly Condition: Record<string, Record<string, string | string[]>>;
}

export interface TrustPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: TrustPolicyStatement[];
}

export { TrustPolicyInputError } from './inputs';

const ACCOUNT_ID = /^\d{12}$/;

function sidOf(env: Environment, suffix: string): string {
  const name = env.name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `BitbucketPipelines${name}${suffix}`;
}

/** The issuer host and path without the scheme: IAM names the provider and its condition keys by it. */
export function oidcIssuerPath(workspaceSlug: string): string {
  return `api.bitbucket.org/2.0/workspaces/${workspaceSlug}/pipelines-config/identity/oidc`;
}

type Conditions = Record<string, Record<string, string | string[]>>;

interface CheckedInputs {
  readonly workspaceUuid: string;
  readonly repositoryUuids: string[];
  readonly environmentUuids: string[];
}

function environmentNamed(policy: Policy, name: string): Environment {
  const env = policy.environments.find((candidate) => candidate.name === name);
  if (!env)
    throw new TrustPolicyInputError(
      `the policy has no environment "${name}"; ` + `it has: ${policy.environments.map((e) => e.name).join(', ')}`,
    );
  return env;
}

function checkedInputs(options: TrustPolicyOptions): CheckedInputs {
  if (!ACCOUNT_ID.test(options.accountId))
    throw new TrustPolicyInputError(`AWS account ID "${options.accountId}" is not 12 digits`);
  checkWorkspaceSlug(options.workspaceSlug);
  const workspaceUuid = checkedBareUuid(options.workspaceUuid, 'workspace UUID');
  const repositoryUuids = [
    ...new Set(
      [
        ...(options.repositoryUuid === undefined ? [] : [options.repositoryUuid]),
        ...(options.repositoryUuids ?? []),
      ].map((uuid) => checkedBareUuid(uuid, 'repository UUID')),
    ),
  ];
  const environmentUuids = (options.deploymentEnvironmentUuids ?? []).map((uuid) =>
    checkedBareUuid(uuid, 'deployment environment UUID'),
  );
  return { workspaceUuid, repositoryUuids, environmentUuids };
}

function identityConditions(env: Environment, issuer: string, inputs: CheckedInputs): Conditions {
  const audience =
    env.oidc && !env.oidc.provider && env.oidc.audience ? env.oidc.audience : bitbucketAudience(inputs.workspaceUuid);
  const identity: Conditions = {
    StringEquals: { [`${issuer}:aud`]: audience },
  };
  // `sub` is {REPOSITORY_UUID}[:{ENVIRONMENT_UUID}]:{STEP_UUID}, hence StringLike and the `*`.
  const subs = subPatterns(inputs.repositoryUuids, inputs.environmentUuids);
  if (subs.length) identity.StringLike = { [`${issuer}:sub`]: subs.length === 1 ? subs[0] : subs };
  return identity;
}

function identityWarnings(env: Environment, options: TrustPolicyOptions, repositoryUuids: string[]): string[] {
  const warnings: string[] = [];
  if (!repositoryUuids.length && env.scope)
    warnings.push(
      `Environment "${env.name}" serves only ${describeScope(env.scope)}, but no repository UUID was given, ` +
        `so a step of any repository in workspace "${options.workspaceSlug}" that runs on these runners can ` +
        'assume the role. Pass --repository-uuid once for each repository in the scope (Repository settings → ' +
        'OpenID Connect shows it) to restrict `sub` to them; Pipeline Guard keeps other repositories off the ' +
        'runners, the trust policy keeps them off the role.',
    );
  else if (!repositoryUuids.length)
    warnings.push(
      `No repository UUID given: a step of any repository in workspace "${options.workspaceSlug}" that runs on ` +
        'these runners can assume the role. Pass --repository-uuid to restrict `sub`.',
    );
  if (env.oidc && !env.oidc.provider && env.oidc.audience)
    warnings.push(
      `The policy sets the custom audience "${env.oidc.audience}": steps of "${env.name}" must ask for it with ` +
        `\`oidc: { audiences: [${env.oidc.audience}] }\`, and the IAM OIDC identity provider must list it as a ` +
        'client ID.',
    );
  return warnings;
}

/** Throws for a GCP or Vault environment, whose trust artifact is not an IAM trust policy. */
function roleWarnings(env: Environment, options: TrustPolicyOptions): string[] {
  if (env.oidc?.provider === 'gcp' || env.oidc?.provider === 'vault')
    throw new TrustPolicyInputError(
      `environment "${env.name}" uses ${env.oidc.provider === 'gcp' ? 'GCP' : 'Vault'}, not an AWS role; ` +
        `its trust artifact is the ${env.oidc.provider === 'gcp' ? 'workload identity provider' : 'Vault JWT role'} ` +
        'that `pipeline-guard trust-policy` prints without --account',
    );
  if (!env.oidc)
    return [
      `Environment "${env.name}" has no \`oidc\` role in the policy, so Pipeline Guard never sets up a role for ` +
        'its steps. Add `oidc: { roleArn, region }` to the environment before creating this role.',
    ];
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(env.oidc.roleArn)?.[1];
  if (roleAccount && roleAccount !== options.accountId)
    return [
      `Environment "${env.name}" uses role ${env.oidc.roleArn} in account ${roleAccount}, but this trust policy ` +
        `is for account ${options.accountId}. Attach it to the role in ${roleAccount}, or correct --account.`,
    ];
  return [];
}

function privateRangeWarning(cidrs: readonly string[]): string[] {
  const privateRanges = cidrs.filter((text) => {
    const parsed = parseCidr(text);
    return parsed !== undefined && isNonPublicCidr(parsed);
  });
  if (!privateRanges.length) return [];
  const one = privateRanges.length === 1;
  return [
    `${privateRanges.join(', ')} ${one ? 'is a private address range' : 'are private address ranges'}: ` +
      'aws:SourceIp only ever holds the public address STS sees, ' +
      `so ${one ? 'it never matches' : 'they never match'}. ` +
      "List the runners' public NAT egress addresses under `cidrs`, or reach STS through a VPC endpoint and use " +
      '`vpcEndpointIds`/`vpcIds`.',
  ];
}

function vpcWarning(endpoints: readonly string[], vpcs: readonly string[]): string {
  const keys = [endpoints.length ? 'aws:SourceVpce' : '', vpcs.length ? 'aws:SourceVpc' : ''].filter(Boolean);
  return (
    `${keys.join(' and ')} exist only when the runners call STS through an interface VPC endpoint ` +
    '(com.amazonaws.<region>.sts, private DNS on); over the internet ' +
    `${endpoints.length && vpcs.length ? 'these statements never match' : 'this statement never matches'}. ` +
    'Also set AWS_STS_REGIONAL_ENDPOINTS=regional on the runners.'
  );
}

type StatementFor = (suffix: string, network: Conditions) => TrustPolicyStatement;

/**
 * Each network kind gets its own statement: IAM ANDs the keys of one statement, and aws:SourceIp
 * (internet) and aws:SourceVpc/aws:SourceVpce (VPC endpoint) are never present together, so one
 * statement holding both could never match.
 */
function networkStatements(
  env: Environment,
  statement: StatementFor,
  identity: Conditions,
  repositoryUuids: string[],
): { statements: TrustPolicyStatement[]; warnings: string[] } {
  const statements: TrustPolicyStatement[] = [];
  const warnings: string[] = [];
  const network = env.runner?.network;
  const cidrs = network?.cidrs ?? [];
  const endpoints = network?.vpcEndpointIds ?? [];
  const vpcs = network?.vpcIds ?? [];
  if (cidrs.length) {
    statements.push(statement('FromRunnerEgress', { IpAddress: { 'aws:SourceIp': cidrs } }));
    warnings.push(...privateRangeWarning(cidrs));
  }
  if (endpoints.length)
    statements.push(
      statement('ViaStsVpcEndpoint', { StringEquals: { ...identity.StringEquals, 'aws:SourceVpce': endpoints } }),
    );
  if (vpcs.length)
    statements.push(statement('FromRunnerVpc', { StringEquals: { ...identity.StringEquals, 'aws:SourceVpc': vpcs } }));
  if (endpoints.length || vpcs.length) warnings.push(vpcWarning(endpoints, vpcs));
  if (statements.length === 0) {
    statements.push(statement('AnyNetwork', {}));
    warnings.push(
      `Environment "${env.name}" has no \`runner.network\`, so the trust policy cannot tie the role to its ` +
        `runners: any step of the ${repositoryUuids.length ? 'repository' : 'workspace'} that gets an OIDC token, ` +
        "on any runner of any environment, can assume the role. Add the runners' public egress `cidrs` or their " +
        '`vpcEndpointIds`/`vpcIds` to the policy.',
    );
  }
  return { statements, warnings };
}

export function generateTrustPolicy(policy: Policy, options: TrustPolicyOptions): TrustPolicy {
  const env = environmentNamed(policy, options.environment);
  const inputs = checkedInputs(options);
  const issuer = oidcIssuerPath(options.workspaceSlug);
  const identity = identityConditions(env, issuer, inputs);
  const warnings = [...identityWarnings(env, options, inputs.repositoryUuids), ...roleWarnings(env, options)];
  const statement: StatementFor = (suffix, network) => ({
    Sid: sidOf(env, suffix),
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${options.accountId}:oidc-provider/${issuer}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { ...identity, ...network },
  });
  const network = networkStatements(env, statement, identity, inputs.repositoryUuids);
  warnings.push(...network.warnings);
  return { document: { Version: '2012-10-17', Statement: network.statements }, warnings };
}
