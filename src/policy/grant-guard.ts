/**
 * Break-glass grants as the provider reads them from storage, checked without zod: the provider's
 * bundle must stay free of it. src/policy/grants.ts holds the zod schema (the source of truth for
 * the CLI and the settings page); a property test keeps this guard and that schema in agreement.
 */
import { globSyntaxError, REF_GLOB } from '../primitives/glob';

/** The only rules a grant may waive: the ones that decide *where* a step may run, never *what* it does. */
export const WAIVABLE_RULE_IDS = ['branch-gate', 'repository-scope'] as const;
export type WaivableRuleId = (typeof WAIVABLE_RULE_IDS)[number];

/**
 * A grant's `refs` entry is a branch glob, or a tag glob written `tag:GLOB` (git allows no ":" in a
 * ref name, so the prefix cannot be part of one). A branch glob never matches a tag, so `main` does
 * not also open a tag someone names `main`.
 */
export const TAG_REF_PREFIX = 'tag:';

export function grantRef(entry: string): { readonly kind: 'branch' | 'tag'; readonly glob: string } {
  return entry.startsWith(TAG_REF_PREFIX)
    ? { kind: 'tag', glob: entry.slice(TAG_REF_PREFIX.length) }
    : { kind: 'branch', glob: entry };
}

/** Why a `refs` entry is not a branch glob or `tag:` glob, or undefined when it is one. */
export function grantRefProblem(entry: string): string | undefined {
  return globSyntaxError(grantRef(entry).glob, REF_GLOB);
}

/** A grant may open at most this long a window after it was granted. */
export const MAX_GRANT_MS = 24 * 60 * 60 * 1000;

export const GRANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Bitbucket repository slugs: lowercase letters, digits, `-`, `_` and `.`. */
export const REPOSITORY_SLUG_PATTERN = /^[a-z0-9._-]{1,128}$/;
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Bitbucket account UUIDs in their brace form, as in the request's `creator`. */
export const ACCOUNT_UUID_PATTERN = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
/** A repository UUID in the brace form of the provider request's `repository`. */
export const REPOSITORY_UUID_PATTERN = ACCOUNT_UUID_PATTERN;
/** Who granted it: an account id from the Forge context (or any id a file names). */
export const GRANTED_BY_PATTERN = /^[A-Za-z0-9{}_.:-]{1,200}$/;
/** An ISO 8601 instant with a time zone: `2026-12-02T12:00:00Z`, `2026-12-02T13:00:00.000+01:00`. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;
export const MIN_REASON = 10;
export const MAX_REASON = 500;
export const MAX_LIST = 20;
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

export const GRANT_FIELDS = [
  'id',
  'reason',
  'repository',
  'repositoryUuid',
  'refs',
  'environments',
  'rules',
  'expires',
  'creators',
  'grantedBy',
  'grantedAt',
] as const;

export interface Grant {
  readonly id: string;
  readonly reason: string;
  readonly repository: string;
  /**
   * The repository's UUID, which the settings page looks up from the slug when the grant is made.
   * When present, runs are matched on it (the request names the repository by UUID, so the provider
   * needs no lookup, and a repository renamed to the slug later cannot take the grant over); the
   * slug is kept for people and for grants files.
   */
  readonly repositoryUuid?: string;
  readonly refs: readonly string[];
  readonly environments: readonly string[];
  readonly rules: readonly WaivableRuleId[];
  readonly expires: string;
  readonly creators?: readonly string[];
  readonly grantedBy?: string;
  readonly grantedAt?: string;
}

/** Milliseconds since the epoch of an ISO instant, or NaN when it is not one. */
export function instantMs(value: string): number {
  if (!INSTANT_PATTERN.test(value)) return Number.NaN;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.parse would roll 2026-02-30 over into March; only a calendar date is a date.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || Number(value.slice(11, 13)) > 23)
    return Number.NaN;
  return Date.parse(value);
}

export const isInstant = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(instantMs(value));

const isText = (value: unknown, pattern: RegExp): value is string => typeof value === 'string' && pattern.test(value);
const isList = (value: unknown, item: (v: unknown) => boolean, min: number): value is unknown[] =>
  Array.isArray(value) && value.length >= min && value.length <= MAX_LIST && value.every(item);
const isRefGlob = (value: unknown) => typeof value === 'string' && grantRefProblem(value) === undefined;
const isWaivable = (value: unknown) => (WAIVABLE_RULE_IDS as readonly unknown[]).includes(value);

/** Why `expires` is outside the grant's window after `from`, or undefined when it is inside. */
export function windowProblem(expires: string, from: number, fromText: string): string | undefined {
  const end = instantMs(expires);
  if (end <= from) return `must be after ${fromText}`;
  if (end - from > MAX_GRANT_MS) return `is more than 24 hours after ${fromText}; a grant opens at most 24 hours`;
  return undefined;
}

/**
 * A grant as stored: every field well-formed, no unknown field, and (when it says when it was
 * granted) an expiry at most 24 hours after that. Whether it is still in force is the engine's
 * question, asked against the clock at run time.
 */
export function isStoredGrant(value: unknown): value is Grant {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const grant = value as Record<string, unknown>;
  if (Object.keys(grant).some((key) => !(GRANT_FIELDS as readonly string[]).includes(key))) return false;
  if (!isText(grant.id, GRANT_ID_PATTERN)) return false;
  if (
    typeof grant.reason !== 'string' ||
    grant.reason.trim().length < MIN_REASON ||
    grant.reason.length > MAX_REASON ||
    !NO_CONTROL.test(grant.reason)
  )
    return false;
  if (!isText(grant.repository, REPOSITORY_SLUG_PATTERN)) return false;
  if (grant.repositoryUuid !== undefined && !isText(grant.repositoryUuid, REPOSITORY_UUID_PATTERN)) return false;
  if (!isList(grant.refs, isRefGlob, 1)) return false;
  if (!isList(grant.environments, (v) => isText(v, ENVIRONMENT_NAME_PATTERN), 1)) return false;
  if (!isList(grant.rules, isWaivable, 1)) return false;
  if (!isInstant(grant.expires)) return false;
  if (grant.creators !== undefined && !isList(grant.creators, (v) => isText(v, ACCOUNT_UUID_PATTERN), 1)) return false;
  if (grant.grantedBy !== undefined && !isText(grant.grantedBy, GRANTED_BY_PATTERN)) return false;
  if (grant.grantedAt !== undefined) {
    if (!isInstant(grant.grantedAt)) return false;
    if (windowProblem(grant.expires, instantMs(grant.grantedAt), 'grantedAt')) return false;
  }
  return true;
}

/** The well-formed grants of a stored list; a damaged entry is dropped, since a grant only ever widens. */
export function storedGrants(value: unknown): Grant[] {
  return Array.isArray(value) ? value.filter(isStoredGrant) : [];
}
