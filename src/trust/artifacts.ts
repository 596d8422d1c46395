/**
 * Every environment's trust artifact, whatever its cloud: what `pipeline-guard trust-policy` and the
 * settings page's Trust tab show. AWS gets the IAM trust policy, GCP the workload identity
 * provider and binding, Vault the JWT auth config and role.
 */

import type { Environment, OidcProvider, Policy } from '../policy/schema';
import { generateGcpTrust, type GcpTrust } from './gcp';
import { checkInputs, TrustPolicyInputError, type WorkspaceInputs } from './inputs';
import { generateTrustPolicy, type TrustPolicyDocument } from './trust-policy';
import { generateVaultTrust, type VaultTrust } from './vault';

export interface AwsTrust {
  readonly provider: 'aws';
  readonly roleArn: string;
  readonly accountId: string;
  readonly trustPolicy: TrustPolicyDocument;
  readonly warnings: string[];
}

export type TrustArtifact = AwsTrust | GcpTrust | VaultTrust;

export interface EnvironmentTrust {
  readonly environment: string;
  readonly provider?: OidcProvider;
  readonly artifact?: TrustArtifact;
  /** Why there is no artifact (no identity, or an input that does not fit this environment). */
  readonly error?: string;
}

export interface TrustInputs extends WorkspaceInputs {
  /** Only this environment; all of them when absent. */
  readonly environment?: string;
  /** AWS account of the role; taken from the role ARN when absent. */
  readonly accountId?: string;
}

function artifactFor(policy: Policy, env: Environment, inputs: TrustInputs): EnvironmentTrust {
  const oidc = env.oidc;
  if (!oidc)
    return {
      environment: env.name,
      error: `Environment "${env.name}" has no OIDC identity, so it needs no trust artifact.`,
    };
  const checked = checkInputs(inputs);
  if (oidc.provider === 'gcp')
    return { environment: env.name, provider: 'gcp', artifact: generateGcpTrust(env, oidc, checked) };
  if (oidc.provider === 'vault')
    return { environment: env.name, provider: 'vault', artifact: generateVaultTrust(env, oidc, checked) };
  const accountId = inputs.accountId ?? /^arn:[^:]+:iam::(\d{12}):/.exec(oidc.roleArn)![1];
  const generated = generateTrustPolicy(policy, {
    environment: env.name,
    workspaceSlug: inputs.workspaceSlug,
    workspaceUuid: inputs.workspaceUuid,
    accountId,
    repositoryUuids: inputs.repositoryUuids,
    deploymentEnvironmentUuids: inputs.deploymentEnvironmentUuids,
  });
  return {
    environment: env.name,
    provider: 'aws',
    artifact: {
      provider: 'aws',
      roleArn: oidc.roleArn,
      accountId,
      trustPolicy: generated.document,
      warnings: generated.warnings,
    },
  };
}

/** One entry per environment (or the one asked for). Throws TrustPolicyInputError on unusable workspace inputs. */
export function trustArtifacts(policy: Policy, inputs: TrustInputs): EnvironmentTrust[] {
  checkInputs(inputs);
  const environments =
    inputs.environment === undefined
      ? policy.environments
      : policy.environments.filter((env) => env.name === inputs.environment);
  if (!environments.length)
    throw new TrustPolicyInputError(
      `the policy has no environment "${inputs.environment}"; ` +
        `it has: ${policy.environments.map((e) => e.name).join(', ')}`,
    );
  return environments.map((env) => artifactFor(policy, env, inputs));
}

/** The ready-to-paste text of one artifact: the IAM JSON, or the shell commands for gcloud or vault. */
export function artifactText(artifact: TrustArtifact): string {
  if (artifact.provider === 'aws') return JSON.stringify(artifact.trustPolicy, null, 2);
  return artifact.commands.join('\n\n');
}

export const providerLabel = (provider: OidcProvider) =>
  ({ aws: 'AWS IAM role', gcp: 'GCP workload identity federation', vault: 'HashiCorp Vault JWT auth' })[provider];
