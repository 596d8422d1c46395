/**
 * The draft checked with the shared PolicySchema (the same zod schema as the resolver, the provider
 * and the CLI), and for a valid draft the warnings of `pipeline-guard policy check`. Its own module
 * because zod is ~100 KB: the page loads it right after the first view.
 */
import { validatePolicy, type PolicyProblem } from '../../src/policy/load';
import type { Policy } from '../../src/policy/schema';
import { policyWarnings, type PolicyWarning } from '../../src/policy/warnings';
import type { Json } from './draft';

export interface Checked {
  readonly problems: PolicyProblem[];
  readonly valid: boolean;
}

export function check(draft: Json): Checked {
  const result = validatePolicy(draft);
  return result.ok ? { problems: [], valid: true } : { problems: result.problems, valid: false };
}

export interface Inspected extends Checked {
  /** The validated policy, when valid. */
  readonly policy?: Policy;
  /** What `pipeline-guard policy check` warns about; only a valid policy is checked for these. */
  readonly warnings: PolicyWarning[];
}

export function inspect(draft: Json): Inspected {
  const result = validatePolicy(draft);
  return result.ok
    ? { problems: [], valid: true, policy: result.policy, warnings: policyWarnings(result.policy) }
    : { problems: result.problems, valid: false, warnings: [] };
}
