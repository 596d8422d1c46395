/**
 * The deployed IAM role's trust policy (`aws iam get-role`) against the generated one. Each Allow
 * statement that lets the workspace's Bitbucket provider call sts:AssumeRoleWithWebIdentity is one
 * way in; each must pin the audience, limit `sub` to the generated repositories and deployment
 * environments, and come from the runners' network, or it is weaker.
 */
import type { AwsTrust } from './artifacts';
import {
  finding,
  globCovers,
  hasWildcard,
  isRecord,
  quoteList,
  rangesOutside,
  stringList,
  TrustCheckInputError,
  type TrustFinding,
} from './check-common';

type Statement = Record<string, unknown>;

/** Values of one condition key, by how IAM compares them. */
interface KeyValues {
  readonly exact: string[];
  readonly patterns: string[];
  /** Operators that do not restrict (…IfExists passes when the key is absent; ForAllValues when it is empty). */
  readonly loose: string[];
}

const EXACT = new Set(['stringequals', 'stringequalsignorecase', 'foranyvalue:stringequals']);
const LIKE = new Set(['stringlike', 'foranyvalue:stringlike']);
const IP = new Set(['ipaddress']);

/** The policy document `aws iam get-role` printed: an object, or the API's URL-encoded JSON string. */
export function awsPolicyDocument(
  value: unknown,
  label: string,
): { document: Record<string, unknown>; roleArn?: string } {
  const role = isRecord(value) && isRecord(value.Role) ? value.Role : undefined;
  let document: unknown = role ? role.AssumeRolePolicyDocument : value;
  if (typeof document === 'string') {
    const text = document;
    try {
      document = JSON.parse(text.trim().startsWith('{') ? text : decodeURIComponent(text));
    } catch {
      throw new TrustCheckInputError(`${label}: Role.AssumeRolePolicyDocument is neither JSON nor URL-encoded JSON`);
    }
  }
  if (!isRecord(document) || document.Statement === undefined)
    throw new TrustCheckInputError(
      `${label}: no trust policy in it; pass what \`aws iam get-role --role-name NAME --output json\` prints`,
    );
  return { document, ...(role && typeof role.Arn === 'string' ? { roleArn: role.Arn } : {}) };
}

function keyValues(condition: unknown, key: string): KeyValues {
  const found: KeyValues = { exact: [], patterns: [], loose: [] };
  if (!isRecord(condition)) return found;
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    const entry = Object.entries(block).find(([name]) => name.toLowerCase() === key.toLowerCase());
    const values = entry ? stringList(entry[1]) : undefined;
    if (!values) continue;
    const op = operator.toLowerCase();
    if (EXACT.has(op) || IP.has(op)) found.exact.push(...values);
    else if (LIKE.has(op)) found.patterns.push(...values);
    else found.loose.push(operator);
  }
  return found;
}

/** Every value a key admits: exact ones, and patterns (which admit what they match). */
const admitted = (values: KeyValues) => [...values.exact, ...values.patterns];

function statementsOf(document: Record<string, unknown>, label: string): Statement[] {
  const list = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  if (!list.every(isRecord)) throw new TrustCheckInputError(`${label}: Statement must be an object or a list of them`);
  return list as Statement[];
}

const where = (statement: Statement, index: number) =>
  `Statement[${index}]${typeof statement.Sid === 'string' && statement.Sid ? ` (Sid "${statement.Sid}")` : ''}`;

function coversWebIdentity(action: unknown): boolean {
  return (stringList(action) ?? []).some((name) => globCovers(name.toLowerCase(), 'sts:assumerolewithwebidentity'));
}

interface Generated {
  readonly provider: string;
  readonly issuerPath: string;
  readonly audiences: string[];
  readonly subs: string[];
  readonly cidrs: string[];
  readonly endpoints: string[];
  readonly vpcs: string[];
}

