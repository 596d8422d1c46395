/**
 * Whether a step asks Bitbucket for an OIDC token: `oidc: true` or `oidc: { audiences: [...] }` on
 * the step, or either form under `options` when the step says nothing (`oidc: false` opts out).
 */
import { isPlainObject } from './clone';
import type { JsonObject } from './types';

export const MAX_AUDIENCES = 10;
export const MAX_AUDIENCE_LENGTH = 150;

const asks = (value: unknown) => value === true || isPlainObject(value);

export function requestsOidc(step: JsonObject, config: JsonObject): boolean {
  if (step.oidc !== undefined) return asks(step.oidc);
  return isPlainObject(config.options) && asks(config.options.oidc);
}

/** What is wrong with an `oidc` value, or undefined when Bitbucket accepts it. */
export function oidcValueProblem(value: unknown): string | undefined {
  if (typeof value === 'boolean') return undefined;
  if (!isPlainObject(value))
    return (
      `is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}; ` +
      'expected true or false, or a mapping with `audiences`'
    );
  const extra = Object.keys(value).filter((key) => key !== 'audiences');
  if (extra.length)
    return `has the key(s) ${extra.map((k) => `\`${k}\``).join(', ')}; the mapping form takes only \`audiences\``;
  const audiences = value.audiences;
  if (!Array.isArray(audiences)) return '`audiences` is not a list';
  if (audiences.length === 0) return '`audiences` is empty';
  if (audiences.length > MAX_AUDIENCES)
    return `\`audiences\` lists ${audiences.length} audiences; Bitbucket allows at most ${MAX_AUDIENCES}`;
  const index = audiences.findIndex((a) => typeof a !== 'string' || a.length === 0 || a.length > MAX_AUDIENCE_LENGTH);
  if (index >= 0)
    return (
      `\`audiences[${index}]\` is ` +
      (typeof audiences[index] === 'string' ? `${(audiences[index] as string).length} characters long` : `not text`) +
      `; each audience is text of 1 to ${MAX_AUDIENCE_LENGTH} characters`
    );
  return undefined;
}
