/**
 * Policies that validate but do not separate environments the way an admin expects. The schema
 * refuses what can never work; these are what works and is still unsafe. Pure: usable by the
 * settings page as well as `pipeline-guard policy check`.
 */
import { formatPath, type Path } from '../primitives/path';
import type { ConfigurableRuleId } from './rule-ids';
import { describeIdentity, providerOf, sameIdentity } from './identity';
import type { Environment, Policy } from './schema';
import { scopeWarnings } from './scope-warnings';

/**
 * Azure's federated credentials need an exact `sub`, and Bitbucket's changes with every step
 * (shared/reference/platform-apis.md §5.3).
 */
export const AZURE_WARNING =
  'Azure cannot federate with Bitbucket Pipelines directly: an Entra federated credential matches an exact `sub`, ' +
  "Bitbucket's `sub` holds the step UUID and changes with every step, and flexible (pattern) credentials accept " +
  'only GitHub, GitLab and Terraform Cloud tokens. Use a broker you operate (a function that checks the Bitbucket ' +
  "token's claims and hands out Azure credentials), a self-hosted runner with its own managed identity, or a hop " +
  'through AWS or GCP. See docs/cloud-trust.md#azure.';

export interface PolicyWarning {
  readonly path: string;
  readonly segments: Path;
  /** What is unsafe, and what to change. */
  readonly message: string;
}

/** Labels every self-hosted runner carries anyway, so sharing them separates nothing. */
const GENERIC_LABELS = new Set(['self.hosted', 'linux', 'linux.shell', 'linux.arm64', 'windows', 'macos']);
const CRITICAL_RULES: readonly ConfigurableRuleId[] = ['branch-gate', 'runner-labels', 'oidc-role'];
const OPEN_PATTERNS = new Set(['**']);

const quoteList = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

function isPrivileged(env: Environment): boolean {
  return !env.default && (env.manualTrigger || env.match !== undefined);
}

function allLabels(env: Environment): string[] {
  return [...(env.runner?.labels ?? []), ...(env.runner?.extraLabels ?? [])];
}

/**
 * True when a regular expression repeats a group that itself repeats (`(a+)+`, `(\s*x)*`): the
 * classic shape of catastrophic backtracking. A heuristic: it does not prove a pattern safe.
 */
export function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = [];
  let current = false;
  const unboundedAt = (i: number) =>
    source[i] === '*' || source[i] === '+' || (source[i] === '{' && /^\{\d+,\}/.test(source.slice(i)));
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (char === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (char === '(') {
      stack.push(current);
      current = false;
      continue;
    }
    if (char === ')') {
      const inner: boolean = current;
      current = stack.pop() ?? false;
      if (unboundedAt(i + 1)) {
        if (inner) return true;
        current = true;
      } else current = current || inner;
      continue;
    }
    if (unboundedAt(i)) current = true;
  }
  return false;
}

type Warn = (segments: Path, message: string) => void;

function sharedLabelWarnings(envs: readonly Environment[], warn: Warn): void {
  envs.forEach((a, ai) => {
    envs.forEach((b, bi) => {
      if (bi <= ai) return;
      const shared = allLabels(a).filter((label) => !GENERIC_LABELS.has(label) && allLabels(b).includes(label));
      if (shared.length)
        warn(
          ['environments', bi, 'runner'],
          `environments "${a.name}" and "${b.name}" share the runner label${shared.length > 1 ? 's' : ''} ` +
            `${quoteList([...new Set(shared)])}: a runner that carries ${shared.length > 1 ? 'them' : 'it'} ` +
            'can be asked for by steps of both. Give each environment a label only its own runners carry.',
        );
    });
  });
}

function openPrivilegedWarnings(envs: readonly Environment[], warn: Warn): void {
  envs.forEach((env, index) => {
    if (!isPrivileged(env)) return;
    for (const key of ['branches', 'tags'] as const) {
      const open = env[key].filter((pattern) => OPEN_PATTERNS.has(pattern));
      if (open.length)
        warn(
          ['environments', index, key],
          `environment "${env.name}" is privileged ` +
            `(${env.manualTrigger ? 'manual trigger' : 'matched by name or deployment'}) but open to every ` +
            `${key === 'branches' ? 'branch' : 'tag'} (${quoteList(open)}), so its runners and role are reachable ` +
            `from any ${key === 'branches' ? 'feature branch' : 'tag anyone pushes'}. ` +
            `List the protected ${key} instead, e.g. [main, "release/*"].`,
        );
    }
  });
}

type Oidc = NonNullable<Environment['oidc']>;

