/**
 * The deployed GCP workload identity provider (`gcloud iam workload-identity-pools providers
 * describe --format=json`) and the service account's IAM policy (`gcloud iam service-accounts
 * get-iam-policy --format=json`) against the generated ones. The attribute condition is read as a
 * conjunction of clauses: each generated clause (workspace, repositories, deployment environments,
 * branches) needs a deployed clause on the same claim that admits no more; a condition the check
 * cannot split that way counts as weaker.
 */
import type { GcpTrust } from './gcp';
import {
  finding,
  isRecord,
  quoteList,
  stringList,
  TrustCheckInputError,
  type TrustDimension,
  type TrustFinding,
} from './check-common';

/** What one clause of a condition admits for one claim; no `literals`: not a form the check reads. */
interface Clause {
  readonly claim?: string;
  readonly literals?: string[];
  readonly regexes?: string[];
  readonly text: string;
}

const CLAIMS: Record<string, TrustDimension> = {
  workspaceUuid: 'workspace',
  repositoryUuid: 'repository',
  deploymentEnvironmentUuid: 'deployment environment',
  branchName: 'branch',
};

const IMPERSONATION_ROLES = new Set(['roles/iam.workloadIdentityUser', 'roles/iam.serviceAccountTokenCreator']);

/** Splits at `separator` outside brackets and string literals. */
function splitTopLevel(text: string, separator: '&&' | '||'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = '';
    } else if (char === "'" || char === '"') quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i).trim());
      start = i + separator.length;
      i++;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Strips parentheses that enclose the whole text. */
function unwrap(text: string): string {
  let current = text.trim();
  while (current.startsWith('(') && current.endsWith(')')) {
    let depth = 0;
    let closesEarly = false;
    for (let i = 0; i < current.length - 1; i++) {
      if (current[i] === '(') depth++;
      else if (current[i] === ')' && --depth === 0) closesEarly = true;
    }
    if (closesEarly) break;
    current = current.slice(1, -1).trim();
  }
  return current;
}