function generatedOf(artifact: AwsTrust): Generated {
  const statements = artifact.trustPolicy.Statement;
  const provider = statements[0].Principal.Federated;
  const issuerPath = provider.slice(provider.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
  const values = (key: string) => [...new Set(statements.flatMap((s) => admitted(keyValues(s.Condition, key))))];
  return {
    provider,
    issuerPath,
    audiences: values(`${issuerPath}:aud`),
    subs: values(`${issuerPath}:sub`),
    cidrs: values('aws:SourceIp'),
    endpoints: values('aws:SourceVpce'),
    vpcs: values('aws:SourceVpc'),
  };
}

const FIX = 'Apply the trust policy `pipeline-guard trust-policy` generates for this environment';

function audienceFindings(statement: Statement, at: string, gen: Generated): TrustFinding[] {
  const values = keyValues(statement.Condition, `${gen.issuerPath}:aud`);
  const all = admitted(values);
  if (!all.length)
    return [
      finding(
        'weaker',
        'audience',
        `${at}.Condition`,
        `has no \`${gen.issuerPath}:aud\` ` +
          `condition${values.loose.length ? ` that always applies (${values.loose.join(', ')} does not)` : ''}: a ` +
          `token minted for any audience is accepted; Pipeline Guard generates ${quoteList(gen.audiences)}.`,
        `${FIX}: StringEquals on the audience.`,
      ),
    ];
  const wild = values.patterns.filter((p) => hasWildcard(p) && !gen.audiences.includes(p));
  const foreign = all.filter((value) => !wild.includes(value) && !gen.audiences.includes(value));
  const out: TrustFinding[] = [];
  if (wild.some((p) => /workspace\/[^/]*[*?]/.test(p) || p === '*'))
    out.push(
      finding(
        'weaker',
        'workspace',
        `${at}.Condition`,
        `accepts the audience pattern ${quoteList(wild)}, which admits tokens minted for any workspace; Pipeline ` +
          `Guard generates ${quoteList(gen.audiences)}.`,
        `${FIX}: the workspace's exact audience.`,
      ),
    );
  else if (wild.length) foreign.push(...wild);
  if (foreign.length)
    out.push(
      finding(
        'weaker',
        'audience',
        `${at}.Condition`,
        `accepts the audience ${quoteList(foreign)}, which Pipeline Guard does not generate ` +
          `(${quoteList(gen.audiences)}).`,
        `${FIX}: only the generated audience.`,
      ),
    );
  return out;
}

function repositoryFindings(statement: Statement, at: string, gen: Generated): TrustFinding[] {
  const values = keyValues(statement.Condition, `${gen.issuerPath}:sub`);
  const subs = admitted(values);
  if (!subs.length)
    return [
      finding(
        'weaker',
        'repository',
        `${at}.Condition`,
        `has no \`${gen.issuerPath}:sub\` condition: a step of any repository in the workspace can assume the ` +
          `role${gen.subs.length ? `; Pipeline Guard generates ${quoteList(gen.subs)}` : ''}.`,
        `${FIX} with --repository-uuid (and --deployment-environment-uuid): StringLike on \`sub\`.`,
      ),
    ];
  const out: TrustFinding[] = [];
  const wildRepo = subs.filter((sub) => hasWildcard(sub.split(':')[0]));
  const uncovered = subs.filter(
    (sub) => !wildRepo.includes(sub) && gen.subs.length > 0 && !gen.subs.some((g) => globCovers(g, sub)),
  );
  if (wildRepo.length)
    out.push(
      finding(
        'weaker',
        'repository',
        `${at}.Condition`,
        `\`sub\` ${quoteList(wildRepo)} has a wildcard repository: a step of any repository in the workspace can ` +
          `assume the role.`,
        `${FIX}: one \`sub\` pattern per repository UUID (--repository-uuid).`,
      ),
    );
  for (const sub of uncovered) {
    const sameRepo = gen.subs.some((g) => g.split(':')[0] === sub.split(':')[0]);
    out.push(
      finding(
        'weaker',
        sameRepo ? 'deployment environment' : 'repository',
        `${at}.Condition`,
        sameRepo
          ? `\`sub\` "${sub}" admits deployment environments (or non-deployment steps) that Pipeline Guard's ` +
              `${quoteList(gen.subs)} does not.`
          : `\`sub\` "${sub}" admits a repository that Pipeline Guard does not generate (${quoteList(gen.subs)}).`,
        `${FIX}.`,
      ),
    );
  }
  if (!out.length && gen.subs.length && gen.subs.some((g) => !subs.some((sub) => globCovers(sub, g))))
    out.push(
      finding(
        'stronger',
        'repository',
        `${at}.Condition`,
        `\`sub\` is limited to ${quoteList(subs)}, narrower than the generated ${quoteList(gen.subs)}.`,
      ),
    );
  if (!out.length && !gen.subs.length)
    out.push(
      finding(
        'stronger',
        'repository',
        `${at}.Condition`,
        `\`sub\` is limited to ${quoteList(subs)}; the generated policy (no --repository-uuid) is not.`,
      ),
    );
  return out;
}

function networkFindings(statement: Statement, at: string, gen: Generated): TrustFinding[] {
  const kinds = [
    { key: 'aws:SourceIp', generated: gen.cidrs, outside: (d: string[]) => rangesOutside(d, gen.cidrs) },
    {
      key: 'aws:SourceVpce',
      generated: gen.endpoints,
      outside: (d: string[]) => d.filter((v) => !gen.endpoints.includes(v)),
    },
    { key: 'aws:SourceVpc', generated: gen.vpcs, outside: (d: string[]) => d.filter((v) => !gen.vpcs.includes(v)) },
  ].map((kind) => ({ ...kind, deployed: admitted(keyValues(statement.Condition, kind.key)) }));
  const present = kinds.filter((kind) => kind.deployed.length);
  const expected = kinds
    .filter((kind) => kind.generated.length)
    .map((kind) => `${kind.key} ${quoteList(kind.generated)}`);
  if (!expected.length)
    return present.length
      ? [
          finding(
            'stronger',
            'network',
            `${at}.Condition`,
            `limits the source network (${present.map((k) => k.key).join(', ')}); the policy names no runner network.`,
          ),
        ]
      : [];
  if (!present.length)
    return [
      finding(
        'weaker',
        'network',
        `${at}.Condition`,
        `has no network condition: a token from any runner on any network can assume the role; Pipeline Guard ` +
          `generates ${expected.join(' or ')}.`,
        `${FIX}: the runners' network as aws:SourceIp, aws:SourceVpce or aws:SourceVpc.`,
      ),
    ];
  // IAM ANDs a statement's keys: one key wholly inside the runners' network is enough.
  const inside = present.filter((kind) => kind.outside(kind.deployed).length === 0);
  if (inside.length) {
    const narrower = inside.some((kind) => kind.generated.some((g) => !kind.deployed.includes(g)));
    return narrower
      ? [
          finding(
            'stronger',
            'network',
            `${at}.Condition`,
            `admits only ${inside.map((k) => `${k.key} ${quoteList(k.deployed)}`).join(' and ')}, part of the ` +
              `runners' network (${expected.join(' or ')}).`,
          ),
        ]
      : [];
  }
  const extra = present.map((kind) => `${kind.key} ${quoteList(kind.outside(kind.deployed))}`).join(' and ');
  return [
    finding(
      'weaker',
      'network',
      `${at}.Condition`,
      `admits ${extra}, outside the runners' network (${expected.join(' or ')}).`,
      `${FIX}: only the runners' network.`,
    ),
  ];
}

function principalsOf(statement: Statement): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!isRecord(principal)) return [];
  return Object.values(principal).flatMap((value) => stringList(value) ?? []);
}

