/**
 * The deployed Vault JWT role (`vault read -format=json auth/<mount>/role/<role>`) against the
 * generated one: audiences, bound claims (workspace, repositories, deployment environments,
 * branches), the runners' network (`token_bound_cidrs`) and the token's lifetime.
 */
import {
  finding,
  globCovers,
  isRecord,
  quoteList,
  rangesOutside,
  stringList,
  TrustCheckInputError,
  type TrustDimension,
  type TrustFinding,
} from './check-common';
import type { VaultTrust } from './vault';

const CLAIMS: Record<string, TrustDimension> = {
  workspaceUuid: 'workspace',
  repositoryUuid: 'repository',
  deploymentEnvironmentUuid: 'deployment environment',
  branchName: 'branch',
};

const FIX = 'Write the role `pipeline-guard trust-policy` generates for this environment';

/** The role's fields: `data` of `vault read -format=json`, or the bare payload. */
export function vaultRoleData(value: unknown, label: string): Record<string, unknown> {
  const data = isRecord(value) && isRecord(value.data) ? value.data : value;
  if (
    !isRecord(data) ||
    (data.bound_audiences === undefined && data.bound_claims === undefined && data.role_type === undefined)
  )
    throw new TrustCheckInputError(
      `${label}: no Vault role in it; pass what \`vault read -format=json auth/<mount>/role/<name>\` prints`,
    );
  return data;
}

/** Seconds of a Vault duration: a number of seconds, or text such as "15m", "1h30m", "900". */
export function vaultSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const parts = [...value.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value.trim()) return undefined;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]], 0);
}

const isGlob = (data: Record<string, unknown>) => data.bound_claims_type === 'glob';

/** Whether every value `deployed` admits is admitted by one of `generated` (both in their role's claim type). */
function valueCovered(
  generated: readonly string[],
  generatedGlob: boolean,
  value: string,
  deployedGlob: boolean,
): boolean {
  const literal = !deployedGlob || !value.includes('*');
  if (literal)
    return generated.some((g) => (generatedGlob ? globCovers(g, value) : g.toLowerCase() === value.toLowerCase()));
  return generated.some((g) => generatedGlob && globCovers(g, value));
}

function claimFinding(
  claim: string,
  generated: string[] | undefined,
  deployed: string[] | undefined,
  globs: { gen: boolean; dep: boolean },
): TrustFinding | undefined {
  const dimension = CLAIMS[claim];
  const at = `data.bound_claims.${claim}`;
  if (!generated) {
    if (deployed) return finding('stronger', dimension, at, `also binds \`${claim}\` to ${quoteList(deployed)}.`);
    if (claim === 'repositoryUuid')
      return finding(
        'weaker',
        dimension,
        at,
        'is not bound: a step of any repository in the workspace can log in (wildcard repository).',
        `${FIX}, with --repository-uuid.`,
      );
    return undefined;
  }
  if (!deployed)
    return finding(
      'weaker',
      dimension,
      at,
      `is not bound: any ${dimension} can log in; Pipeline Guard binds ${quoteList(generated)}.`,
      `${FIX}.`,
    );
  const wild = deployed.filter(
    (value) => globs.dep && value.includes('*') && !(globs.gen && generated.includes(value)),
  );
  const uncovered = deployed.filter(
    (value) => !wild.includes(value) && !valueCovered(generated, globs.gen, value, globs.dep),
  );
  if (wild.length || uncovered.length) {
    const what =
      claim === 'repositoryUuid' && wild.length
        ? 'a wildcard repository'
        : claim === 'workspaceUuid' && wild.length
          ? 'a wildcard workspace'
          : 'values';
    return finding(
      'weaker',
      dimension,
      at,
      `admits ${what} (${quoteList([...wild, ...uncovered])}) beyond Pipeline Guard's ${quoteList(generated)}.`,
      `${FIX}.`,
    );
  }
  const narrower = generated.some((g) => !deployed.some((d) => d.toLowerCase() === g.toLowerCase()));
  return narrower
    ? finding('stronger', dimension, at, `admits only ${quoteList(deployed)} of the generated ${quoteList(generated)}.`)
    : undefined;
}

function claimsFindings(artifact: VaultTrust, data: Record<string, unknown>): TrustFinding[] {
  const generated = artifact.rolePayload.bound_claims as Record<string, string[]>;
  const deployed = isRecord(data.bound_claims) ? data.bound_claims : {};
  const globs = { gen: artifact.rolePayload.bound_claims_type === 'glob', dep: isGlob(data) };
  const out = Object.keys(CLAIMS).flatMap((claim) => {
    const result = claimFinding(claim, generated[claim], stringList(deployed[claim]), globs);
    return result ? [result] : [];
  });
  for (const claim of Object.keys(deployed).filter((c) => !(c in CLAIMS)))
    out.push(
      finding(
        'stronger',
        'other',
        `data.bound_claims.${claim}`,
        `also binds \`${claim}\`, which can only narrow the role.`,
      ),
    );
  return out;
}

