/**
 * A policy checked by the validator generated from PolicySchema (schema.validator.ts): the
 * provider's way to validate the stored policy without zod. Same verdict and the same filled-in
 * Policy as validatePolicy (load.ts), which a test checks on generated and hostile inputs; the
 * messages can be terser than zod's but always name the field and the problem.
 */
import { problemsOf, VALIDATOR_RUNTIME } from '../primitives/validation';
import { withRawCrossFieldProblems, type PolicyResult } from './problems';
import type { Policy } from './schema';
import { SHARED_CHECKS } from './checks';
import createValidator from './schema.validator.cjs';

const { validate: validatePolicyData, messages } = createValidator(SHARED_CHECKS, VALIDATOR_RUNTIME);

/**
 * zod never copies an own `__proto__` key into its output (and refuses one where unknown keys are errors); neither does
 * this.
 */
function withoutProtoKeys(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(withoutProtoKeys);
  else if (value && typeof value === 'object') {
    if (Object.prototype.hasOwnProperty.call(value, '__proto__'))
      delete (value as Record<string, unknown>)['__proto__'];
    Object.values(value).forEach(withoutProtoKeys);
  }
  return value;
}

export function checkPolicy(value: unknown): PolicyResult {
  // The generated code fills in defaults in place; the caller's value stays as it was.
  const copy = structuredClone(value);
  if (validatePolicyData(copy)) return { ok: true, policy: withoutProtoKeys(copy) as Policy };
  return {
    ok: false,
    problems: withRawCrossFieldProblems(
      value,
      problemsOf(validatePolicyData.errors, { messages, root: '(root)', missing: 'required' }),
    ),
  };
}
