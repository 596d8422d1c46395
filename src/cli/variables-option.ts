/**
 * `--var KEY=VALUE` (a repository variable, repeatable) and `--variables FILE` (a JSON list in the
 * request's own `{ key, value, scope }` shape): the `variables` Bitbucket would send with the run.
 */
import * as z from 'zod';
import { RequestVariableSchema, VARIABLE_NAME, type RequestVariable } from '../engine/request';

export class VariablesOptionError extends Error {}

const VariablesFileSchema = z.array(RequestVariableSchema);

/** The list a `--variables` file holds, or why it cannot be used. */
export function parseVariablesFile(text: string, label: string): RequestVariable[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new VariablesOptionError(`the variables file ${label} is not valid JSON (${(error as Error).message})`);
  }
  const result = VariablesFileSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length ? `[${issue.path.join('].')}` : '(list)'}: ${issue.message}`);
    throw new VariablesOptionError(
      `the variables file ${label} is not a list of { "key", "value", "scope" } entries ` +
        `(scope PIPELINE, REPOSITORY, WORKSPACE, STEP or DEPLOYMENT):\n  ${problems.join('\n  ')}`,
    );
  }
  return result.data;
}

/** `--var KEY=VALUE`: a repository variable, the strongest source of `${{KEY}}` templates. */
export function parseVarOption(option: string): RequestVariable {
  const at = option.indexOf('=');
  const key = at < 0 ? option : option.slice(0, at);
  if (at < 0 || !VARIABLE_NAME.test(key))
    throw new VariablesOptionError(
      '--var takes KEY=VALUE with a variable name of letters, digits and "_" (not starting with a digit), ' +
        `e.g. --var DEPLOY_ENV=production, not "${option}"`,
    );
  return { key, value: option.slice(at + 1), scope: 'REPOSITORY' };
}
