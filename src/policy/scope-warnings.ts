/**
 * `policy check` warnings about scopes: valid, but not doing what the admin most likely meant.
 * Called from warnings.ts; kept apart so that the scope rules stay readable in one place.
 */
import { compileGlob, isLiteralGlob, REF_GLOB } from '../primitives/glob';
import type { Path } from '../primitives/path';
import { CANONICAL_PROJECT_KEY, describeScope, type Scope } from './scope';
import type { Environment, Policy } from './schema';

type Warn = (segments: Path, message: string) => void;

/** Characters no Bitbucket slug holds: a glob that needs one to match can never match. */
const NOT_IN_SLUGS = /[^a-z0-9._\-*?{},]/;
/** A slug glob that matches every slug: `*` (slugs hold no "/") or `**`. */
const matchesEverySlug = (pattern: string) => /^\*+$/.test(pattern);

function checkScopeFields(env: Environment, index: number, warn: Warn): void {
  const scope = env.scope!;
  (scope.projects ?? []).forEach((key, keyIndex) => {
    if (!CANONICAL_PROJECT_KEY.test(key))
      warn(
        ['environments', index, 'scope', 'projects', keyIndex],
        `project key "${key}" of "${env.name}" is not upper case. ` +
          "Bitbucket's project keys are, and Pipeline Guard compares them exactly, " +
          `so "${key}" matches no project and the scope of "${env.name}" leaves that project's repositories out. ` +
          `Write "${key.toUpperCase()}".`,
      );
  });
  for (const field of ['repositories', 'exclude'] as const)
    (scope[field] ?? []).forEach((pattern, patternIndex) => {
      const bad = NOT_IN_SLUGS.exec(pattern);
      if (bad)
        warn(
          ['environments', index, 'scope', field, patternIndex],
          `"${pattern}" in \`scope.${field}\` of "${env.name}" can never match: ` +
            `it needs "${bad[0]}", which no Bitbucket repository slug contains ` +
            '(slugs are lower-case letters, digits, ".", "_" and "-"). ' +
            `${/[A-Z]/.test(pattern) ? `Write "${pattern.toLowerCase()}".` : 'Use the slug as in the repository URL.'}`,
        );
    });
  // A slug is whatever the person who creates or renames a repository types, in any project: a slug
  // glob lets them into the environment. Matching every slug (`*`) is a deliberate choice, not this.
  if (env.runner || env.oidc)
    (scope.repositories ?? []).forEach((pattern, patternIndex) => {
      if (isLiteralGlob(pattern) || matchesEverySlug(pattern) || NOT_IN_SLUGS.test(pattern)) return;
      warn(
        ['environments', index, 'scope', 'repositories', patternIndex],
        `slug glob "${pattern}" in \`scope.repositories\` of "${env.name}" ` +
          'lets in every repository whose slug matches it, in any project: ' +
          'anyone who can create or rename a repository in the workspace can name one to match and get the ' +
          `${env.runner ? 'runners' : ''}${env.runner && env.oidc ? ' and ' : ''}${env.oidc ? 'cloud identity' : ''} ` +
          `of "${env.name}". ` +
          'Scope by `projects` (only project admins can move a repository into a project), or list the exact slugs.',
      );
    });
  if (includesNothing(scope))
    warn(
      ['environments', index, 'scope'],
      `the scope of "${env.name}" (${describeScope(scope)}) excludes every repository it includes, ` +
        `so "${env.name}" applies to no repository. Narrow \`exclude\` or remove the environment.`,
    );
}

/**
 * True when `exclude` takes out everything the scope lets in (checked for what can be decided without a repository
 * list).
 */
function includesNothing(scope: Scope): boolean {
  const exclude = scope.exclude ?? [];
  if (exclude.some(matchesEverySlug)) return true;
  if ((scope.projects ?? []).length > 0) return false;
  const included = scope.repositories ?? [];
  return (
    included.length > 0 &&
    included.every((pattern) => isLiteralGlob(pattern) && exclude.some((ex) => compileGlob(ex, REF_GLOB)(pattern)))
  );
}

