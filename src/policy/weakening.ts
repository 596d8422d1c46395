/**
 * Changes that loosen enforcement between the enforced policy and a new one: a rule (or the
 * policy-wide mode) moving towards `off`, a ref added to a protected environment, a protected
 * environment's scope letting in more repositories, a runner label or network restriction taken
 * away, a protected environment gone (or renamed and widened), a deny-list entry or a scan step
 * removed. The settings page asks for a confirmation and a recorded reason before saving one, and
 * the resolver refuses such a save, rollback or import without a reason. Pure, so both sides
 * compute the same list.
 */
import { formatPath, type Path } from '../primitives/path';
import { CONFIGURABLE_RULE_IDS, ruleMode, type Mode } from './rule-ids';
import type { Environment, EnvironmentScope, Policy } from './schema';

export interface Weakening {
  readonly path: string;
  readonly segments: Path;
  readonly message: string;
}

const STRENGTH: Record<Mode, number> = { enforce: 2, warn: 1, off: 0 };

/** Protected: not the default environment, and either gated by a person or matched by name or deployment. */
export function isProtectedEnvironment(env: Environment): boolean {
  return !env.default && (env.manualTrigger || env.match !== undefined);
}

/** How a scope lets in more repositories than before, in words; undefined when it does not. */
function scopeWidening(before: EnvironmentScope | undefined, after: EnvironmentScope | undefined): string | undefined {
  if (!before) return undefined;
  if (!after) return 'every repository (its scope was removed)';
  const added = (key: 'projects' | 'repositories') =>
    (after[key] ?? []).filter((value) => !(before[key] ?? []).includes(value));
  const dropped = (before.exclude ?? []).filter((value) => !(after.exclude ?? []).includes(value));
  const parts = [
    ...added('projects').map((key) => `project ${key}`),
    ...added('repositories').map((glob) => `repositories "${glob}"`),
    ...dropped.map((glob) => `repositories "${glob}" (no longer excluded)`),
  ];
  return parts.length ? `more repositories: ${parts.join(', ')}` : undefined;
}

/**
 * Which environment of `after` each environment of `before` became: the one with the same name, or,
 * for a name that is gone, a new name at the same place with the same match (a rename). A protected
 * environment that matches nothing disappeared, which is reported whatever else changed.
 */
function matchEnvironments(before: Environment[], after: Environment[]): Map<Environment, number | undefined> {
  const matched = new Map<Environment, number | undefined>();
  const taken = new Set<number>();
  for (const old of before) {
    const index = after.findIndex((env) => env.name === old.name);
    if (index >= 0) taken.add(index);
    matched.set(old, index >= 0 ? index : undefined);
  }
  const newNames = after.flatMap((env, index) => (before.some((old) => old.name === env.name) ? [] : [index]));
  for (const [oldIndex, old] of before.entries()) {
    if (matched.get(old) !== undefined) continue;
    const sameMatch = (index: number) =>
      !taken.has(index) && JSON.stringify(after[index].match ?? null) === JSON.stringify(old.match ?? null);
    const index =
      newNames.find((candidate) => candidate === oldIndex && sameMatch(candidate)) ?? newNames.find(sameMatch);
    if (index === undefined) continue;
    taken.add(index);
    matched.set(old, index);
  }
  return matched;
}

type Add = (segments: Path, message: string) => void;

const plural = (count: number, word: string) => `${word}${count > 1 ? 's' : ''}`;
const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');
const missing = (before: readonly string[] | undefined, after: readonly string[] | undefined) =>
  (before ?? []).filter((value) => !(after ?? []).includes(value));

function environmentWeakenings(old: Environment, env: Environment, index: number, add: Add): void {
  const label =
    old.name === env.name ? `environment "${env.name}"` : `environment "${old.name}" (now named "${env.name}")`;
  const guarded = isProtectedEnvironment(old) || isProtectedEnvironment(env);
  if (guarded) {
    for (const key of ['branches', 'tags'] as const) {
      const added = env[key].filter((pattern) => !old[key].includes(pattern));
      const kind = key === 'branches' ? 'branch' : 'tag';
      if (added.length)
        add(
          ['environments', index, key],
          `${label} is protected and now also allows the ${plural(added.length, `${kind} pattern`)} ${quoted(added)}`,
        );
    }
    const widened = scopeWidening(old.scope, env.scope);
    if (widened) add(['environments', index, 'scope'], `${label} is protected and now serves ${widened}`);
  }
  const removed = missing(old.runner?.labels, env.runner?.labels);
  if (removed.length)
    add(
      ['environments', index, 'runner', 'labels'],
      `${label} no longer requires the runner ${plural(removed.length, 'label')} ${quoted(removed)}`,
    );
  if (old.runner?.network && !env.runner?.network)
    add(['environments', index, 'runner'], `${label} no longer restricts its runner's network`);
  else if (old.runner?.network && env.runner?.network) {
    const widenedNetwork = (['cidrs', 'vpcEndpointIds', 'vpcIds'] as const).filter(
      (key) => old.runner?.network?.[key]?.length && !env.runner?.network?.[key]?.length,
    );
    if (widenedNetwork.length)
      add(
        ['environments', index, 'runner', 'network'],
        `${label} no longer restricts its runner's network by ${widenedNetwork.join(', ')}`,
      );
  }
  if (old.manualTrigger && !env.manualTrigger)
    add(
      ['environments', index, 'manualTrigger'],
      `${label} no longer waits for a person (manual trigger switched off)`,
    );
}

function denyAndScanWeakenings(before: Policy, after: Policy, add: Add): void {
  const lists = { images: 'image', pipes: 'pipe', scripts: 'script pattern' } as const;
  for (const key of Object.keys(lists) as (keyof typeof lists)[]) {
    const removed = missing(before.deny[key], after.deny[key]);
    if (removed.length)
      add(['deny', key], `the deny list no longer blocks the ${plural(removed.length, lists[key])} ${quoted(removed)}`);
  }
  const stepsAfter = (after.securityScan?.steps ?? []).map((step) => step.name);
  const removedSteps = missing(
    (before.securityScan?.steps ?? []).map((step) => step.name),
    stepsAfter,
  );
  if (removedSteps.length)
    add(
      ['securityScan'],
      `the security scan no longer adds the ${plural(removedSteps.length, 'step')} ${quoted(removedSteps)}`,
    );
}

export function weakenings(before: Policy | undefined, after: Policy): Weakening[] {
  if (!before) return [];
  const found: Weakening[] = [];
  const add: Add = (segments, message) => found.push({ path: formatPath(segments), segments, message });

  if (STRENGTH[after.mode] < STRENGTH[before.mode])
    add(['mode'], `the policy-wide mode goes from ${before.mode} to ${after.mode}`);
  for (const rule of CONFIGURABLE_RULE_IDS) {
    const was = ruleMode(before.rules, before.mode, rule);
    const now = ruleMode(after.rules, after.mode, rule);
    if (STRENGTH[now] < STRENGTH[was])
      add(after.rules[rule] ? ['rules', rule] : ['mode'], `rule ${rule} goes from ${was} to ${now}`);
  }
  for (const [old, index] of matchEnvironments(before.environments, after.environments)) {
    if (index !== undefined) environmentWeakenings(old, after.environments[index], index, add);
    else if (isProtectedEnvironment(old))
      add(
        ['environments'],
        `the protected environment "${old.name}" is gone (removed or renamed beyond recognition), ` +
          'so its steps fall to another environment',
      );
  }
  denyAndScanWeakenings(before, after, add);
  return found;
}