function sharedIdentityWarnings(envs: readonly Environment[], env: Environment, index: number, warn: Warn): void {
  const oidc = env.oidc as Oidc;
  const identityPath = oidc.provider === 'gcp' ? 'serviceAccount' : oidc.provider === 'vault' ? 'role' : 'roleArn';
  envs.forEach((other, otherIndex) => {
    if (otherIndex === index || !sameIdentity(other.oidc, oidc)) return;
    const noun = providerOf(oidc) === 'aws' ? 'role' : 'identity';
    const access = providerOf(oidc) === 'aws' ? 'AWS' : providerOf(oidc) === 'gcp' ? 'GCP' : 'Vault';
    const value =
      oidc.provider === 'gcp' ? oidc.serviceAccount : oidc.provider === 'vault' ? describeIdentity(oidc) : oidc.roleArn;
    if (env.default && !other.default)
      warn(
        ['environments', index, 'oidc', identityPath],
        `the default environment "${env.name}" uses the ${noun} of "${other.name}" (${value}), so every step ` +
          `that matches no environment gets "${other.name}"'s ${access} access. ` +
          `Give "${env.name}" its own, less privileged ${noun}.`,
      );
    else if (!env.default && !other.default && otherIndex > index)
      warn(
        ['environments', otherIndex, 'oidc', identityPath],
        `environments "${env.name}" and "${other.name}" use the same ${noun} (${value}), so separating their ` +
          `runners does not separate their ${access} access. Give each environment its own ${noun}.`,
      );
  });
}

function missingNetworkMessage(env: Environment, oidc: Oidc): string {
  if (providerOf(oidc) === 'aws')
    return (
      `environment "${env.name}" has an OIDC role but no \`runner.network\`, so its role's trust policy ` +
      'cannot be tied to its runners (see `pipeline-guard trust-policy`). ' +
      "Add the runners' egress `cidrs` or `vpcEndpointIds`/`vpcIds`."
    );
  const detail =
    providerOf(oidc) === 'vault'
      ? ", so its Vault role cannot bind tokens to its runners (`token_bound_cidrs`). Add the runners' egress `cidrs`."
      : '. GCP cannot condition on the network; bind the identity by repository and deployment environment ' +
        '(`pipeline-guard trust-policy --repository-uuid … --deployment-environment-uuid …`).';
  return `environment "${env.name}" has an OIDC identity but no \`runner.network\`${detail}`;
}

function oidcWarnings(envs: readonly Environment[], warn: Warn): void {
  envs.forEach((env, index) => {
    const oidc = env.oidc;
    if (!oidc) return;
    sharedIdentityWarnings(envs, env, index, warn);
    if (oidc.audience && /AzureADTokenExchange/i.test(oidc.audience))
      warn(['environments', index, 'oidc', 'audience'], AZURE_WARNING);
    if (!env.runner?.network) warn(['environments', index, 'runner'], missingNetworkMessage(env, oidc));
    if (env.runner?.labels.includes('windows'))
      warn(
        ['environments', index, 'runner', 'labels'],
        `environment "${env.name}" runs on Windows runners, but the OIDC setup lines Pipeline Guard puts before ` +
          '`oidc: true` steps are POSIX shell, which PowerShell cannot run. ' +
          `Keep OIDC steps of "${env.name}" on Linux or macOS runners.`,
      );
  });
}

function relaxedRuleWarnings(policy: Policy, warn: Warn): void {
  for (const rule of CRITICAL_RULES) {
    const own = policy.rules[rule];
    const mode = own ?? policy.mode;
    if (mode === 'enforce') continue;
    const consequence =
      rule === 'branch-gate'
        ? 'steps of a gated environment are no longer blocked on other branches'
        : rule === 'runner-labels'
          ? 'steps may keep runner labels of another environment'
          : 'steps may point the AWS SDK at another role';
    warn(
      own ? ['rules', rule] : ['mode'],
      `rule ${rule} is "${mode}"${own ? '' : ' (from the policy-wide `mode`)'}: ${consequence}, ` +
        'which removes part of the environment separation. ' +
        `Set \`rules: { ${rule}: enforce }\` unless this is a trial run.`,
    );
  }
}

function slowDenyPatternWarnings(policy: Policy, warn: Warn): void {
  policy.deny.scripts.forEach((source, index) => {
    if (hasNestedQuantifier(source))
      warn(
        ['deny', 'scripts', index],
        `deny pattern /${source}/ repeats a group that itself repeats; on a long script line such a pattern can ` +
          'backtrack for seconds and delay every run. Rewrite it without the nested quantifier, e.g. (a+)+ → a+.',
      );
  });
}

function borrowedExtraLabelWarnings(envs: readonly Environment[], warn: Warn): void {
  envs.forEach((env, index) => {
    (env.runner?.extraLabels ?? []).forEach((label, labelIndex) => {
      const owners = envs.filter(
        (other) => other !== env && other.runner?.labels.includes(label) && !GENERIC_LABELS.has(label),
      );
      if (owners.length)
        warn(
          ['environments', index, 'runner', 'extraLabels', labelIndex],
          `"${env.name}" lets its steps add the label "${label}", which ` +
            `${owners.map((o) => `"${o.name}"`).join(' and ')} require${owners.length === 1 ? 's' : ''} of ` +
            `${owners.length === 1 ? 'its' : 'their'} runners: "${env.name}" steps then ask for a label that ` +
            `should mark only those runners. Remove "${label}" from \`extraLabels\`.`,
        );
    });
  });
}

export function policyWarnings(policy: Policy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  const warn = (segments: Path, message: string) => warnings.push({ path: formatPath(segments), segments, message });
  const envs = policy.environments;
  sharedLabelWarnings(envs, warn);
  openPrivilegedWarnings(envs, warn);
  oidcWarnings(envs, warn);
  relaxedRuleWarnings(policy, warn);
  slowDenyPatternWarnings(policy, warn);
  borrowedExtraLabelWarnings(envs, warn);
  scopeWarnings(policy, warn);
  return warnings;
}
