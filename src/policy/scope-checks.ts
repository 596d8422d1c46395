/**
 * The cross-field rules for defaults and scopes, as plain functions over plain data: the zod
 * schema calls them from its superRefine, and a validator without zod can call the same ones.
 * Each problem carries the path of the field it is about.
 */
import { describeScope, type Scope, type ScopedEnvironment } from './scope';

export interface ScopeProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** A scope that includes nothing by construction (an `exclude` alone, or nothing at all). */
export function scopeShapeProblems(scope: Scope, index: number): ScopeProblem[] {
  if ((scope.projects?.length ?? 0) > 0 || (scope.repositories?.length ?? 0) > 0) return [];
  const hint = scope.exclude?.length
    ? 'a scope includes only the repositories its `projects` or `repositories` name, so `exclude` alone leaves none; ' +
      'write `repositories: ["*"]` to mean every repository except the excluded ones'
    : 'a scope needs `projects` or `repositories`; leave `scope` out for an environment that serves every repository';
  return [{ path: ['environments', index, 'scope'], message: hint }];
}

/**
 * Defaults: without scopes, exactly one environment is the default (as always). With scopes,
 * scoped environments may be defaults too, and exactly one unscoped default is the catch-all for
 * every repository no scoped default includes.
 */
export function defaultProblems(environments: readonly ScopedEnvironment[]): ScopeProblem[] {
  const problems: ScopeProblem[] = [];
  const scoped = environments.some((env) => env.scope !== undefined);
  const defaults = environments.flatMap((env, index) => (env.default ? [index] : []));
  if (!scoped) {
    if (defaults.length === 0)
      problems.push({ path: ['environments'], message: 'exactly one environment must set `default: true`; none does' });
    for (const index of defaults.slice(1))
      problems.push({
        path: ['environments', index, 'default'],
        message: `only one environment may be the default; environments[${defaults[0]}] already is`,
      });
    return problems;
  }
  const catchAll = defaults.filter((index) => environments[index].scope === undefined);
  if (catchAll.length === 0) {
    const scopedDefaults = defaults.map((index) => environments[index]);
    const covered = scopedDefaults.length
      ? 'every repository outside ' +
        scopedDefaults.map((env) => `"${env.name}" (${describeScope(env.scope)})`).join(' and ') +
        ', and every run whose repository is unknown,'
      : 'every repository';
    problems.push({
      path: ['environments'],
      message:
        'exactly one environment without a `scope` must set `default: true`, ' +
        'as the default for repositories no scoped default includes; ' +
        `none does, so ${covered} would have no default environment`,
    });
  }
  for (const index of catchAll.slice(1))
    problems.push({
      path: ['environments', index, 'default'],
      message:
        `only one environment without a \`scope\` may be the default; environments[${catchAll[0]}] already is ` +
        '(scoped environments may be defaults for their own repositories)',
    });
  return problems;
}

/** Every cross-field problem of environments' defaults and scopes. */
export function scopeProblems(environments: readonly ScopedEnvironment[]): ScopeProblem[] {
  return [
    ...environments.flatMap((env, index) => (env.scope ? scopeShapeProblems(env.scope, index) : [])),
    ...defaultProblems(environments),
  ];
}