const isWorkspaceProvider = (principal: string, gen: Generated) =>
  principal === gen.provider || principal.endsWith(`:oidc-provider/${gen.issuerPath}`);

/** One statement's findings: the comparison when it is a way in for Bitbucket tokens, else what else it admits. */
function statementFindings(statement: Statement, index: number, gen: Generated): TrustFinding[] {
  const at = where(statement, index);
  if (statement.Effect === 'Deny')
    return [finding('stronger', 'other', at, 'is a Deny statement: it can only refuse more (not compared in detail).')];
  if (statement.NotPrincipal !== undefined || statement.NotAction !== undefined)
    return [
      finding(
        'weaker',
        'identity provider',
        at,
        'allows with NotPrincipal or NotAction: it admits every principal or action it does not name, which cannot ' +
          'be shown to be as strict.',
        `${FIX}: Principal and Action.`,
      ),
    ];
  const principals = principalsOf(statement);
  const webIdentity = coversWebIdentity(statement.Action);
  if (principals.includes('*'))
    return [
      finding(
        'weaker',
        'identity provider',
        `${at}.Principal`,
        'allows any principal ("*"): tokens of any identity provider, and any AWS identity, can assume the role.',
        `${FIX}: the workspace's Bitbucket OIDC provider as the only principal.`,
      ),
    ];
  // The workspace's issuer in any account is compared (a wrong --account must not skip the comparison).
  const ours = principals.some((p) => isWorkspaceProvider(p, gen));
  const foreign = principals.filter((p) => p.includes(':oidc-provider/') && !isWorkspaceProvider(p, gen));
  const out: TrustFinding[] = [];
  if (foreign.length && webIdentity)
    out.push(
      finding(
        'weaker',
        'identity provider',
        `${at}.Principal`,
        `also trusts ${quoteList(foreign)}: tokens that identity provider issues can assume the role, and Pipeline ` +
          `Guard guards none of them.`,
        `${FIX}: only ${gen.provider}.`,
      ),
    );
  if (!ours || !webIdentity) {
    if (!out.length && principals.length)
      out.push(
        finding(
          'note',
          'other',
          at,
          `lets ${quoteList(principals)} assume the role by other means; this check compares only Bitbucket's way in.`,
        ),
      );
    return out;
  }
  const elsewhere = principals.filter((p) => isWorkspaceProvider(p, gen) && p !== gen.provider);
  if (elsewhere.length)
    out.push(
      finding(
        'note',
        'identity provider',
        `${at}.Principal`,
        `names ${quoteList(elsewhere)}, not ${gen.provider} (--account).`,
      ),
    );
  return [
    ...out,
    ...audienceFindings(statement, at, gen),
    ...repositoryFindings(statement, at, gen),
    ...networkFindings(statement, at, gen),
    ...extraConditionFindings(statement, at, gen),
  ];
}

