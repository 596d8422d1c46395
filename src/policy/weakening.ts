/**
 * Changes that loosen enforcement between the enforced policy and a new one: a rule (or the
 * policy-wide mode) moving towards `off`, a ref added to a protected environment, a protected
 * environment's scope letting in more repositories, a runner label taken away. The settings page asks for a confirmation and a recorded reason before saving one,
 * and the resolver refuses such a save without a reason. Pure, so both sides compute the same list.
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
  const added = (key: 'projects' | 'repositories') => (after[key] ?? []).filter((value) => !(before[key] ?? []).includes(value));
  const dropped = (before.exclude ?? []).filter((value) => !(after.exclude ?? []).includes(value));
  const parts = [
    ...added('projects').map((key) => `project ${key}`),
    ...added('repositories').map((glob) => `repositories "${glob}"`),
    ...dropped.map((glob) => `repositories "${glob}" (no longer excluded)`),
  ];
  return parts.length ? `more repositories: ${parts.join(', ')}` : undefined;
}

export function weakenings(before: Policy | undefined, after: Policy): Weakening[] {
  if (!before) return [];
  const found: Weakening[] = [];
  const add = (segments: Path, message: string) => found.push({ path: formatPath(segments), segments, message });

  if (STRENGTH[after.mode] < STRENGTH[before.mode]) add(['mode'], `the policy-wide mode goes from ${before.mode} to ${after.mode}`);
  for (const rule of CONFIGURABLE_RULE_IDS) {
    const was = ruleMode(before.rules, before.mode, rule);
    const now = ruleMode(after.rules, after.mode, rule);
    if (STRENGTH[now] < STRENGTH[was]) add(after.rules[rule] ? ['rules', rule] : ['mode'], `rule ${rule} goes from ${was} to ${now}`);
  }

  after.environments.forEach((env, index) => {
    const old = before.environments.find((candidate) => candidate.name === env.name);
    if (!old) return;
    if (isProtectedEnvironment(old) || isProtectedEnvironment(env)) {
      for (const key of ['branches', 'tags'] as const) {
        const added = env[key].filter((pattern) => !old[key].includes(pattern));
        if (added.length) add(['environments', index, key], `environment "${env.name}" is protected and now also allows the ${key === 'branches' ? 'branch' : 'tag'} pattern${added.length > 1 ? 's' : ''} ${added.map((p) => `"${p}"`).join(', ')}`);
      }
    }
    if (isProtectedEnvironment(old) || isProtectedEnvironment(env)) {
      const widened = scopeWidening(old.scope, env.scope);
      if (widened) add(['environments', index, 'scope'], `environment "${env.name}" is protected and now serves ${widened}`);
    }
    const removed = (old.runner?.labels ?? []).filter((label) => !(env.runner?.labels ?? []).includes(label));
    if (removed.length) add(['environments', index, 'runner', 'labels'], `environment "${env.name}" no longer requires the runner label${removed.length > 1 ? 's' : ''} ${removed.map((l) => `"${l}"`).join(', ')}`);
    if (old.manualTrigger && !env.manualTrigger) add(['environments', index, 'manualTrigger'], `environment "${env.name}" no longer waits for a person (manual trigger switched off)`);
  });
  return found;
}
