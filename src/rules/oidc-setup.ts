/**
 * The lines Pipeline Guard puts before the script of a step that asks for an OIDC token, one set per
 * provider. Every policy value in them is validated by the schema to a safe character set and
 * single-quoted as well, so no policy value can run as shell. The token goes into a fresh private
 * directory outside the clone directory, because an `artifacts` glob can only upload files inside
 * the clone. Each set first clears what the provider's tools would otherwise prefer over the token.
 */
import { shellQuote } from '../engine/shell';
import { words } from '../primitives/words';
import type { Environment, OidcIdentity } from '../policy/schema';

export const TOKEN_FILE_NAME = 'web-identity-token';
export const GCP_CREDENTIALS_FILE_NAME = 'gcp-credentials.json';
/** The private directory of the setup; later lines and the step's own commands may read the token file from it. */
export const OIDC_DIRECTORY_VARIABLE = 'PIPELINE_GUARD_OIDC_DIR';

/**
 * What each setup clears before it sets its own values: every variable through which the cloud's
 * tools would pick other credentials, a profile, a config file or another token endpoint. Bitbucket
 * hands a step its workspace, repository, deployment and run variables before the script starts,
 * secured ones too, and the request lists them only in part (or not at all), so the setup clears
 * them in every OIDC step rather than trusting the list. docs/rules/oidc-role.md lists them.
 */
export const CLEARED: Record<'aws' | 'gcp' | 'vault', readonly string[]> = {
  aws: words(`
    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
    AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS`),
  // The last one turns off the certificate check of the token exchange: no setup that must keep its token needs it.
  gcp: words(`
    GOOGLE_APPLICATION_CREDENTIALS GOOGLE_CREDENTIALS GOOGLE_OAUTH_ACCESS_TOKEN GOOGLE_CLOUD_KEYFILE_JSON
    GCLOUD_KEYFILE_JSON GOOGLE_IMPERSONATE_SERVICE_ACCOUNT CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT CLOUDSDK_CORE_ACCOUNT CLOUDSDK_CONFIG
    CLOUDSDK_ACTIVE_CONFIG_NAME CLOUDSDK_AUTH_TOKEN_HOST CLOUDSDK_API_ENDPOINT_OVERRIDES_STS
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS CLOUDSDK_AUTH_DISABLE_SSL_VALIDATION`),
  // The same for the Vault login.
  vault: words('VAULT_TOKEN VAULT_AGENT_ADDR VAULT_CLIENT_CERT VAULT_CLIENT_KEY VAULT_NAMESPACE VAULT_SKIP_VERIFY'),
};

/** What each setup then sets to the environment's own values. */
export const SET: Record<'aws' | 'gcp' | 'vault', readonly string[]> = {
  aws: words('AWS_REGION AWS_DEFAULT_REGION AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE'),
  gcp: [OIDC_DIRECTORY_VARIABLE, 'CLOUDSDK_CONFIG', 'GOOGLE_APPLICATION_CREDENTIALS'],
  vault: ['VAULT_ADDR', 'VAULT_TOKEN'],
};

const TOKEN_TO_FILE =
  `(umask 077 && printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" ` + `> "$${OIDC_DIRECTORY_VARIABLE}/${TOKEN_FILE_NAME}")`;
const PRIVATE_DIRECTORY = `export ${OIDC_DIRECTORY_VARIABLE}="$(mktemp -d)"`;

function awsLines(oidc: Extract<OidcIdentity, { roleArn: string }>): string[] {
  return [
    `unset ${CLEARED.aws.join(' ')}`,
    `export AWS_REGION=${shellQuote(oidc.region)} AWS_DEFAULT_REGION=${shellQuote(oidc.region)}`,
    `export AWS_ROLE_ARN=${shellQuote(oidc.roleArn)}`,
    `export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp -d)/${TOKEN_FILE_NAME}"`,
    `(umask 077 && printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE")`,
  ];
}

function gcpLines(oidc: Extract<OidcIdentity, { provider: 'gcp' }>): string[] {
  const credentials = `"$${OIDC_DIRECTORY_VARIABLE}/${GCP_CREDENTIALS_FILE_NAME}"`;
  return [
    `unset ${CLEARED.gcp.join(' ')}`,
    PRIVATE_DIRECTORY,
    // gcloud keeps its login in its config directory: a private one is never in a cache, an artifact or another step.
    `export CLOUDSDK_CONFIG="$${OIDC_DIRECTORY_VARIABLE}/gcloud"`,
    TOKEN_TO_FILE,
    `gcloud iam workload-identity-pools create-cred-config ${shellQuote(oidc.workloadIdentityProvider)} ` +
      `--service-account=${shellQuote(oidc.serviceAccount)} ` +
      `--credential-source-file="$${OIDC_DIRECTORY_VARIABLE}/${TOKEN_FILE_NAME}" --output-file=${credentials}`,
    `gcloud auth login --cred-file=${credentials} --quiet`,
    `export GOOGLE_APPLICATION_CREDENTIALS=${credentials}`,
  ];
}

function vaultLines(oidc: Extract<OidcIdentity, { provider: 'vault' }>): string[] {
  return [
    `unset ${CLEARED.vault.join(' ')}`,
    `export VAULT_ADDR=${shellQuote(oidc.address)}`,
    // The assignment alone, not `export VAULT_TOKEN="$(…)"`: its status is the login's, so a failed login fails the
    // step.
    // The token reaches vault on stdin (`jwt=-`), never on a command line other processes can read.
    `VAULT_TOKEN="$(printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" | ` +
      `vault write -field=token ${shellQuote(`auth/${oidc.mount}/login`)} role=${shellQuote(oidc.role)} jwt=-)"`,
    'export VAULT_TOKEN',
  ];
}

/** An environment's setup lines never change within a compiled policy, and every step reads them. */
const setupCache = new WeakMap<Environment, readonly string[]>();

export function oidcSetupLines(env: Environment): readonly string[] {
  const cached = setupCache.get(env);
  if (cached) return cached;
  const oidc = env.oidc;
  const lines = !oidc
    ? []
    : oidc.provider === 'gcp'
      ? gcpLines(oidc)
      : oidc.provider === 'vault'
        ? vaultLines(oidc)
        : awsLines(oidc);
  setupCache.set(env, lines);
  return lines;
}
