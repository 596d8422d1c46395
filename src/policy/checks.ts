/**
 * The policy checks that JSON Schema cannot express (glob syntax, regular expressions, CIDR host
 * bits, cross-field rules), as plain functions. The zod schema (schema.ts) calls them from its
 * `.check`/`superRefine` bodies, and the provider's generated validator calls the very same
 * functions by name, so the two can never drift apart. No zod here: the provider imports this file.
 */
import { globSyntaxError, NAME_GLOB, REF_GLOB } from '../primitives/glob';
import type { Path } from '../primitives/path';
import { environmentIssues } from './cross-field';
import { canonicalCidr, hasHostBits, parseCidr } from './network';
import type { Scope } from './scope';
import { scopeShapeProblems } from './scope-checks';

/** One problem a check found, at a path relative to the value it was given. */
export interface CheckProblem {
  readonly path: Path;
  readonly message: string;
}

const at = (message: string): CheckProblem[] => [{ path: [], message }];

export function refGlobProblems(value: string): CheckProblem[] {
  const problem = globSyntaxError(value, REF_GLOB);
  return problem ? at(`not a Bitbucket glob: ${problem}`) : [];
}

export function nameGlobProblems(value: string): CheckProblem[] {
  const problem = globSyntaxError(value, NAME_GLOB);
  if (problem) return at(`not a glob pattern: ${problem}`);
  return /\s/.test(value) ? at('must not contain white space') : [];
}

export function regexSourceProblems(value: string): CheckProblem[] {
  try {
    new RegExp(value, 'u');
    return [];
  } catch (error) {
    return at(`not a valid regular expression: ${(error as Error).message}`);
  }
}

/** A repository-slug glob of an environment's scope. */
export function slugGlobProblems(value: string): CheckProblem[] {
  const problem = globSyntaxError(value, REF_GLOB);
  if (problem) return at(`not a Bitbucket glob: ${problem}`);
  return /\s/.test(value) ? at('must not contain white space (repository slugs have none)') : [];
}

export function cidrProblems(value: string): CheckProblem[] {
  const parsed = parseCidr(value);
  if (!parsed) return at('not a CIDR block such as 203.0.113.0/28');
  return hasHostBits(parsed) ? at(`host bits are set; did you mean ${canonicalCidr(parsed)}?`) : [];
}

/** What the cross-field rules read of a policy whose fields already passed and got their defaults. */
export interface PolicyShapeForChecks {
  readonly environments: ReadonlyArray<{
    readonly name: string;
    readonly default: boolean;
    readonly runner?: { readonly labels: readonly string[]; readonly extraLabels: readonly string[] };
    readonly scope?: Scope;
  }>;
}

export function policyProblems(policy: PolicyShapeForChecks): CheckProblem[] {
  // Duplicate names and the defaults (scoped or not) come from the checks that the zod path also
  // runs on raw input when a field fails (cross-field.ts); the scope shapes from scope-checks.ts.
  const problems: CheckProblem[] = environmentIssues(policy.environments).map(({ segments, message }) => ({
    path: segments,
    message,
  }));
  policy.environments.forEach((env, index) => {
    if (env.scope) problems.push(...scopeShapeProblems(env.scope, index));
  });

  // Bitbucket takes at most 10 labels on a step; a step asking for every extra label must still fit.
  policy.environments.forEach((env, index) => {
    if (!env.runner) return;
    const total = new Set([...env.runner.labels, ...env.runner.extraLabels]).size;
    if (total > 10)
      problems.push({
        path: ['environments', index, 'runner', 'extraLabels'],
        message: `labels and extraLabels together name ${total} labels; a step can carry at most 10`,
      });
  });

  // A step runs on any runner that has all of its labels. If every label of A is also a label of
  // B, B's runners satisfy A's steps, so A's steps could land on B's runners.
  policy.environments.forEach((a, ai) => {
    if (!a.runner) return;
    policy.environments.forEach((b, bi) => {
      if (ai === bi || !b.runner) return;
      const bLabels = new Set(b.runner.labels);
      if (a.runner!.labels.every((l) => bLabels.has(l)))
        problems.push({
          path: ['environments', ai, 'runner', 'labels'],
          message:
            `every label of "${a.name}" is also a label of "${b.name}", ` +
            `so "${a.name}" steps could run on "${b.name}" runners; ` +
            `give "${a.name}" a label that only its own runners carry`,
        });
    });
  });
  return problems;
}

/**
 * Every shared check by name. The zod schema tags each node that runs one with this name (metadata
 * key SHARED_CHECK), and the validator generator turns the tag into a call of the same function.
 */
export const SHARED_CHECKS = {
  refGlob: refGlobProblems,
  nameGlob: nameGlobProblems,
  regexSource: regexSourceProblems,
  cidr: cidrProblems,
  slugGlob: slugGlobProblems,
  policy: policyProblems,
} as const satisfies Record<string, (value: never) => CheckProblem[]>;

export type SharedCheckName = keyof typeof SHARED_CHECKS;

/** The metadata key on a zod node (and so on its JSON Schema) that names the shared check it runs. */
export const SHARED_CHECK = 'x-shared-check';