const STRING = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`;
const unquote = (literal: string) => literal.slice(1, -1).replace(/\\(.)/g, '$1');
const strings = (text: string) => [...text.matchAll(new RegExp(STRING, 'g'))].map((m) => unquote(m[0]));

/** One alternative: `assertion.X == 'v'`, `assertion.X in [...]` or `assertion.X.matches('re')`. */
function readAlternative(text: string): Clause {
  const equals = new RegExp(
    String.raw`^assertion\.(\w+)\s*==\s*(${STRING})$|^(${STRING})\s*==\s*assertion\.(\w+)$`,
  ).exec(text);
  if (equals) return { claim: equals[1] ?? equals[4], literals: [unquote(equals[2] ?? equals[3])], regexes: [], text };
  const list = new RegExp(String.raw`^assertion\.(\w+)\s+in\s+\[((?:\s*(?:${STRING})\s*,?)*)\]$`).exec(text);
  if (list) return { claim: list[1], literals: strings(list[2]), regexes: [], text };
  const matches = new RegExp(String.raw`^assertion\.(\w+)\.matches\(\s*(${STRING})\s*\)$`).exec(text);
  if (matches) return { claim: matches[1], literals: [], regexes: [unquote(matches[2])], text };
  return { claim: /assertion\.(\w+)/.exec(text)?.[1], text };
}

/** A clause: one alternative, or a disjunction of alternatives on one claim. */
function readClause(text: string): Clause {
  const alternatives = splitTopLevel(unwrap(text), '||').map((part) => readAlternative(unwrap(part)));
  const claims = new Set(alternatives.map((a) => a.claim));
  if (claims.size !== 1 || alternatives.some((a) => !a.literals)) return { claim: alternatives[0].claim, text };
  return {
    claim: alternatives[0].claim,
    literals: alternatives.flatMap((a) => a.literals!),
    regexes: alternatives.flatMap((a) => a.regexes!),
    text,
  };
}

/** `attribute.x` stands for the claim the mapping maps it from. */
function withMappedAttributes(condition: string, mapping: Record<string, unknown>): string {
  return condition.replace(/\battribute\.(\w+)\b/g, (whole, name: string) => {
    const from = mapping[`attribute.${name}`];
    return typeof from === 'string' && /^assertion\.\w+$/.test(from.trim()) ? from.trim() : whole;
  });
}

export function conditionClauses(condition: string, mapping: Record<string, unknown> = {}): Clause[] {
  const text = withMappedAttributes(condition, mapping).trim();
  if (!text) return [];
  return splitTopLevel(text, '&&').map(readClause);
}

function admits(generated: Clause, value: string): boolean {
  const lower = value.toLowerCase();
  return (
    generated.literals!.some((literal) => literal.toLowerCase() === lower) ||
    generated.regexes!.some((source) => {
      try {
        return new RegExp(source).test(value);
      } catch {
        return false;
      }
    })
  );
}

/** Whether `deployed` admits no more than `generated`, and whether it admits less. */
function compareClause(generated: Clause, deployed: Clause): { covered: boolean; narrower: boolean } {
  if (!deployed.literals) return { covered: false, narrower: false };
  const covered =
    deployed.literals.every((value) => admits(generated, value)) &&
    deployed.regexes!.every((source) => generated.regexes!.includes(source));
  const same =
    generated.literals!.every((value) => deployed.literals!.some((d) => d.toLowerCase() === value.toLowerCase())) &&
    generated.regexes!.every((source) => deployed.regexes!.includes(source));
  return { covered, narrower: covered && !same };
}

const FIX = 'Apply the provider `pipeline-guard trust-policy` generates for this environment';

function claimFindings(generated: Clause[], deployed: Clause[]): TrustFinding[] {
  const out: TrustFinding[] = [];
  for (const [claim, dimension] of Object.entries(CLAIMS)) {
    const gen = generated.find((clause) => clause.claim === claim);
    const mine = deployed.filter((clause) => clause.claim === claim);
    if (!gen) {
      if (mine.length)
        out.push(
          finding(
            'stronger',
            dimension,
            'attributeCondition',
            `also limits \`${claim}\`: ${mine.map((c) => c.text).join(' && ')}.`,
          ),
        );
      else if (claim === 'repositoryUuid')
        out.push(
          finding(
            'weaker',
            dimension,
            'attributeCondition',
            'does not limit `repositoryUuid`: a step of any repository in the workspace on an allowed branch can ' +
              'impersonate the service account (wildcard repository).',
            `${FIX}, with --repository-uuid.`,
          ),
        );
      continue;
    }
    const results = mine.map((clause) => compareClause(gen, clause));
    if (!mine.length)
      out.push(
        finding(
          'weaker',
          dimension,
          'attributeCondition',
          `has no clause on \`${claim}\`: any ${dimension} is admitted; Pipeline Guard generates \`${gen.text}\`.`,
          `${FIX}.`,
        ),
      );
    else if (!results.some((r) => r.covered))
      out.push(
        finding(
          'weaker',
          dimension,
          'attributeCondition',
          `\`${mine.map((c) => c.text).join(' && ')}\` admits ${dimension === 'branch' ? 'branches' : 'values'} that ` +
            `Pipeline Guard's \`${gen.text}\` does not, or is not a form the check can compare.`,
          `${FIX}.`,
        ),
      );
    else if (results.some((r) => r.narrower))
      out.push(
        finding(
          'stronger',
          dimension,
          'attributeCondition',
          `\`${mine.map((c) => c.text).join(' && ')}\` is narrower than the generated \`${gen.text}\`.`,
        ),
      );
  }
  return out;
}

