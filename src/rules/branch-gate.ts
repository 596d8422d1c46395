import { foldForMatching, startsWithWord } from '../engine/normalize';
import type { ChainContext, StepSite, Transform } from '../engine/types';
import type { Environment } from '../policy/schema';
import { allowedRefsText, environmentAllows } from './branch-context';

/** Each environment's `deployments`, folded once rather than once per step. */
const foldedDeployments = new WeakMap<Environment, ReadonlySet<string>>();
function deploymentsOf(env: Environment): ReadonlySet<string> {
  let folded = foldedDeployments.get(env);
  if (!folded) foldedDeployments.set(env, (folded = new Set((env.match?.deployments ?? []).map(foldForMatching))));
  return folded;
}

/** The first of `environments` whose `match` the step meets, and why; undefined when it meets none. */
export function matchEnvironment(
  site: StepSite,
  environments: readonly Environment[],
): { env: Environment; reason: string } | undefined {
  const stageLabel = (key: string) =>
    site.stage && typeof site.stage[key] === 'string' ? (site.stage[key] as string) : undefined;
  const candidates: Array<[string, string | undefined]> = [
    ['its `deployment`', typeof site.step.deployment === 'string' ? site.step.deployment : undefined],
    ['its `environment`', typeof site.step.environment === 'string' ? site.step.environment : undefined],
    ["its stage's `deployment`", stageLabel('deployment')],
    ["its stage's `environment`", stageLabel('environment')],
  ];
  for (const env of environments) {
    const match = env.match;
    if (!match) continue;
    if (match.stepNamePrefix && site.name !== undefined && startsWithWord(site.name, match.stepNamePrefix))
      return { env, reason: `its name starts with "${match.stepNamePrefix}"` };
    const wanted = deploymentsOf(env);
    if (wanted.size === 0) continue;
    for (const [where, value] of candidates)
      if (value !== undefined && wanted.has(foldForMatching(value))) return { env, reason: `${where} is "${value}"` };
  }
  return undefined;
}

/** The first environment whose `match` the step meets, and why; otherwise the default environment. */
export function classify(
  site: StepSite,
  environments: readonly Environment[],
  fallback: Environment,
): { env: Environment; reason: string } {
  return matchEnvironment(site, environments) ?? { env: fallback, reason: 'it matches no other environment' };
}

/**
 * A demoted step must not keep the gated environment's deployment either: Bitbucket would hand it
 * that deployment's variables (and secrets) on a ref the policy does not allow. Returns whether
 * anything was removed.
 */
export function dropDeployments(site: StepSite, env: Environment): boolean {
  const gated = new Set((env.match?.deployments ?? []).map(foldForMatching));
  let dropped = false;
  for (const [holder, where] of [
    [site.step, 'the step'],
    [site.stage, 'its stage'],
  ] as const) {
    if (!holder) continue;
    for (const key of ['deployment', 'environment'] as const) {
      const value = holder[key];
      if (typeof value !== 'string' || !gated.has(foldForMatching(value))) continue;
      delete holder[key];
      dropped = true;
      site.changes.push(
        `\`${key}: ${value}\` removed from ${where}, so that it gets none of "${env.name}"'s deployment variables`,
      );
    }
  }
  return dropped;
}

/**
 * Where a step gated in warn mode runs instead: classified again once the gated deployments are
 * off it (exactly as a second pass over the output would classify it), else the default
 * environment; undefined when no environment may run on this ref.
 */
function demote(
  context: ChainContext,
  site: StepSite,
  gated: Environment,
): { env: Environment; reason: string } | undefined {
  const { environments, ref } = context;
  let env = gated;
  for (let round = 0; round < environments.length && dropDeployments(site, env); round++) {
    const again = classify(site, environments, context.defaultEnvironment);
    if (environmentAllows(again.env, ref)) return again;
    env = again.env;
  }
  const fallback = context.defaultEnvironment;
  return environmentAllows(fallback, ref) ? { env: fallback, reason: 'it is the default environment' } : undefined;
}

/** Whether the step (or its stage) names a deployment, so that the fix may tell the developer to drop it. */
function hasDeployment(site: StepSite): boolean {
  return [site.step, site.stage].some(
    (holder) => holder !== undefined && ['deployment', 'environment'].some((key) => typeof holder[key] === 'string'),
  );
}

function gate(context: ChainContext, site: StepSite): void {
  const { policy, ref } = context;
  // repository-scope, earlier in the chain, has already placed a step that asked for an environment out of scope.
  const { env, reason } = site.environment
    ? { env: site.environment, reason: site.environmentReason ?? '' }
    : classify(site, context.environments, context.defaultEnvironment);
  site.environment = env;
  site.environmentReason = reason;
  if (environmentAllows(env, ref)) return;

  const mode = policy.modeOf('branch-gate');
  if (mode === 'off') return;
  const grant = context.waiverFor('branch-gate', env, site);
  if (grant) {
    context.report({
      mode: 'warn',
      rule: 'branch-gate',
      severity: 'low',
      site,
      message:
        `belongs to environment "${env.name}" because ${reason}, ` +
        `and "${env.name}" may run only on ${allowedRefsText(env)}; this run is for ${ref.description}. ` +
        `Break-glass grant ${grant.id} waives that until ${grant.expires} ("${grant.reason}"), ` +
        `so the step runs in "${env.name}".`,
      fix:
        `Nothing to do while grant ${grant.id} lasts. ` +
        `After ${grant.expires} this step is blocked again: merge to an allowed branch.`,
    });
    return;
  }
  const fallback = context.defaultEnvironment;
  // A warning lets the run go on, but never with the gated environment's runners, role or
  // deployment; where no environment may take the step, the warning is enforced.
  const instead = mode === 'warn' && env !== fallback ? demote(context, site, env) : undefined;
  if (instead) {
    site.environment = instead.env;
    site.environmentReason =
      `${reason}, but ${ref.description} may not run "${env.name}" steps, ` +
      `so it runs as "${instead.env.name}" (${instead.reason})`;
    site.changes.push(`runs as "${instead.env.name}" instead of "${env.name}" (branch-gate is in warn mode)`);
  }
  context.report({
    mode: mode === 'warn' && !instead ? 'enforce' : undefined,
    rule: 'branch-gate',
    severity: 'high',
    site,
    message:
      `belongs to environment "${env.name}" because ${reason}, ` +
      `and "${env.name}" may run only on ${allowedRefsText(env)}; this run is for ${ref.description}.` +
      (ref.destination !== undefined
        ? ' A pull-request build runs the code of both branches, so both must be allowed.'
        : '') +
      context.grantNote('branch-gate', env),
    fix:
      env === fallback
        ? `Run the pipeline from one of those refs, or ask a workspace admin to widen "${env.name}".`
        : 'Merge to an allowed branch and run it there. ' +
          `If this step does not deploy to "${env.name}", ` +
          `${hasDeployment(site) ? 'rename it and drop the deployment' : 'rename it'} ` +
          `so that it runs as "${fallback.name}".`,
  });
}

export const branchGate: Transform = {
  id: 'branch-gate',
  description:
    'Puts every step into exactly one environment ' +
    "and blocks steps whose environment does not allow the run's branch or tag.",
  apply(context) {
    for (const site of context.steps) {
      if (site.injected) {
        site.environment = context.policy.defaultEnvironment;
        site.environmentReason = `Pipeline Guard added it (${site.injected} step)`;
        continue;
      }
      gate(context, site);
    }
  },
};
