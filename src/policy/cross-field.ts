/**
 * Checks across environments (duplicate names, the defaults and the catch-all default of scoped
 * policies) that must be reported even when
 * some field of the policy is invalid. zod runs an object's refinements only once every field
 * passes, so an admin fixing five field errors would otherwise meet the duplicate name only at the
 * end. Reads raw input defensively: any shape may arrive here.
 */
import type { Path } from '../primitives/path';
import type { Scope, ScopedEnvironment } from './scope';
import { defaultProblems } from './scope-checks';

export interface CrossFieldIssue {
  readonly segments: Path;
  readonly message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

/** Only what the default checks read, taken from input of any shape. */
function scopedView(env: unknown): ScopedEnvironment {
  if (!isObject(env)) return { name: '' };
  const scope: Scope | undefined = isObject(env.scope)
    ? {
        projects: strings(env.scope.projects),
        repositories: strings(env.scope.repositories),
        exclude: strings(env.scope.exclude),
      }
    : undefined;
  return { name: typeof env.name === 'string' ? env.name : '', default: env.default === true, scope };
}

export function environmentIssues(environments: unknown): CrossFieldIssue[] {
  if (!Array.isArray(environments)) return [];
  const issues: CrossFieldIssue[] = [];
  const seen = new Map<string, number>();
  environments.forEach((env, index) => {
    const name = isObject(env) ? env.name : undefined;
    if (typeof name !== 'string' || name === '') return;
    const first = seen.get(name);
    if (first !== undefined)
      issues.push({
        segments: ['environments', index, 'name'],
        message: `duplicate environment name "${name}" (also environments[${first}])`,
      });
    else seen.set(name, index);
  });
  if (environments.length === 0) return issues;
  for (const problem of defaultProblems(environments.map(scopedView)))
    issues.push({ segments: [...problem.path], message: problem.message });
  return issues;
}
