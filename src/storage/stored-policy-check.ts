/** The stored policy record checked by the validator generated from StoredPolicySchema, for the provider (no zod). */
import { problemsOf, type GeneratedValidator, type ValidationProblem } from '../primitives/validation';
import type { StoredPolicy } from './stored-policy';
import { messages, validate } from './stored-policy.validator';

const validateRecord = validate as GeneratedValidator;

export type StoredPolicyCheck = { success: true; data: StoredPolicy } | { success: false; problems: ValidationProblem[] };

export function checkStoredPolicy(value: unknown): StoredPolicyCheck {
  if (validateRecord(value)) return { success: true, data: value as StoredPolicy };
  return { success: false, problems: problemsOf(validateRecord.errors, { messages, root: '(record)', missing: 'required' }) };
}
