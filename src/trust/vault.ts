/**
 * HashiCorp Vault JWT auth for one environment: the `auth/<mount>/config` and
 * `auth/<mount>/role/<role>` payloads (parameter names as in Vault's JWT auth API, see
 * fixtures/trust/vault-jwt-parameters.json), bound to the workspace's issuer and audience, the
 * repositories, deployment environments and branches, the runners' network, with a short TTL.
 */
import { shellQuote } from '../engine/shell';
import { isLiteralGlob } from '../primitives/glob';
import type { Environment, OidcIdentity } from '../policy/schema';
import { bitbucketAudience, braced, issuerUrl, tagWarning, trustedRefs, type CheckedInputs } from './inputs';

type VaultIdentity = Extract<OidcIdentity, { provider: 'vault' }>;

export const VAULT_TOKEN_TTL = '15m';
export const VAULT_TOKEN_MAX_TTL = '30m';

export interface VaultTrust {
  readonly provider: 'vault';
  readonly address: string;
  readonly mount: string;
  readonly role: string;
  readonly configPath: string;
  readonly config: { readonly oidc_discovery_url: string; readonly bound_issuer: string };
  readonly rolePath: string;
  readonly rolePayload: Record<string, unknown>;
  readonly commands: string[];
  readonly warnings: string[];
}

/** Expands `{a,b}` lists, since Vault's glob knows only `*`. */
function expandAlternatives(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  return match[1]
    .split(',')
    .flatMap((part) =>
      expandAlternatives(pattern.slice(0, match.index) + part + pattern.slice(match.index + match[0].length)),
    );
}

/** Ref globs as Vault globs: `**` and `*` become `*` (which also crosses `/`), `?` becomes `*`. */
export function vaultBranchGlobs(patterns: readonly string[]): { values: string[]; widened: boolean; glob: boolean } {
  const expanded = patterns.flatMap(expandAlternatives);
  // A single `*` stops at "/" in Bitbucket but not in Vault; `?` has no Vault equivalent but `*`.
  const widened = expanded.some((pattern) => /(^|[^*])\*($|[^*])/.test(pattern) || pattern.includes('?'));
  const values = expanded.map((pattern) =>
    isLiteralGlob(pattern) ? pattern : pattern.replace(/\*\*?/g, '*').replace(/\?/g, '*'),
  );
  return { values: [...new Set(values)], widened, glob: values.some((v) => v.includes('*')) };
}

export function generateVaultTrust(env: Environment, oidc: VaultIdentity, inputs: CheckedInputs): VaultTrust {
  const warnings: string[] = [];
  const issuer = issuerUrl(inputs.workspaceSlug);
  const refs = trustedRefs(env, inputs);
  const branches = refs.includes('**') ? undefined : vaultBranchGlobs(refs);
  const boundClaims: Record<string, string[]> = { workspaceUuid: [braced(inputs.workspaceUuid)] };
  if (inputs.repositoryUuids.length) boundClaims.repositoryUuid = inputs.repositoryUuids.map(braced);
  if (inputs.deploymentEnvironmentUuids.length)
    boundClaims.deploymentEnvironmentUuid = inputs.deploymentEnvironmentUuids.map(braced);
  if (branches) boundClaims.branchName = branches.values;
  const cidrs = env.runner?.network?.cidrs ?? [];
  const rolePayload: Record<string, unknown> = {
    role_type: 'jwt',
    user_claim: 'repositoryUuid',
    bound_audiences: [oidc.audience ?? bitbucketAudience(inputs.workspaceUuid)],
    bound_claims_type: branches?.glob ? 'glob' : 'string',
    bound_claims: boundClaims,
    ...(cidrs.length ? { token_bound_cidrs: cidrs } : {}),
    token_ttl: VAULT_TOKEN_TTL,
    token_max_ttl: VAULT_TOKEN_MAX_TTL,
    token_policies: [oidc.role],
    token_no_default_policy: true,
  };
  const configPath = `auth/${oidc.mount}/config`;
  const rolePath = `auth/${oidc.mount}/role/${oidc.role}`;
  const config = { oidc_discovery_url: issuer, bound_issuer: issuer };
  const commands = [
    `export VAULT_ADDR=${shellQuote(oidc.address)}`,
    `vault auth enable -path=${shellQuote(oidc.mount)} jwt`,
    `vault write ${shellQuote(configPath)} oidc_discovery_url=${shellQuote(issuer)} bound_issuer=${shellQuote(issuer)}`,
    `vault write ${shellQuote(rolePath)} - <<'JSON'\n${JSON.stringify(rolePayload, null, 2)}\nJSON`,
  ];
  if (!inputs.repositoryUuids.length)
    warnings.push(
      `No repository UUID given: a step of any repository in workspace "${inputs.workspaceSlug}" ` +
        `on an allowed branch can log in as "${oidc.role}". Pass --repository-uuid.`,
    );
  if (branches?.widened)
    warnings.push(
      `Vault's glob \`*\` also matches "/", so ${refs.filter((r) => !isLiteralGlob(r)).join(', ')} ` +
        `admit${refs.length === 1 ? 's' : ''} more refs in Vault than in Pipeline Guard (e.g. "release/a/b"). ` +
        'Pipeline Guard still gates the step; list exact branch names to make Vault as strict.',
    );
  if (!branches)
    warnings.push(`Environment "${env.name}" allows every branch ("**"), so the role does not bind \`branchName\`.`);
  const tags = branches ? tagWarning(env, inputs, '`bound_claims.branchName`') : undefined;
  if (tags) warnings.push(tags);
  warnings.push(
    `token_policies names a Vault policy "${oidc.role}": ` +
      `create it with what "${env.name}" steps may read, or change the list.`,
  );
  if (!cidrs.length)
    warnings.push(
      `Environment "${env.name}" has no \`runner.network.cidrs\`, ` +
        "so Vault tokens are not bound to the runners' addresses (`token_bound_cidrs`).",
    );
  return {
    provider: 'vault',
    address: oidc.address,
    mount: oidc.mount,
    role: oidc.role,
    configPath,
    config,
    rolePath,
    rolePayload,
    commands,
    warnings,
  };
}
