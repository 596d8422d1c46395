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

export type RequestCheck =
  | {
      success: true;
      data: ProviderRequest;
      /** What was wrong with `variables`/`variables_truncated`, which were then set aside; absent when nothing was. */
      variableProblems?: ValidationProblem[];
    }
  | { success: false; problems: ValidationProblem[] };

const problemsIn = () => problemsOf(validateRequest.errors, { messages, root: '(request)', missing: 'missing' });

/**
 * The request as it came (the schema has no defaults, so nothing is filled in), or what is wrong with it.
 * An unexpected shape of the variables alone never refuses a request: the run goes on without them.
 */
export function checkProviderRequest(raw: unknown): RequestCheck {
  if (validateRequest(raw)) return { success: true, data: raw as ProviderRequest };
  const problems = problemsIn();
  if (typeof raw !== 'object' || raw === null || !('variables' in raw || 'variables_truncated' in raw))
    return { success: false, problems };
  const { variables: _variables, variables_truncated: _truncated, ...rest } = raw as Record<string, unknown>;
  if (!validateRequest(rest)) return { success: false, problems: problemsIn() };
  return { success: true, data: rest as ProviderRequest, variableProblems: problems };
}
