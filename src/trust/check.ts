/**
 * The trust check: what is deployed in the cloud against what Pipeline Guard generates for an
 * environment (`pipeline-guard trust-check`, and the settings page's Trust tab). It reads the JSON
 * the cloud's own CLI prints, exactly as printed, and never calls a cloud. Pure.
 */
import type { EnvironmentTrust, TrustArtifact } from './artifacts';
import { checkAws } from './check-aws';
import {
  isRecord,
  parseDeployedJson,
  TrustCheckInputError,
  type TrustDimension,
  type TrustFinding,
} from './check-common';
import { checkGcp, gcpKindOf } from './check-gcp';
import { checkVault } from './check-vault';

export { TrustCheckInputError, type TrustDimension, type TrustFinding, type TrustVerdict } from './check-common';

export interface DeployedInput {
  /** The file name (or "<stdin>", "pasted JSON"), for messages. */
  readonly label: string;
  readonly text: string;
}

export type DeployedKind = 'aws-role' | 'gcp-provider' | 'gcp-iam-policy' | 'vault-role';

export interface TrustCheckResult {
  readonly environment: string;
  readonly provider: TrustArtifact['provider'];
  /** The role ARN, service account or Vault role compared. */
  readonly identity: string;
  /** `weaker` when any finding is; the exit status is 1 then, else 0. */
  readonly verdict: 'as strict' | 'weaker';
  readonly findings: TrustFinding[];
  readonly inputs: { readonly label: string; readonly kind: DeployedKind }[];
}

const KIND_LABEL: Record<DeployedKind, string> = {
  'aws-role': 'an AWS IAM role',
  'gcp-provider': 'a GCP workload identity provider',
  'gcp-iam-policy': "a GCP service account's IAM policy",
  'vault-role': 'a Vault role',
};

/** The commands whose output the check reads, per cloud: said in every refusal. */
export const DEPLOYED_COMMANDS: Record<TrustArtifact['provider'], string> = {
  aws: '`aws iam get-role --role-name NAME --output json`',
  gcp:
    '`gcloud iam workload-identity-pools providers describe PROVIDER --workload-identity-pool=POOL --location=global ' +
    '--format=json` and `gcloud iam service-accounts get-iam-policy ACCOUNT --format=json`',
  vault: '`vault read -format=json auth/MOUNT/role/NAME`',
};

/** What kind of document the cloud printed, by its shape. */
export function deployedKind(value: unknown): DeployedKind | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.Role) || value.Statement !== undefined) return 'aws-role';
  const gcp = gcpKindOf(value);
  if (gcp) return gcp;
  const data = isRecord(value.data) ? value.data : value;
  if (['bound_audiences', 'bound_claims', 'role_type', 'token_policies'].some((key) => key in data))
    return 'vault-role';
  return undefined;
}

interface Parsed {
  readonly label: string;
  readonly kind: DeployedKind;
  readonly value: unknown;
}

/**
 * The JSON documents of one input, one after another (`cat provider.json policy.json`, or two pasted
 * into one field). Text that is not a sequence of objects and lists stays whole, for JSON.parse to
 * say what is wrong with it.
 */
