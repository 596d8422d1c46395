/**
 * A policy checked by the validator generated from PolicySchema (schema.validator.ts): the
 * provider's way to validate the stored policy without zod. Same verdict and the same filled-in
 * Policy as validatePolicy (load.ts), which a test checks on generated and hostile inputs; the
 * messages can be terser than zod's but always name the field and the problem.
 */
import { problemsOf } from '../primitives/validation';
import type { PolicyResult } from './problems';
import type { Policy } from './schema';
import { SHARED_CHECKS } from './checks';
import createValidator = require('./schema.validator.cjs');

const { validate: validatePolicyData, messages } = createValidator(SHARED_CHECKS);

export function checkPolicy(value: unknown): PolicyResult {
  // The generated code fills in defaults in place; the caller's value stays as it was.
  const copy = structuredClone(value);
  if (validatePolicyData(copy)) return { ok: true, policy: copy as Policy };
  return { ok: false, problems: problemsOf(validatePolicyData.errors, { messages, root: '(root)', missing: 'required' }) };
}