/** Conditions on other keys: IAM ANDs them with the rest, so they can only narrow the statement. */
function extraConditionFindings(statement: Statement, at: string, gen: Generated): TrustFinding[] {
  const known = [`${gen.issuerPath}:aud`, `${gen.issuerPath}:sub`, 'aws:SourceIp', 'aws:SourceVpce', 'aws:SourceVpc'];
  if (!isRecord(statement.Condition)) return [];
  return Object.entries(statement.Condition).flatMap(([operator, block]) =>
    Object.keys(isRecord(block) ? block : {})
      .filter((key) => !known.some((k) => k.toLowerCase() === key.toLowerCase()))
      .map((key) =>
        finding(
          'stronger',
          'other',
          `${at}.Condition.${operator}`,
          `adds a condition on ${key}, which can only narrow it.`,
        ),
      ),
  );
}

export interface AwsCheck {
  readonly findings: TrustFinding[];
  readonly deployedRole?: string;
}

export function checkAws(artifact: AwsTrust, value: unknown, label: string): AwsCheck {
  const { document, roleArn } = awsPolicyDocument(value, label);
  if (roleArn && roleArn !== artifact.roleArn)
    throw new TrustCheckInputError(
      `${label} is the role ${roleArn}, but this environment's steps assume ${artifact.roleArn}; pass that role's ` +
        `\`aws iam get-role\` output`,
    );
  const gen = generatedOf(artifact);
  const statements = statementsOf(document, label);
  const findings = statements.flatMap((statement, index) => statementFindings(statement, index, gen));
  const waysIn = statements.filter(
    (s) =>
      s.Effect !== 'Deny' && principalsOf(s).some((p) => isWorkspaceProvider(p, gen)) && coversWebIdentity(s.Action),
  );
  if (!waysIn.length && !findings.some((f) => f.verdict === 'weaker'))
    findings.push(
      finding(
        'note',
        'identity provider',
        'Statement',
        `no statement lets ${gen.provider} assume the role, so steps of this environment cannot use it at all.`,
      ),
    );
  return { findings, ...(roleArn ? { deployedRole: roleArn } : {}) };
}
