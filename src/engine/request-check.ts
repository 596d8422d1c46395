/**
 * The provider request checked by the validator generated from ProviderRequestSchema
 * (request.validator.ts), so that the engine validates without zod. A test runs both on the same
 * inputs and fails on any disagreement.
 */
import { problemsOf, VALIDATOR_RUNTIME, type ValidationProblem } from '../primitives/validation';
import type { ProviderRequest } from './request';
import { SHARED_CHECKS } from '../policy/checks';
import createValidator from './request.validator.cjs';

const { validate: validateRequest, messages } = createValidator(SHARED_CHECKS, VALIDATOR_RUNTIME);

export type RequestCheck = { success: true; data: ProviderRequest } | { success: false; problems: ValidationProblem[] };

/** The request as it came (the schema has no defaults, so nothing is filled in), or what is wrong with it. */
export function checkProviderRequest(raw: unknown): RequestCheck {
  if (validateRequest(raw)) return { success: true, data: raw as ProviderRequest };
  return { success: false, problems: problemsOf(validateRequest.errors, { messages, root: '(request)', missing: 'missing' }) };
}
