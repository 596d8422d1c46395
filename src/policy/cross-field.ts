/**
 * Checks across environments (duplicate names, exactly one default) that must be reported even when
 * some field of the policy is invalid. zod runs an object's refinements only once every field
 * passes, so an admin fixing five field errors would otherwise meet the duplicate name only at the
 * end. Reads raw input defensively: any shape may arrive here.
 */
import type { Path } from '../primitives/path';

export interface CrossFieldIssue {
  readonly segments: Path;
  readonly message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function environmentIssues(environments: unknown): CrossFieldIssue[] {
  if (!Array.isArray(environments)) return [];
  const issues: CrossFieldIssue[] = [];
  const seen = new Map<string, number>();
  environments.forEach((env, index) => {
    const name = isObject(env) ? env.name : undefined;
    if (typeof name !== 'string' || name === '') return;
    const first = seen.get(name);
    if (first !== undefined) issues.push({ segments: ['environments', index, 'name'], message: `duplicate environment name "${name}" (also environments[${first}])` });
    else seen.set(name, index);
  });
  const defaults = environments.flatMap((env, index) => (isObject(env) && env.default === true ? [index] : []));
  if (defaults.length === 0 && environments.length > 0) issues.push({ segments: ['environments'], message: 'exactly one environment must set `default: true`; none does' });
  for (const index of defaults.slice(1)) issues.push({ segments: ['environments', index, 'default'], message: `only one environment may be the default; environments[${defaults[0]}] already is` });
  return issues;
}
