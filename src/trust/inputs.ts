/**
 * What every trust artifact needs from the caller's workspace, checked once: slugs, UUIDs, the issuer and the default
 * audience.
 */
import type { Environment } from '../policy/schema';
import { bareUuid } from '../primitives/uuid';

export class TrustPolicyInputError extends Error {}

const WORKSPACE_SLUG = /^[a-z0-9][a-z0-9_.-]{0,61}$/;
const UUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/**
 * The UUID without braces, lower case (primitives' `bareUuid`), after checking it is one; throws TrustPolicyInputError
 * naming `what`.
 */
export function checkedBareUuid(value: string, what: string): string {
  const text = value.trim();
  if (!UUID.test(text) || text.startsWith('{') !== text.endsWith('}'))
    throw new TrustPolicyInputError(`${what} "${value}" is not a UUID such as {308ce669-576d-4fa7-b4d4-15e8171f0c8c}`);
  return bareUuid(text);
}

/** Bitbucket's claims carry UUIDs in braces. */
export const braced = (uuid: string) => `{${uuid}}`;

export function checkWorkspaceSlug(slug: string): void {
  if (!WORKSPACE_SLUG.test(slug))
    throw new TrustPolicyInputError(
      `workspace slug "${slug}" is not a Bitbucket workspace slug (lowercase letters, digits, "-", "_" and "."), ` +
        'e.g. the "acme" in https://bitbucket.org/acme/',
    );
}

export const issuerUrl = (slug: string) =>
  `https://api.bitbucket.org/2.0/workspaces/${slug}/pipelines-config/identity/oidc`;

/** The `aud` of a token minted without custom audiences. */
export const bitbucketAudience = (workspaceUuid: string) => `ari:cloud:bitbucket::workspace/${workspaceUuid}`;

/** `sub` patterns: `{repo}:*`, or `{repo}:{env}:*` per pair; `*:{env}:*` with environments only. */
export function subPatterns(repositories: readonly string[], environments: readonly string[]): string[] {
  const repos = repositories.length ? repositories.map(braced) : environments.length ? ['*'] : [];
  if (!environments.length) return repos.map((repo) => `${repo}:*`);
  return repos.flatMap((repo) => environments.map((env) => `${repo}:${braced(env)}:*`));
}

/** Caller's inputs for every provider's artifact. */
export interface WorkspaceInputs {
  readonly workspaceSlug: string;
  readonly workspaceUuid: string;
  readonly repositoryUuids?: readonly string[];
  readonly deploymentEnvironmentUuids?: readonly string[];
}

export interface CheckedInputs {
  readonly workspaceSlug: string;
  readonly workspaceUuid: string;
  readonly repositoryUuids: readonly string[];
  readonly deploymentEnvironmentUuids: readonly string[];
}

export function checkInputs(inputs: WorkspaceInputs): CheckedInputs {
  checkWorkspaceSlug(inputs.workspaceSlug);
  return {
    workspaceSlug: inputs.workspaceSlug,
    workspaceUuid: checkedBareUuid(inputs.workspaceUuid, 'workspace UUID'),
    repositoryUuids: [
      ...new Set((inputs.repositoryUuids ?? []).map((uuid) => checkedBareUuid(uuid, 'repository UUID'))),
    ],
    deploymentEnvironmentUuids: [
      ...new Set(
        (inputs.deploymentEnvironmentUuids ?? []).map((uuid) => checkedBareUuid(uuid, 'deployment environment UUID')),
      ),
    ],
  };
}

/**
 * The refs the branch clause admits. The token has no tag claim: a tag glob matched against
 * `branchName` would admit a branch named like it ("v*" admits a branch "vuln-fix"). Tags are
 * left out, so the cloud refuses tag pipelines, unless deployment-environment UUIDs are bound too,
 * which only steps of that Bitbucket deployment environment carry.
 */
export function trustedRefs(env: Environment, inputs: CheckedInputs): string[] {
  return inputs.deploymentEnvironmentUuids.length ? [...env.branches, ...env.tags] : [...env.branches];
}

/** The warning for an environment with tags, the same for every cloud. */
export function tagWarning(env: Environment, inputs: CheckedInputs, where: string): string | undefined {
  if (!env.tags.length) return undefined;
  if (!inputs.deploymentEnvironmentUuids.length)
    return (
      `Tags (${env.tags.join(', ')}) are left out of ${where}: Bitbucket's token has no tag claim, ` +
      'and a tag glob matched against `branchName` would admit a branch named like it ' +
      '(e.g. "v*" admits a branch "vuln-fix"). ' +
      `Tag pipelines of "${env.name}" are therefore refused by the cloud. ` +
      'To admit them, pass --deployment-environment-uuid: ' +
      'the tags are then matched against `branchName` together with the deployment environment.'
    );
  return (
    `Tags (${env.tags.join(', ')}) are matched against \`branchName\` in ${where}, ` +
    'together with the deployment environment: a branch named like a tag glob passes the branch check, ' +
    'so only the deployment-environment binding keeps it out. ' +
    'What `branchName` holds on tag pipelines is not documented: test a tag pipeline before relying on it.'
  );
}