function conditionFindings(artifact: GcpTrust, provider: Record<string, unknown>): TrustFinding[] {
  const mapping = isRecord(provider.attributeMapping) ? provider.attributeMapping : {};
  const condition = typeof provider.attributeCondition === 'string' ? provider.attributeCondition : '';
  if (!condition.trim())
    return [
      finding(
        'weaker',
        'workspace',
        'attributeCondition',
        'is empty: every token the issuer signs is admitted, whatever its repository, deployment environment or ' +
          'branch.',
        `${FIX}.`,
      ),
    ];
  if (splitTopLevel(unwrap(condition), '||').length > 1)
    return [
      finding(
        'weaker',
        'other',
        'attributeCondition',
        `is a disjunction (\`||\` at the top level), so no clause of it must hold: \`${condition}\`.`,
        `${FIX}: clauses joined with &&.`,
      ),
    ];
  const generated = conditionClauses(artifact.attributeCondition);
  const deployed = conditionClauses(condition, mapping);
  const extra = deployed.filter((clause) => !clause.claim || !(clause.claim in CLAIMS));
  return [
    ...claimFindings(generated, deployed),
    ...extra.map((clause) =>
      finding(
        'stronger',
        'other',
        'attributeCondition',
        `adds \`${clause.text}\`, which can only narrow it (clauses are joined with &&).`,
      ),
    ),
  ];
}

function providerFindings(artifact: GcpTrust, provider: Record<string, unknown>): TrustFinding[] {
  const oidc = isRecord(provider.oidc) ? provider.oidc : {};
  const out: TrustFinding[] = [];
  if (oidc.issuerUri !== artifact.issuerUri)
    out.push(
      finding(
        'weaker',
        'identity provider',
        'oidc.issuerUri',
        `is "${String(oidc.issuerUri)}", not this workspace's issuer "${artifact.issuerUri}": it trusts another ` +
          `workspace's or provider's tokens.`,
        `${FIX}: --issuer-uri=${artifact.issuerUri}.`,
      ),
    );
  const audiences = stringList(oidc.allowedAudiences) ?? [];
  const foreign = audiences.filter((audience) => !artifact.allowedAudiences.includes(audience));
  if (foreign.length)
    out.push(
      finding(
        'weaker',
        'audience',
        'oidc.allowedAudiences',
        `accepts ${quoteList(foreign)}, which Pipeline Guard does not generate ` +
          `(${quoteList(artifact.allowedAudiences)}).`,
        `${FIX}: --allowed-audiences=${artifact.allowedAudiences.join(',')}.`,
      ),
    );
  if (!audiences.length)
    out.push(
      finding(
        'stronger',
        'audience',
        'oidc.allowedAudiences',
        "is empty, so Google accepts only the provider's own resource name as audience: steps must ask for that " +
          'audience.',
      ),
    );
  if (provider.disabled === true || provider.state === 'DELETED')
    out.push(
      finding(
        'stronger',
        'identity provider',
        provider.disabled === true ? 'disabled' : 'state',
        'the provider is disabled or deleted: it admits no token.',
      ),
    );
  out.push(...mappingFindings(artifact, provider), ...conditionFindings(artifact, provider));
  return out;
}

function mappingFindings(artifact: GcpTrust, provider: Record<string, unknown>): TrustFinding[] {
  const key = 'attribute.pipeline_guard_environment';
  const mapping = isRecord(provider.attributeMapping) ? provider.attributeMapping : {};
  const deployed = mapping[key];
  if (deployed === artifact.attributeMapping[key]) return [];
  if (deployed === undefined)
    return [
      finding(
        'stronger',
        'binding',
        `attributeMapping["${key}"]`,
        `is missing, so the generated binding matches no token of this provider (steps cannot impersonate ` +
          `${artifact.serviceAccount}).`,
      ),
    ];
  return [
    finding(
      'weaker',
      'binding',
      `attributeMapping["${key}"]`,
      `is \`${String(deployed)}\`, not the constant ${artifact.attributeMapping[key]}: a token can carry the value ` +
        `the binding trusts, whatever provider admitted it.`,
      `${FIX}: ${key}=${artifact.attributeMapping[key]}.`,
    ),
  ];
}

