import type { ChainContext, StepSite, Transform } from '../engine/types';
import { describeScope, scopeReason } from '../policy/scope';
import type { Environment } from '../policy/schema';
import { dropDeployments, matchEnvironment } from './branch-gate';

function repositoryName(context: ChainContext): string {
  return context.repository
    ? context.repository.fullName
    : "this run's repository (Pipeline Guard does not know it, so it is in no scope)";
}

function mayUseText(context: ChainContext): string {
  const names = context.environments.map(
    (env) => `"${env.name}"${env === context.defaultEnvironment ? ' (its default)' : ''}`,
  );
  return names.length ? names.join(', ') : 'none';
}

/** Every one of `environments` whose `match` the step meets, in policy order, and why. */
function everyMatch(site: StepSite, environments: readonly Environment[]): Array<{ env: Environment; reason: string }> {
  const found: Array<{ env: Environment; reason: string }> = [];
  let rest = environments;
  for (let match = matchEnvironment(site, rest); match; match = matchEnvironment(site, rest)) {
    found.push(match);
    rest = rest.slice(rest.indexOf(match.env) + 1);
  }
  return found;
}

function check(context: ChainContext, site: StepSite, outOfScope: readonly Environment[]): void {
  // A step that meets the `match` of an environment in scope belongs there (branch-gate places it).
  if (matchEnvironment(site, context.environments)) return;
  const matched = everyMatch(site, outOfScope);
  if (matched.length === 0) return;
  const tried = matched[0];
  const { env } = tried;
  const mode = context.policy.modeOf('repository-scope');
  const repo = repositoryName(context);
  const fallback = context.defaultEnvironment;
  if (mode === 'off') {
    site.environment = env;
    site.environmentReason = `${tried.reason} (repository-scope is off, so the scope of "${env.name}" is not applied)`;
    return;
  }
  // Environments that share a `match` (every team's PROD) all ask for the step: a grant for any of
  // them opens it, the first in policy order winning, not only one for the first that matches.
  for (const { env: granted, reason } of matched) {
    const grant = context.waiverFor('repository-scope', granted, site);
    if (!grant) continue;
    // branch-gate still judges the ref, unless the grant waives it too.
    site.environment = granted;
    site.environmentReason =
      `${reason}, which is the \`match\` of "${granted.name}"; ` +
      `${repo} is not in its scope, but break-glass grant ${grant.id} waives that`;
    context.report({
      mode: 'warn',
      rule: 'repository-scope',
      severity: 'low',
      site,
      message:
        `asks for environment "${granted.name}" because ${reason}, ` +
        `but "${granted.name}" serves only ${describeScope(granted.scope)}, and ${repo} is not among them. ` +
        `Break-glass grant ${grant.id} waives that until ${grant.expires} ("${grant.reason}"), ` +
        `so the step runs in "${granted.name}".`,
      fix:
        `Nothing to do while grant ${grant.id} lasts. After ${grant.expires} this step is blocked again ` +
        `unless a workspace admin adds ${repo} to the scope of "${granted.name}".`,
    });
    return;
  }
  // Never into the out-of-scope environment, and never silently into another one: the step is
  // placed in the repository's default environment, and the finding says so (blocking unless warn).
  site.environment = fallback;
  site.environmentReason =
    `${tried.reason}, which is the \`match\` of "${env.name}", but ${repo} is not in the scope of "${env.name}", ` +
    `so it runs as "${fallback.name}", the repository's default`;
  if (mode === 'warn') {
    // Every out-of-scope environment's deployment goes, not only the first's: each would hand the
    // step that team's deployment variables.
    for (const { env: asked } of matched) dropDeployments(site, asked);
    site.changes.push(`runs as "${fallback.name}" instead of "${env.name}" (repository-scope is in warn mode)`);
  }
  context.report({
    rule: 'repository-scope',
    severity: 'high',
    site,
    message:
      `asks for environment "${env.name}" because ${tried.reason}, ` +
      `but "${env.name}" serves only ${describeScope(env.scope)}, ` +
      `and ${repo} is not among them (${scopeReason(env.scope, context.repository)}). ` +
      `${context.repository ? context.repository.fullName : 'This repository'} may use: ${mayUseText(context)}.` +
      matched.map(({ env: asked }) => context.grantNote('repository-scope', asked)).join(''),
    fix:
      `Rename the step and drop the deployment so that it runs as "${fallback.name}", ` +
      'or use an environment this repository may use. ' +
      `If ${context.repository ? context.repository.fullName : 'this repository'} should deploy to "${env.name}", ` +
      "a workspace admin adds it to that environment's `scope`.",
  });
}

export const repositoryScope: Transform = {
  id: 'repository-scope',
  description:
    "Blocks steps that ask for an environment whose scope leaves the run's repository out, " +
    "so that one team's runners and roles stay out of another team's pipelines.",
  apply(context) {
    // Unscoped policies (every policy before scopes existed) skip this rule entirely.
    if (!context.policy.scoped) return;
    const outOfScope = context.policy.policy.environments.filter((env) => !context.environments.includes(env));
    if (outOfScope.length === 0) return;
    for (const site of context.steps) if (!site.injected) check(context, site, outOfScope);
  },
};