function audienceFindings(artifact: VaultTrust, data: Record<string, unknown>): TrustFinding[] {
  const generated = artifact.rolePayload.bound_audiences as string[];
  const deployed = stringList(data.bound_audiences) ?? [];
  if (!deployed.length)
    return [
      finding(
        'weaker',
        'audience',
        'data.bound_audiences',
        `is empty: a token minted for any audience is accepted; Pipeline Guard binds ${quoteList(generated)}.`,
        `${FIX}.`,
      ),
    ];
  const foreign = deployed.filter((value) => !generated.includes(value));
  return foreign.length
    ? [
        finding(
          'weaker',
          'audience',
          'data.bound_audiences',
          `accepts ${quoteList(foreign)}, which Pipeline Guard does not generate (${quoteList(generated)}).`,
          `${FIX}.`,
        ),
      ]
    : [];
}

function networkFindings(artifact: VaultTrust, data: Record<string, unknown>): TrustFinding[] {
  const generated = (artifact.rolePayload.token_bound_cidrs as string[] | undefined) ?? [];
  const deployed = stringList(data.token_bound_cidrs) ?? [];
  const at = 'data.token_bound_cidrs';
  if (!generated.length)
    return deployed.length
      ? [
          finding(
            'stronger',
            'network',
            at,
            `binds tokens to ${quoteList(deployed)}; the policy names no runner CIDRs.`,
          ),
        ]
      : [];
  if (!deployed.length)
    return [
      finding(
        'weaker',
        'network',
        at,
        `is empty: the token works from any network, not only the runners' ${quoteList(generated)}.`,
        `${FIX}: token_bound_cidrs.`,
      ),
    ];
  const outside = rangesOutside(deployed, generated);
  if (outside.length)
    return [
      finding(
        'weaker',
        'network',
        at,
        `admits ${quoteList(outside)}, outside the runners' network ${quoteList(generated)}.`,
        `${FIX}: token_bound_cidrs.`,
      ),
    ];
  const narrower = rangesOutside(generated, deployed).length > 0;
  return narrower
    ? [
        finding(
          'stronger',
          'network',
          at,
          `admits only ${quoteList(deployed)}, part of the runners' network ${quoteList(generated)}.`,
        ),
      ]
    : [];
}

function lifetimeFinding(field: string, generated: unknown, deployed: unknown): TrustFinding | undefined {
  const want = vaultSeconds(generated)!;
  const have = vaultSeconds(deployed ?? 0);
  const at = `data.${field}`;
  if (have === undefined)
    return finding(
      'weaker',
      'token lifetime',
      at,
      `is "${String(deployed)}", not a duration the check can read.`,
      `${FIX}: ${field}=${String(generated)}.`,
    );
  if (have === 0)
    return finding(
      'weaker',
      'token lifetime',
      at,
      `is 0, so the token lives as long as the mount's or the system's default (32 days unless tuned); Pipeline ` +
        `Guard sets ${String(generated)}.`,
      `${FIX}: ${field}=${String(generated)}.`,
    );
  if (have > want)
    return finding(
      'weaker',
      'token lifetime',
      at,
      `is ${have}s, longer than the generated ${String(generated)} (${want}s).`,
      `${FIX}: ${field}=${String(generated)}.`,
    );
  if (have < want)
    return finding(
      'stronger',
      'token lifetime',
      at,
      `is ${have}s, shorter than the generated ${String(generated)} (${want}s).`,
    );
  return undefined;
}

function lifetimeFindings(artifact: VaultTrust, data: Record<string, unknown>): TrustFinding[] {
  const out = (['token_ttl', 'token_max_ttl'] as const).flatMap((field) => {
    const result = lifetimeFinding(field, artifact.rolePayload[field], data[field]);
    return result ? [result] : [];
  });
  const period = vaultSeconds(data.token_period ?? 0);
  if (period !== 0)
    out.push(
      finding(
        'weaker',
        'token lifetime',
        'data.token_period',
        `is ${String(data.token_period)}: a periodic token can be renewed without limit.`,
        `${FIX}: token_period=0.`,
      ),
    );
  return out;
}

export function checkVault(artifact: VaultTrust, value: unknown, label: string): TrustFinding[] {
  const data = vaultRoleData(value, label);
  const out: TrustFinding[] = [];
  if (data.role_type !== undefined && data.role_type !== 'jwt')
    out.push(
      finding(
        'note',
        'other',
        'data.role_type',
        `is "${String(data.role_type)}", not "jwt": Bitbucket steps log in with \`vault write auth/<mount>/login ` +
          `jwt=…\`, which needs a jwt role.`,
      ),
    );
  if (typeof data.bound_subject === 'string' && data.bound_subject)
    out.push(
      finding(
        'stronger',
        'other',
        'data.bound_subject',
        `binds \`sub\` to "${data.bound_subject}"; Bitbucket's \`sub\` changes with every step.`,
      ),
    );
  return [
    ...out,
    ...audienceFindings(artifact, data),
    ...claimsFindings(artifact, data),
    ...networkFindings(artifact, data),
    ...lifetimeFindings(artifact, data),
  ];
}
