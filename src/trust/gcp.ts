/**
 * GCP Workload Identity Federation for one environment: the provider's attribute mapping, an
 * attribute condition in CEL that admits only the environment's branches and tags, the given
 * repositories and deployment environments, and the gcloud commands that create the pool, the
 * provider and the service-account binding. Claims: shared/reference/platform-apis.md §5.1–5.2.
 */
import { shellQuote } from '../engine/shell';
import { globRegexSource, isLiteralGlob, REF_GLOB } from '../primitives/glob';
import type { Environment, OidcIdentity } from '../policy/schema';
import { bitbucketAudience, braced, issuerUrl, tagWarning, trustedRefs, type CheckedInputs } from './inputs';

type GcpIdentity = Extract<OidcIdentity, { provider: 'gcp' }>;

export interface GcpTrust {
  readonly provider: 'gcp';
  readonly projectNumber: string;
  readonly poolId: string;
  readonly providerId: string;
  readonly serviceAccount: string;
  readonly issuerUri: string;
  readonly allowedAudiences: string[];
  readonly attributeMapping: Record<string, string>;
  readonly attributeCondition: string;
  /** The binding's member: only tokens this provider mapped to the environment may impersonate the account. */
  readonly member: string;
  readonly commands: string[];
  readonly warnings: string[];
}

/** A CEL string literal. */
export const celString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const celList = (values: readonly string[]) => `[${values.map(celString).join(', ')}]`;

/**
 * `branchName` against ref globs: exact names with `in`, patterns with RE2 `matches` (Bitbucket's `*` stops at `/`).
 */
export function refCondition(patterns: readonly string[]): string | undefined {
  if (patterns.length === 0) return undefined;
  const literal = patterns.filter(isLiteralGlob);
  const globs = patterns.filter((p) => !isLiteralGlob(p));
  const parts = [
    ...(literal.length ? [`assertion.branchName in ${celList(literal)}`] : []),
    ...globs.map((glob) => `assertion.branchName.matches(${celString(globRegexSource(glob, REF_GLOB))})`),
  ];
  return parts.length === 1 ? parts[0] : `(${parts.join(' || ')})`;
}

export function gcpAttributeCondition(env: Environment, inputs: CheckedInputs): string {
  const clauses = [`assertion.workspaceUuid == ${celString(braced(inputs.workspaceUuid))}`];
  if (inputs.repositoryUuids.length)
    clauses.push(`assertion.repositoryUuid in ${celList(inputs.repositoryUuids.map(braced))}`);
  if (inputs.deploymentEnvironmentUuids.length)
    clauses.push(`assertion.deploymentEnvironmentUuid in ${celList(inputs.deploymentEnvironmentUuids.map(braced))}`);
  // A ref pattern of `**` admits every branch: no clause is needed, and none would narrow it.
  const refs = trustedRefs(env, inputs);
  if (!refs.includes('**')) clauses.push(refCondition(refs) ?? 'false');
  return clauses.join(' && ');
}

export function generateGcpTrust(env: Environment, oidc: GcpIdentity, inputs: CheckedInputs): GcpTrust {
  const [, projectNumber, , , , poolId, , providerId] = oidc.workloadIdentityProvider.split('/');
  const warnings: string[] = [];
  const issuerUri = issuerUrl(inputs.workspaceSlug);
  const allowedAudiences = [oidc.audience ?? bitbucketAudience(inputs.workspaceUuid)];
  const attributeMapping: Record<string, string> = {
    'google.subject': 'assertion.sub',
    'attribute.sub': 'assertion.sub',
    'attribute.repository_uuid': 'assertion.repositoryUuid',
    'attribute.branch': 'assertion.branchName',
    'attribute.deployment_environment_uuid': 'assertion.deploymentEnvironmentUuid',
    'attribute.workspace_uuid': 'assertion.workspaceUuid',
    // A constant: the binding below names it, so tokens another environment's provider admitted cannot impersonate this
    // account.
    'attribute.pipeline_guard_environment': celString(env.name),
  };
  const attributeCondition = gcpAttributeCondition(env, inputs);
  const pool = `projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}`;
  const member = `principalSet://iam.googleapis.com/${pool}/attribute.pipeline_guard_environment/${env.name}`;
  const mapping = Object.entries(attributeMapping)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const commands = [
    `gcloud iam workload-identity-pools create ${shellQuote(poolId)} --project=${shellQuote(projectNumber)} ` +
      "--location=global --display-name='Bitbucket Pipelines'",
    `gcloud iam workload-identity-pools providers create-oidc ${shellQuote(providerId)} ` +
      `--project=${shellQuote(projectNumber)} --location=global --workload-identity-pool=${shellQuote(poolId)} ` +
      `--issuer-uri=${shellQuote(issuerUri)} --allowed-audiences=${shellQuote(allowedAudiences.join(','))} ` +
      `--attribute-mapping=${shellQuote(mapping)} --attribute-condition=${shellQuote(attributeCondition)}`,
    `gcloud iam service-accounts add-iam-policy-binding ${shellQuote(oidc.serviceAccount)} ` +
      `--role=roles/iam.workloadIdentityUser --member=${shellQuote(member)}`,
  ];
  if (!inputs.repositoryUuids.length)
    warnings.push(
      `No repository UUID given: a step of any repository in workspace "${inputs.workspaceSlug}" ` +
        `on an allowed branch can impersonate ${oidc.serviceAccount}. Pass --repository-uuid.`,
    );
  const refs = trustedRefs(env, inputs);
  if (refs.includes('**'))
    warnings.push(
      `Environment "${env.name}" allows every ${env.branches.includes('**') ? 'branch' : 'tag'} ("**"), ` +
        'so the condition does not restrict `branchName`.',
    );
  const tags = refs.includes('**') ? undefined : tagWarning(env, inputs, 'the attribute condition');
  if (tags) warnings.push(tags);
  if (oidc.audience)
    warnings.push(
      `The policy sets the custom audience "${oidc.audience}": ` +
        `steps of "${env.name}" must ask for it with \`oidc: { audiences: [${oidc.audience}] }\`.`,
    );
  if (env.runner?.network)
    warnings.push(
      "GCP cannot condition on the runners' network here; keep runner separation in Pipeline Guard, " +
        'and bind by repository and deployment environment.',
    );
  return {
    provider: 'gcp',
    projectNumber,
    poolId,
    providerId,
    serviceAccount: oidc.serviceAccount,
    issuerUri,
    allowedAudiences,
    attributeMapping,
    attributeCondition,
    member,
    commands,
    warnings,
  };
}