/** Every repository in `inner` is also in `outer` (decided on the text of the scopes, so it may miss some covers). */
function scopeCovers(outer: Scope | undefined, inner: Scope | undefined): boolean {
  if (!outer) return true;
  if (!inner) return false;
  const outerGlobs = outer.repositories ?? [];
  // A slug glob that matches every slug takes in every project's repositories too.
  const outerTakesAll = outerGlobs.some(matchesEverySlug);
  const projectsCovered = outerTakesAll || (inner.projects ?? []).every((key) => (outer.projects ?? []).includes(key));
  const globsCovered = (inner.repositories ?? []).every(
    (pattern) =>
      outerTakesAll ||
      outerGlobs.includes(pattern) ||
      (isLiteralGlob(pattern) && outerGlobs.some((g) => compileGlob(g, REF_GLOB)(pattern))),
  );
  const excludesKept = (outer.exclude ?? []).every((pattern) => (inner.exclude ?? []).includes(pattern));
  return projectsCovered && globsCovered && excludesKept;
}

/** Every step that meets `inner`'s match also meets `outer`'s (same prefix; deployments a subset). */
function matchCovers(outer: Environment, inner: Environment): boolean {
  const a = outer.match;
  const b = inner.match;
  if (!a || !b || (!b.stepNamePrefix && !(b.deployments ?? []).length)) return false;
  const prefixCovered =
    !b.stepNamePrefix ||
    (a.stepNamePrefix !== undefined && a.stepNamePrefix.toLowerCase() === b.stepNamePrefix.toLowerCase());
  const outerDeployments = new Set((a.deployments ?? []).map((d) => d.toLowerCase()));
  return prefixCovered && (b.deployments ?? []).every((d) => outerDeployments.has(d.toLowerCase()));
}

export function scopeWarnings(policy: Policy, warn: Warn): void {
  const envs = policy.environments;
  if (!envs.some((env) => env.scope)) return;

  envs.forEach((env, index) => {
    if (env.scope) checkScopeFields(env, index, warn);
  });

  const catchAll = envs.findIndex((env) => env.default && !env.scope);
  envs.forEach((env, index) => {
    if (!env.scope) return;
    if (env.default && catchAll !== -1 && catchAll < index)
      warn(
        ['environments', index, 'default'],
        `"${env.name}" is a default, but the unscoped default "${envs[catchAll].name}" ` +
          `comes first and includes every repository, so "${env.name}" is never any repository's default. ` +
          `Move "${env.name}" above "${envs[catchAll].name}".`,
      );
    else if (!env.default && !env.match)
      warn(
        ['environments', index],
        `"${env.name}" has a scope but neither \`match\` nor \`default: true\`, so no step ever belongs to it. ` +
          'Give it a `match`, or make it the default of its repositories.',
      );
  });

  envs.forEach((env, index) => {
    const shadow = envs
      .slice(0, index)
      .find((higher) => scopeCovers(higher.scope, env.scope) && matchCovers(higher, env));
    if (shadow)
      warn(
        ['environments', index, 'match'],
        `"${env.name}" never gets a step by its \`match\`: ` +
          `every repository it serves (${describeScope(env.scope)}) ` +
          `is also served by "${shadow.name}" (${describeScope(shadow.scope)}), ` +
          'which comes first and matches the same steps. ' +
          `Move "${env.name}" above "${shadow.name}", or narrow the scope of "${shadow.name}".`,
      );
  });

  const mode = policy.rules['repository-scope'] ?? policy.mode;
  if (mode !== 'enforce')
    warn(
      policy.rules['repository-scope'] ? ['rules', 'repository-scope'] : ['mode'],
      `rule repository-scope is "${mode}"` +
        `${policy.rules['repository-scope'] ? '' : ' (from the policy-wide `mode`)'}: ` +
        (mode === 'off'
          ? "a step that asks for another team's environment gets it, runners and role included"
          : "a step that asks for another team's environment runs as its repository's default " +
            'instead of being blocked') +
        ', which removes the separation between teams. ' +
        'Set `rules: { repository-scope: enforce }` unless this is a trial run.',
    );
}
