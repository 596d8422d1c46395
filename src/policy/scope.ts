/**
 * Scopes: which repositories an environment serves. Bitbucket has no runner groups (any repository
 * may ask for any workspace runner's labels), so the policy says which repositories each
 * environment, with its runners and role, belongs to.
 *
 * Matching rules, kept in this one place for the engine, `policy check`, the settings page and
 * the provider's own validator:
 * - An environment without `scope` includes every repository, known or not.
 * - A scoped environment includes a repository when its project key is one of `projects` or its
 *   slug matches one of `repositories`, and its slug matches none of `exclude`.
 * - A run whose repository is unknown is in no scope: only unscoped environments apply to it.
 * - Slugs are matched with Bitbucket's glob rules, as for branches (`*` any run of characters,
 *   `{a,b}` alternatives), case-sensitively: Bitbucket slugs are lower case.
 * - Project keys are compared exactly. Bitbucket keys are upper case; a key written `pay` matches
 *   no project rather than guessing (it never widens a scope), `policy check` warns about it, and
 *   a `repository-scope` message points out a key that differs only in case.
 */
import { compileGlob, REF_GLOB } from '../primitives/glob';
import type { RepositoryIdentity } from './repository';

export interface Scope {
  readonly projects?: readonly string[];
  readonly repositories?: readonly string[];
  readonly exclude?: readonly string[];
}

/** The parts of an environment that scopes look at; a validated `Environment` is one. */
export interface ScopedEnvironment {
  readonly name: string;
  readonly default?: boolean;
  readonly scope?: Scope;
}

export interface ScopedPolicy<E extends ScopedEnvironment = ScopedEnvironment> {
  readonly environments: readonly E[];
}

/** What Bitbucket accepts as a project key (letters, digits, underscores); upper case is what it stores. */
export const PROJECT_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
export const CANONICAL_PROJECT_KEY = /^[A-Z][A-Z0-9_]*$/;
/** Characters a Bitbucket repository slug is made of. */
export const SLUG_PATTERN = /^[a-z0-9._-]{1,128}$/;

const slugMatches = (pattern: string, slug: string) => compileGlob(pattern, REF_GLOB)(slug);

/** Whether `repo` is in `scope`. No scope: every repository. No known repository: no scope. */
export function scopeIncludes(scope: Scope | undefined, repo: RepositoryIdentity | undefined): boolean {
  if (!scope) return true;
  if (!repo) return false;
  const byProject = repo.projectKey !== undefined && (scope.projects ?? []).includes(repo.projectKey);
  const bySlug = (scope.repositories ?? []).some((pattern) => slugMatches(pattern, repo.slug));
  if (!byProject && !bySlug) return false;
  return !(scope.exclude ?? []).some((pattern) => slugMatches(pattern, repo.slug));
}

/** Does any environment carry a scope? Only then does the provider need to know the repository. */
export function isScoped(policy: ScopedPolicy): boolean {
  return policy.environments.some((env) => env.scope !== undefined);
}

/**
 * The repository's default environment: the first default whose scope includes it. A valid policy
 * has exactly one unscoped default, the catch-all, so there always is one.
 */
export function defaultEnvironmentFor<E extends ScopedEnvironment>(
  policy: ScopedPolicy<E>,
  repo: RepositoryIdentity | undefined,
): E {
  const found = policy.environments.find((env) => env.default && scopeIncludes(env.scope, repo));
  if (!found) throw new Error('the policy has no unscoped default environment (validation should have refused it)');
  return found;
}

/** The environments that apply to the repository, in policy order. */
export function environmentsInScope<E extends ScopedEnvironment>(
  policy: ScopedPolicy<E>,
  repo: RepositoryIdentity | undefined,
): E[] {
  return policy.environments.filter((env) => scopeIncludes(env.scope, repo));
}

export interface EnvironmentForRepository<E extends ScopedEnvironment = ScopedEnvironment> {
  readonly environment: E;
  readonly index: number;
  readonly inScope: boolean;
  /** This environment is the repository's default (where steps that match nothing run). */
  readonly isDefault: boolean;
  /** Why it is or is not in scope, in words, e.g. `project PAY is listed` or `excluded by "payments-sandbox"`. */
  readonly reason: string;
}

/** "What does repository X get": every environment, whether X is in its scope and why, and X's default. */
export function environmentsFor<E extends ScopedEnvironment>(
  policy: ScopedPolicy<E>,
  repo: RepositoryIdentity | undefined,
): EnvironmentForRepository<E>[] {
  const fallback = policy.environments.find((env) => env.default && scopeIncludes(env.scope, repo));
  return policy.environments.map((environment, index) => ({
    environment,
    index,
    inScope: scopeIncludes(environment.scope, repo),
    isDefault: environment === fallback,
    reason: scopeReason(environment.scope, repo),
  }));
}

/** Why `repo` is or is not in `scope`, for messages and the settings page. */
export function scopeReason(scope: Scope | undefined, repo: RepositoryIdentity | undefined): string {
  if (!scope) return 'it has no scope, so it serves every repository';
  if (!repo) return 'the repository is not known, and a scoped environment serves only the repositories it names';
  const excludedBy = (scope.exclude ?? []).find((pattern) => slugMatches(pattern, repo.slug));
  const project =
    repo.projectKey !== undefined && (scope.projects ?? []).includes(repo.projectKey) ? repo.projectKey : undefined;
  const slugGlob = (scope.repositories ?? []).find((pattern) => slugMatches(pattern, repo.slug));
  if ((project !== undefined || slugGlob !== undefined) && excludedBy !== undefined)
    return `"${repo.slug}" is excluded by "${excludedBy}"`;
  if (project !== undefined) return `project ${project} is in its scope`;
  if (slugGlob !== undefined) return `"${repo.slug}" matches "${slugGlob}"`;
  const caseOnly =
    repo.projectKey !== undefined
      ? (scope.projects ?? []).find(
          (key) => key !== repo.projectKey && key.toUpperCase() === repo.projectKey!.toUpperCase(),
        )
      : undefined;
  if (caseOnly !== undefined)
    return (
      `its scope lists project "${caseOnly}", ` +
      `but project keys are compared exactly and this repository's is "${repo.projectKey}"`
    );
  return (
    `neither ${repo.projectKey !== undefined ? `project ${repo.projectKey}` : 'its project (unknown)'} ` +
    `nor "${repo.slug}" is in its scope`
  );
}

/** The scope in words: `projects PAY, OPS; repositories payments-*; except payments-sandbox`. */
export function describeScope(scope: Scope | undefined): string {
  if (!scope) return 'every repository';
  const parts: string[] = [];
  if (scope.projects?.length) parts.push(`project${scope.projects.length > 1 ? 's' : ''} ${scope.projects.join(', ')}`);
  if (scope.repositories?.length) parts.push(`repositories ${scope.repositories.join(', ')}`);
  const included = parts.join(' or ') || 'no repository';
  return scope.exclude?.length ? `${included}, except ${scope.exclude.join(', ')}` : included;
}
