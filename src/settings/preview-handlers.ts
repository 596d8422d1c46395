/**
 * What the page computes from a policy without storing anything: the preview of a pipeline (as the
 * provider would decide it, optionally under the grants in force) and the cloud trust artifacts.
 */
import * as z from 'zod';
import { handler, refuse } from './resolver-handler';
import type { PreviewView, TrustPolicyView } from './api';
import type { CallerAccess } from './access';
import type { Identity } from './identity';
import { passthroughSteps } from './passthrough';
import { draftFields, ONE_DRAFT_AT_MOST, oneDraftAtMost, parsePayload } from './payloads';
import type { PolicyReader } from './saved-policy';
import { RepositoryPayloadSchema } from './scope-handlers';
import { RequestVariableSchema, TRIGGERS } from '../engine/request';
import type { Policy } from '../policy/schema';
import { simulate, SimulationInputError } from '../simulate/simulate';
import { isActive, type GrantStore } from '../storage/grant-store';
import { MAX_PIPELINE_YAML, PreviewTargetSchema } from '../storage/policy-tests';
import { artifactText, trustArtifacts, type EnvironmentTrust } from '../trust/artifacts';
import { TrustPolicyInputError } from '../trust/inputs';

const PreviewPayload = z
  .strictObject({
    yaml: z.string().max(MAX_PIPELINE_YAML, `the pipeline is limited to ${MAX_PIPELINE_YAML / 1024} KiB`),
    target: PreviewTargetSchema,
    trigger: z.enum(TRIGGERS).optional(),
    /** The repository the run is for (scoped environments); none: a repository no scope includes. */
    repository: RepositoryPayloadSchema.optional(),
    /** Run under the break-glass grants in force now, as the provider would. */
    applyGrants: z.boolean().optional(),
    /** The request's `variables`: what `${{NAME}}` templates and `$NAME` in commands are read with. */
    variables: z.array(RequestVariableSchema).max(500).optional(),
    ...draftFields,
  })
  .refine(oneDraftAtMost, ONE_DRAFT_AT_MOST);

const TrustPayload = z
  .strictObject({
    workspaceSlug: z.string().trim().min(1, 'the workspace slug is required').max(62),
    repositoryUuid: z.string().trim().max(40).optional(),
    repositoryUuids: z.array(z.string().trim().max(40)).max(50).optional(),
    deploymentEnvironmentUuids: z.array(z.string().trim().max(40)).max(50).optional(),
    ...draftFields,
  })
  .refine(oneDraftAtMost, ONE_DRAFT_AT_MOST);

export interface PreviewHandlerDependencies {
  readonly reader: PolicyReader;
  readonly grants: GrantStore;
  readonly access: CallerAccess;
  readonly now: () => Date;
}

function trustView(entry: EnvironmentTrust): TrustPolicyView {
  const artifact = entry.artifact;
  if (!artifact) return { environment: entry.environment, warnings: [], error: entry.error };
  const identity =
    artifact.provider === 'aws'
      ? artifact.roleArn
      : artifact.provider === 'gcp'
        ? artifact.serviceAccount
        : `${artifact.role} (auth/${artifact.mount})`;
  return {
    environment: entry.environment,
    provider: artifact.provider,
    ...(artifact.provider === 'aws' ? { roleArn: artifact.roleArn, trustPolicy: artifact.trustPolicy } : {}),
    identity,
    artifact,
    text: artifactText(artifact),
    warnings: artifact.warnings,
  };
}

/** Every environment's trust artifact; the workspace inputs are checked once, not on every card. */
function artifactsFor(policy: Policy, input: z.output<typeof TrustPayload>, workspaceUuid: string): EnvironmentTrust[] {
  const repositoryUuids = [...(input.repositoryUuid ? [input.repositoryUuid] : []), ...(input.repositoryUuids ?? [])];
  try {
    const { workspaceSlug, deploymentEnvironmentUuids } = input;
    return trustArtifacts(policy, { workspaceSlug, workspaceUuid, repositoryUuids, deploymentEnvironmentUuids });
  } catch (error) {
    if (!(error instanceof TrustPolicyInputError)) throw error;
    return refuse({ code: 'invalid-request', message: error.message });
  }
}

export function createPreviewHandlers({ reader, grants, access, now }: PreviewHandlerDependencies) {
  /**
   * The grant records, not the copy runs read: a preview shows what the grants say, and the Grants tab flags a
   * copy that lags. A member previews under the grants of repositories they can read only, so a preview tells
   * nothing about the others.
   */
  const grantsInForce = async (identity: Identity, at: Date) => {
    const readable = await access.readableRepositories(identity);
    const entries = (await grants.list()).filter((entry) => isActive(entry, at) && readable.includesGrant(entry.grant));
    return entries.map((entry) => entry.grant);
  };

  return {
    preview: handler<PreviewView>(async (identity, payload) => {
      const input = parsePayload(PreviewPayload, payload);
      const { compiled, source } = await reader.inUse(input);
      const at = now();
      const inForce = input.applyGrants ? await grantsInForce(identity, at) : undefined;
      const grantsView = inForce
        ? {
            grantsApplied: {
              now: at.toISOString(),
              inForce: inForce.map(({ id, repository, expires }) => ({ id, repository, expires })),
            },
          }
        : {};
      try {
        const result = simulate({
          yamlText: input.yaml,
          policy: compiled,
          target: input.target,
          trigger: input.trigger,
          repository: input.repository,
          variables: input.variables,
          ...(inForce ? { grants: inForce, now: at } : {}),
        });
        if (!compiled && result.outcome !== 'none')
          return {
            result,
            policySource: source,
            passthrough: { steps: passthroughSteps(result, input.yaml) },
            ...grantsView,
          };
        return { result, policySource: source, ...grantsView };
      } catch (error) {
        if (!(error instanceof SimulationInputError)) throw error;
        return refuse({
          code: 'invalid-pipeline',
          message: `The pipeline cannot be previewed: ${error.message}`,
          line: error.position?.line,
          column: error.position?.column,
        });
      }
    }),

    trustPolicies: handler<{ policies: TrustPolicyView[]; policySource: string }>(async (identity, payload) => {
      const input = parsePayload(TrustPayload, payload);
      const { compiled, source } = await reader.inUse(input);
      if (!compiled)
        return refuse({
          code: 'not-found',
          message: 'There is no policy yet, so there are no roles to trust. Write and save a policy first.',
        });
      const entries = artifactsFor(compiled.policy, input, identity.workspaceId);
      return { policies: entries.map(trustView), policySource: source };
    }),
  };
}