function bindingFindings(artifact: GcpTrust, policy: Record<string, unknown>, label: string): TrustFinding[] {
  const bindings = policy.bindings === undefined ? [] : policy.bindings;
  if (!Array.isArray(bindings) || !bindings.every(isRecord))
    throw new TrustCheckInputError(`${label}: \`bindings\` must be a list of objects`);
  const pool = artifact.member.slice(0, artifact.member.indexOf('/attribute.'));
  const poolPath = pool.replace(/^principalSet:\/\//, '');
  const out: TrustFinding[] = [];
  let bound = false;
  bindings.forEach((binding, index) => {
    if (typeof binding.role !== 'string' || !IMPERSONATION_ROLES.has(binding.role)) return;
    const at = `bindings[${index}] (${binding.role})`;
    for (const member of stringList(binding.members) ?? []) {
      if (member === artifact.member) bound = true;
      else if (member.includes(`${poolPath}/`)) out.push(memberFinding(member, at, artifact, poolPath));
      else
        out.push(
          finding(
            'note',
            'binding',
            at,
            `also lets ${member} impersonate ${artifact.serviceAccount}; this check compares only the pool's members.`,
          ),
        );
    }
    if (binding.condition !== undefined && bound)
      out.push(
        finding(
          'stronger',
          'binding',
          `${at}.condition`,
          'the binding has an IAM condition, which can only narrow it.',
        ),
      );
  });
  if (!bound)
    out.push(
      finding(
        'stronger',
        'binding',
        'bindings',
        `no binding grants ${artifact.member}: steps of this environment cannot impersonate ` +
          `${artifact.serviceAccount}.`,
      ),
    );
  return out;
}

function memberFinding(member: string, at: string, artifact: GcpTrust, poolPath: string): TrustFinding {
  const rest = member.slice(member.indexOf(`${poolPath}/`) + poolPath.length + 1);
  if (member.startsWith('principal://') && rest.startsWith('subject/'))
    return finding(
      'stronger',
      'binding',
      at,
      `${member} names one subject; Bitbucket's \`sub\` changes with every step, so it admits at most one step.`,
    );
  const what =
    rest === '*'
      ? 'every identity of the pool, whatever provider (environment) admitted it'
      : `identities with ${rest}, whatever provider (environment) of the pool admitted them`;
  return finding(
    'weaker',
    'binding',
    at,
    `${member} admits ${what}; Pipeline Guard binds only ${artifact.member}.`,
    `Replace the member with ${artifact.member}.`,
  );
}

export type GcpDocumentKind = 'gcp-provider' | 'gcp-iam-policy';

export function gcpKindOf(value: unknown): GcpDocumentKind | undefined {
  if (!isRecord(value)) return undefined;
  if (
    typeof value.name === 'string' &&
    value.name.includes('/workloadIdentityPools/') &&
    value.name.includes('/providers/')
  )
    return 'gcp-provider';
  if (Array.isArray(value.bindings) || (typeof value.etag === 'string' && value.name === undefined))
    return 'gcp-iam-policy';
  return undefined;
}

export function checkGcp(
  artifact: GcpTrust,
  provider: Record<string, unknown>,
  policy: Record<string, unknown>,
  labels: { provider: string; policy: string },
): TrustFinding[] {
  const expected =
    `projects/${artifact.projectNumber}/locations/global/` +
    `workloadIdentityPools/${artifact.poolId}/providers/${artifact.providerId}`;
  if (provider.name !== expected)
    throw new TrustCheckInputError(
      `${labels.provider} describes ${String(provider.name)}, but this environment uses ${expected}`,
    );
  return [...providerFindings(artifact, provider), ...bindingFindings(artifact, policy, labels.policy)];
}
