/** A policy's problems, each named by its field. Apart from load.ts (zod) because the provider reports them too. */
import { formatPath, type Path } from '../primitives/path';
import { environmentIssues } from './cross-field';
import type { Policy } from './schema';

export interface PolicyProblem {
  readonly path: string;
  readonly segments: Path;
  readonly message: string;
  readonly line?: number;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

export function formatPolicyProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`).join('\n');
}

/**
 * A schema runs its cross-field checks only once every field passed. When a field failed, this adds
 * them, run on the raw input, so that every problem shows at once (zod's path and the provider's alike).
 */
export function withRawCrossFieldProblems(value: unknown, problems: PolicyProblem[]): PolicyProblem[] {
  const environments =
    typeof value === 'object' && value !== null ? (value as { environments?: unknown }).environments : undefined;
  for (const issue of environmentIssues(environments)) {
    const path = formatPath(issue.segments) || '(root)';
    if (!problems.some((p) => p.path === path && p.message === issue.message))
      problems.push({ path, segments: issue.segments, message: issue.message });
  }
  return problems;
}
