/**
 * What an environment's `oidc` hands a step, whatever the cloud: the provider, the values that
 * name the identity (which no other environment's step may use), and a phrase for messages.
 * Type-only use of the schema, so the provider's import graph stays free of zod.
 */
import type { Environment, OidcIdentity, OidcProvider } from './schema';

export const providerOf = (oidc: OidcIdentity): OidcProvider => oidc.provider ?? 'aws';

/** Every step of every run reads these; a compiled policy's identities never change. */
const valuesCache = new WeakMap<OidcIdentity, readonly string[]>();

/** Long, distinctive strings that name the identity: finding one in another environment's step is reason to stop it. */
export function identityValues(oidc: OidcIdentity): readonly string[] {
  let values = valuesCache.get(oidc);
  if (!values) {
    values =
      oidc.provider === 'gcp'
        ? [oidc.workloadIdentityProvider, oidc.serviceAccount]
        : oidc.provider === 'vault'
          ? [`auth/${oidc.mount}/role/${oidc.role}`]
          : [oidc.roleArn];
    valuesCache.set(oidc, values);
  }
  return values;
}

/**
 * "AWS role arn:…", "GCP service account deployer@… through projects/…", "Vault role prod-deploy (auth/jwt) at
 * https://…".
 */
export function describeIdentity(oidc: OidcIdentity): string {
  switch (oidc.provider) {
    case 'gcp':
      return `GCP service account ${oidc.serviceAccount} through ${oidc.workloadIdentityProvider}`;
    case 'vault':
      return `Vault role ${oidc.role} (auth/${oidc.mount}) at ${oidc.address}`;
    default:
      return `AWS role ${oidc.roleArn}`;
  }
}

/** Two environments hold the same identity when a step of one could use the other's credentials unchanged. */
export function sameIdentity(a: OidcIdentity | undefined, b: OidcIdentity | undefined): boolean {
  if (!a || !b || providerOf(a) !== providerOf(b)) return false;
  const va = identityValues(a);
  const vb = identityValues(b);
  if (a.provider === 'vault' && b.provider === 'vault') return va[0] === vb[0] && a.address === b.address;
  return va.every((v, i) => v === vb[i]);
}

const foreignCache = new WeakMap<readonly Environment[], Map<Environment | undefined, readonly Environment[]>>();

/** Environments other than `env` whose identity differs from env's. */
export function foreignIdentities(
  environments: readonly Environment[],
  env: Environment | undefined,
): readonly Environment[] {
  let byEnv = foreignCache.get(environments);
  if (!byEnv) foreignCache.set(environments, (byEnv = new Map()));
  let foreign = byEnv.get(env);
  if (!foreign)
    byEnv.set(
      env,
      (foreign = environments.filter((other) => other !== env && other.oidc && !sameIdentity(other.oidc, env?.oidc))),
    );
  return foreign;
}
