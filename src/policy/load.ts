/**
 * Turning untrusted policy input (stored JSON, an admin's YAML, a CLI file) into a validated
 * Policy, with every problem named by its field: `environments[0].oidc.roleArn: not an IAM role ARN`.
 */
import type { z } from 'zod';
import { formatPath, type Path } from '../primitives/path';
import { environmentIssues } from './cross-field';
import { CONFIGURABLE_RULE_IDS } from './rule-ids';
import { PolicySchema, type Policy } from './schema';

export interface PolicyProblem {
  readonly path: string;
  readonly segments: Path;
  readonly message: string;
  readonly line?: number;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'required';
  return issue.message;
}

export function problemsFromZod(error: z.ZodError): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const message = base.length === 1 && base[0] === 'rules' ? `unknown rule id; known: ${CONFIGURABLE_RULE_IDS.join(', ')}` : 'unknown field';
      for (const key of issue.keys) problems.push({ path: formatPath([...base, key]), segments: [...base, key], message });
      continue;
    }
    problems.push({ path: formatPath(base) || '(root)', segments: base, message: issueMessage(issue) });
  }
  return problems;
}

/** Validates already-parsed policy data. */
export function validatePolicy(value: unknown): PolicyResult {
  const parsed = PolicySchema.safeParse(value);
  if (parsed.success) return { ok: true, policy: parsed.data };
  const problems = problemsFromZod(parsed.error);
  // The schema's cross-field checks did not run (a field failed): run them on the raw input, so every problem shows at once.
  const environments = typeof value === 'object' && value !== null ? (value as { environments?: unknown }).environments : undefined;
  for (const issue of environmentIssues(environments)) {
    const path = formatPath(issue.segments) || '(root)';
    if (!problems.some((p) => p.path === path && p.message === issue.message)) problems.push({ path, segments: issue.segments, message: issue.message });
  }
  return { ok: false, problems };
}

export function formatPolicyProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`).join('\n');
}