export function splitJsonDocuments(text: string): string[] {
  const documents: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    if (text[i] !== '{' && text[i] !== '[') return [text];
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const char = text[i];
      if (inString) {
        if (char === '\\') i++;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{' || char === '[') depth++;
      else if ((char === '}' || char === ']') && --depth === 0) break;
    }
    if (depth !== 0) return [text];
    documents.push(text.slice(start, ++i));
  }
  return documents.length ? documents : [text];
}

function parseAll(inputs: readonly DeployedInput[], provider: TrustArtifact['provider']): Parsed[] {
  if (!inputs.length)
    throw new TrustCheckInputError(`no deployed JSON given; pass the output of ${DEPLOYED_COMMANDS[provider]}`);
  const deployed = inputs.flatMap(({ label, text }) => {
    const documents = splitJsonDocuments(text);
    return documents.map((document, index) => ({
      label: documents.length > 1 ? `${label} (document ${index + 1})` : label,
      text: document,
    }));
  });
  return deployed.map(({ label, text }) => {
    const value = parseDeployedJson(text, label);
    const kind = deployedKind(value);
    if (!kind)
      throw new TrustCheckInputError(
        `${label} is JSON, but not an IAM role, a GCP provider or IAM policy, or a Vault role; ` +
          `for this environment pass the output of ${DEPLOYED_COMMANDS[provider]}`,
      );
    return { label, kind, value };
  });
}

function one(parsed: readonly Parsed[], kind: DeployedKind, provider: TrustArtifact['provider']): Parsed {
  const matching = parsed.filter((p) => p.kind === kind);
  const others = parsed.filter((p) => !p.kind.startsWith(provider === 'gcp' ? 'gcp' : kind));
  if (others.length)
    throw new TrustCheckInputError(
      `${others.map((p) => `${p.label} is ${KIND_LABEL[p.kind]}`).join('; ')}, but this environment uses ` +
        `${provider === 'aws' ? 'AWS' : provider === 'gcp' ? 'GCP' : 'Vault'}; pass the output of ` +
        `${DEPLOYED_COMMANDS[provider]}`,
    );
  if (matching.length !== 1)
    throw new TrustCheckInputError(
      `${matching.length ? `${matching.length} documents` : 'none'} of the deployed JSON ` +
        `${matching.length ? `(${matching.map((p) => p.label).join(', ')}) are` : 'is'} ${KIND_LABEL[kind]}; ` +
        `pass the output of ${DEPLOYED_COMMANDS[provider]} once each`,
    );
  return matching[0];
}

function findingsFor(artifact: TrustArtifact, parsed: readonly Parsed[]): TrustFinding[] {
  if (artifact.provider === 'aws') {
    const role = one(parsed, 'aws-role', 'aws');
    return checkAws(artifact, role.value, role.label).findings;
  }
  if (artifact.provider === 'vault') {
    const role = one(parsed, 'vault-role', 'vault');
    return checkVault(artifact, role.value, role.label);
  }
  const provider = one(parsed, 'gcp-provider', 'gcp');
  const policy = one(parsed, 'gcp-iam-policy', 'gcp');
  return checkGcp(artifact, provider.value as Record<string, unknown>, policy.value as Record<string, unknown>, {
    provider: provider.label,
    policy: policy.label,
  });
}

const identityOf = (artifact: TrustArtifact) =>
  artifact.provider === 'aws'
    ? artifact.roleArn
    : artifact.provider === 'gcp'
      ? artifact.serviceAccount
      : `${artifact.role} (auth/${artifact.mount})`;

const ORDER: Record<TrustFinding['verdict'], number> = { weaker: 0, stronger: 1, note: 2 };

/** Compares; throws TrustCheckInputError when the deployed JSON cannot be used or the environment has no artifact. */
export function checkTrust(entry: EnvironmentTrust, deployed: readonly DeployedInput[]): TrustCheckResult {
  const artifact = entry.artifact;
  if (!artifact)
    throw new TrustCheckInputError(entry.error ?? `environment "${entry.environment}" has no trust artifact`);
  const parsed = parseAll(deployed, artifact.provider);
  const findings = findingsFor(artifact, parsed).sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict]);
  return {
    environment: entry.environment,
    provider: artifact.provider,
    identity: identityOf(artifact),
    verdict: findings.some((f) => f.verdict === 'weaker') ? 'weaker' : 'as strict',
    findings,
    inputs: parsed.map(({ label, kind }) => ({ label, kind })),
  };
}

/** Every dimension a cloud's barrier is compared on, for the report's "checked" line. */
export const CHECKED_DIMENSIONS: Record<TrustArtifact['provider'], readonly TrustDimension[]> = {
  aws: ['identity provider', 'audience', 'repository', 'deployment environment', 'network'],
  gcp: ['identity provider', 'audience', 'workspace', 'repository', 'deployment environment', 'branch', 'binding'],
  vault: ['audience', 'workspace', 'repository', 'deployment environment', 'branch', 'network', 'token lifetime'],
};
