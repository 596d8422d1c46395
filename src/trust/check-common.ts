/**
 * What every cloud's trust check shares: the finding it reports, set and glob coverage, and CIDR
 * containment. A deployed artifact is "at least as strict" when every value it admits is one the
 * generated artifact admits too; anything the check cannot show to be so counts as weaker.
 */
import { parseCidr, type Cidr } from '../policy/network';

/** What a deployed condition guards; the report groups and names findings by it. */
export type TrustDimension =
  | 'identity provider'
  | 'workspace'
  | 'audience'
  | 'repository'
  | 'deployment environment'
  | 'branch'
  | 'network'
  | 'token lifetime'
  | 'binding'
  | 'other';

/** weaker: admits something the generated artifact refuses; stronger: refuses more; note: outside the comparison. */
export type TrustVerdict = 'weaker' | 'stronger' | 'note';

export interface TrustFinding {
  readonly verdict: TrustVerdict;
  readonly dimension: TrustDimension;
  /** Where in the deployed JSON, e.g. `Statement[0] (Sid "X").Condition` or `data.bound_claims.branchName`. */
  readonly where: string;
  readonly message: string;
  /** What to change on the cloud side (weaker findings). */
  readonly fix?: string;
}

/** The deployed JSON is not what the check expects: exit status 2, never a pass. */
export class TrustCheckInputError extends Error {}

export const finding = (
  verdict: TrustVerdict,
  dimension: TrustDimension,
  where: string,
  message: string,
  fix?: string,
): TrustFinding => ({ verdict, dimension, where, message, ...(fix ? { fix } : {}) });

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON value that may be one string or a list of them, as every cloud prints both. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

export const quoteList = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

/**
 * Whether the glob `general` admits every value the glob `specific` admits. `*` matches any text in
 * both (IAM's and Vault's globs cross "/"), `?` one character. Sound, not complete: a wildcard of
 * `specific` must be matched by a `*` of `general`.
 */
export function globCovers(general: string, specific: string): boolean {
  const source = [...general]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '[^*?]' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(specific);
}

export const hasWildcard = (value: string) => /[*?]/.test(value);

/** An address or range as IAM and Vault accept it: a bare address is one host. */
export function cidrOf(text: string): Cidr | undefined {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return parseCidr(trimmed);
  return parseCidr(`${trimmed}/32`) ?? parseCidr(`${trimmed}/128`);
}

function bitAt(bytes: readonly number[], index: number): number {
  return (bytes[index >> 3] >> (7 - (index & 7))) & 1;
}

/** Whether every address of `inner` lies in `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.version !== inner.version || outer.prefix > inner.prefix) return false;
  for (let bit = 0; bit < outer.prefix; bit++) if (bitAt(outer.bytes, bit) !== bitAt(inner.bytes, bit)) return false;
  return true;
}

/** The deployed ranges no generated range contains (unparsable ones included). */
export function rangesOutside(deployed: readonly string[], generated: readonly string[]): string[] {
  const allowed = generated.map(cidrOf).filter((cidr): cidr is Cidr => cidr !== undefined);
  return deployed.filter((text) => {
    const cidr = cidrOf(text);
    return !cidr || !allowed.some((outer) => cidrContains(outer, cidr));
  });
}

/** Parses JSON that a cloud CLI printed; the error names the file and the place. */
export function parseDeployedJson(text: string, label: string): unknown {
  if (!text.trim()) throw new TrustCheckInputError(`${label} is empty; pass the JSON the cloud's CLI printed`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TrustCheckInputError(
      `${label} is not JSON (${(error as Error).message}); pass the JSON the cloud's CLI printed`,
    );
  }
}
