/**
 * What the validators generated from the zod schemas (scripts/gen-validators.ts, Ajv standalone
 * code) hand back, and how their errors become `path: problem` lines. No zod and no Ajv here: this
 * runs on the provider's hot path.
 */
import { formatPath, type Path } from './path';

/** The subset of Ajv's error object the generated code produces. */
export interface GeneratedError {
  readonly instancePath: string;
  readonly schemaPath?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly propertyName?: string;
}

/** A generated validator: true when valid; fills in defaults in place, like zod's `.default()`. */
export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: GeneratedError[] | null;
}

/**
 * What the generated code needs at run time instead of Ajv's helpers. Lengths count code points,
 * a surrogate pair once and a lone surrogate as itself, as zod's length checks and Ajv's
 * ucs2length both do.
 */
export const VALIDATOR_RUNTIME = {
  codePointLength(text: string): number {
    let count = text.length;
    for (let i = 0; i < text.length - 1; i++)
      if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        count--;
        i++;
      }
    return count;
  },
};

export interface ValidationProblem {
  readonly path: string;
  readonly segments: Path;
  readonly message: string;
}

function segmentsOf(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

export interface ProblemOptions {
  /** zod's messages by the key the generated errors carry as their schemaPath, as the generator writes them. */
  readonly messages: Readonly<Record<string, string>>;
  /** How the root is named when the problem is the value itself: `(request)`, `(root)`. */
  readonly root: string;
  /** What a missing required field is called. */
  readonly missing: string;
}

/** Ajv's own wording, built here because the generated code carries parameters but no messages. */
function describe(keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'type':
      return (
        'must be ' +
        (params.type === 'integer'
          ? 'an integer'
          : params.type === 'object' || params.type === 'array'
            ? `an ${params.type}`
            : `a ${params.type}`)
      );
    case 'pattern':
      return `must match ${String(params.pattern)}`;
    case 'minLength':
      return `must have at least ${params.limit} characters`;
    case 'maxLength':
      return `must have at most ${params.limit} characters`;
    case 'minItems':
      return `must have at least ${params.limit} items`;
    case 'maxItems':
      return `must have at most ${params.limit} items`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${params.limit}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `fails "${keyword}" (${JSON.stringify(params)})`;
  }
}

/** One problem per error; shared checks (keyword `x-shared-check`) carry their own list. */
export function problemsOf(
  errors: readonly GeneratedError[] | null | undefined,
  options: ProblemOptions,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const problem = (segments: Path, message: string): ValidationProblem => ({
    path: formatPath(segments) || options.root,
    segments,
    message,
  });
  for (const error of errors ?? []) {
    const base = segmentsOf(error.instancePath);
    const params = error.params;
    const zodMessage = error.schemaPath === undefined ? undefined : options.messages[error.schemaPath];
    if (error.propertyName !== undefined)
      problems.push(
        problem(
          [...base, error.propertyName],
          zodMessage ??
            'not an allowed key' +
              (Array.isArray(params.allowedValues) ? ` (allowed: ${params.allowedValues.join(', ')})` : ''),
        ),
      );
    else if (error.keyword === 'required')
      problems.push(problem([...base, String(params.missingProperty)], options.missing));
    else if (error.keyword === 'additionalProperties')
      problems.push(problem([...base, String(params.additionalProperty)], 'unknown field'));
    else if (error.keyword === 'x-shared-check' && Array.isArray(params.problems))
      for (const found of params.problems as Array<{ path: Path; message: string }>)
        problems.push(problem([...base, ...found.path], found.message));
    else if (zodMessage !== undefined) problems.push(problem(base, zodMessage));
    else if (error.keyword === 'discriminator')
      problems.push(problem([...base, String(params.tag)], `unknown value ${JSON.stringify(params.tagValue)}`));
    else if (error.keyword === 'enum' && Array.isArray(params.allowedValues))
      problems.push(problem(base, `must be one of ${params.allowedValues.map(String).join(', ')}`));
    else problems.push(problem(base, describe(error.keyword, params)));
  }
  return problems;
}
