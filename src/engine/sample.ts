/**
 * A run sample: the run request as the provider received it, without the pipeline configuration
 * (stored apart, once per distinct configuration) and without any variable value. Run samples are
 * what a policy draft is replayed against (src/simulate/replay.ts).
 *
 * On the provider's path: plain functions, no zod.
 */

/** The request fields a sample keeps. Anything else Bitbucket or Forge adds may carry values, so it is left out. */
const KEPT_FIELDS = [
  'workspace',
  'repository',
  'creator',
  'trigger',
  'target',
  'pipeline',
  'build_number',
  'created_on',
  'variables_truncated',
] as const;

export interface SampleVariable {
  readonly key: string;
  readonly scope?: string;
}

/** The run request of a sample: `pipelines_configuration` apart, variables as keys and scopes only. */
export type SampleRequest = Record<string, unknown> & { readonly variables?: SampleVariable[] };

const MAX_VARIABLES = 200;
const MAX_VARIABLE_TEXT = 128;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keeps the key and scope of each request variable and drops everything else an entry holds
 * (`value` above all, whatever other field a later contract adds). Entries without a string key go.
 */
export function variableKeys(variables: unknown): SampleVariable[] | undefined {
  if (!Array.isArray(variables)) return undefined;
  const kept: SampleVariable[] = [];
  for (const entry of variables.slice(0, MAX_VARIABLES)) {
    if (!isObject(entry) || typeof entry.key !== 'string') continue;
    const key = entry.key.slice(0, MAX_VARIABLE_TEXT);
    kept.push(typeof entry.scope === 'string' ? { key, scope: entry.scope.slice(0, MAX_VARIABLE_TEXT) } : { key });
  }
  return kept;
}

/** The request as a sample keeps it: the fields above, variables without values, no configuration. */
export function sampleRequestOf(request: Record<string, unknown>): SampleRequest {
  const kept: Record<string, unknown> = {};
  for (const field of KEPT_FIELDS) if (request[field] !== undefined) kept[field] = request[field];
  const variables = variableKeys(request.variables);
  if (variables) kept.variables = variables;
  return kept as SampleRequest;
}

/**
 * A sample as a replay takes it: the request as received (variables without values) and, when known, its repository.
 */
export interface RunSample {
  readonly request: Record<string, unknown>;
  readonly repository?: { readonly slug: string; readonly fullName?: string; readonly project?: string };
}
