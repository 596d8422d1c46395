/** The stored policy record checked by the validator generated from StoredPolicySchema, for the provider (no zod). */
import { problemsOf, VALIDATOR_RUNTIME, type ValidationProblem } from '../primitives/validation';
import type { StoredPolicy } from './stored-policy';
import { SHARED_CHECKS } from '../policy/checks';
import createValidator from './stored-policy.validator.cjs';

const { validate: validateRecord, messages } = createValidator(SHARED_CHECKS, VALIDATOR_RUNTIME);

export type StoredPolicyCheck =
  { success: true; data: StoredPolicy } | { success: false; problems: ValidationProblem[] };

export function checkStoredPolicy(value: unknown): StoredPolicyCheck {
  if (validateRecord(value)) return { success: true, data: value as StoredPolicy };
  return {
    success: false,
    problems: problemsOf(validateRecord.errors, { messages, root: '(record)', missing: 'required' }),
  };
}
