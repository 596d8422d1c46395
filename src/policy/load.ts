/**
 * Turning untrusted policy input (stored JSON, an admin's YAML, a CLI file) into a validated
 * Policy, with every problem named by its field: `environments[0].oidc.roleArn: not an IAM role ARN`.
 */
import type { z } from 'zod';
import { formatPath } from '../primitives/path';
import { withRawCrossFieldProblems, type PolicyProblem, type PolicyResult } from './problems';
import { CONFIGURABLE_RULE_IDS } from './rule-ids';
import { PolicySchema } from './schema';

export { formatPolicyProblems, type PolicyProblem, type PolicyResult } from './problems';

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'required';
  return issue.message;
}

export function problemsFromZod(error: z.ZodError): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const message =
        base.length === 1 && base[0] === 'rules'
          ? `unknown rule id; known: ${CONFIGURABLE_RULE_IDS.join(', ')}`
          : 'unknown field';
      for (const key of issue.keys)
        problems.push({ path: formatPath([...base, key]), segments: [...base, key], message });
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
  return { ok: false, problems: withRawCrossFieldProblems(value, problemsFromZod(parsed.error)) };
}
