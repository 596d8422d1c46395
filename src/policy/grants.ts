/**
 * Break-glass grants: a named, justified, time-boxed exception that lets one repository's runs on
 * some refs use environments that `branch-gate` or `repository-scope` would refuse them. This zod
 * schema is the source of truth for the CLI's grants file and the settings page; the provider
 * reads stored grants through the hand-written guard in grant-guard.ts, which a test keeps in step.
 */
import * as z from 'zod';
import { formatPath, type Path } from '../primitives/path';
import {
  ACCOUNT_UUID_PATTERN,
  ENVIRONMENT_NAME_PATTERN,
  GRANT_FIELDS,
  GRANT_ID_PATTERN,
  grantRefProblem,
  GRANTED_BY_PATTERN,
  instantMs,
  MAX_LIST,
  MAX_REASON,
  MIN_REASON,
  REPOSITORY_SLUG_PATTERN,
  REPOSITORY_UUID_PATTERN,
  WAIVABLE_RULE_IDS,
  windowProblem,
  type Grant,
} from './grant-guard';

export { MAX_GRANT_MS, WAIVABLE_RULE_IDS, type Grant, type WaivableRuleId } from './grant-guard';

const instant = z
  .string()
  .refine(
    (value) => !Number.isNaN(instantMs(value)),
    'not an ISO 8601 time with a time zone, e.g. 2026-12-02T12:00:00Z',
  );

const refGlob = z.string().check((ctx) => {
  const problem = grantRefProblem(ctx.value);
  if (problem)
    ctx.issues.push({
      code: 'custom',
      message: `not a Bitbucket glob (a branch glob, or tag:GLOB for tags): ${problem}`,
      input: ctx.value,
    });
});

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).min(1, `name at least one ${what}`).max(MAX_LIST, `at most ${MAX_LIST} ${what}s`);

export const GrantSchema = z
  .strictObject({
    id: z.string().regex(GRANT_ID_PATTERN, 'an id is letters, digits, ".", "_" and "-" (at most 64), e.g. INC-4711'),
    reason: z
      .string()
      .max(MAX_REASON, `at most ${MAX_REASON} characters`)
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
      .refine((value) => value.trim().length >= MIN_REASON, `say why in at least ${MIN_REASON} characters`),
    repository: z
      .string()
      .regex(
        REPOSITORY_SLUG_PATTERN,
        'a repository slug such as payments-api (lowercase letters, digits, ".", "_" and "-")',
      ),
    repositoryUuid: z
      .string()
      .regex(REPOSITORY_UUID_PATTERN, 'not a repository UUID such as {2fc883c6-3dee-4e73-a354-ccee4bd77938}')
      .optional(),
    refs: list(refGlob, 'branch glob or tag:GLOB'),
    environments: list(z.string().regex(ENVIRONMENT_NAME_PATTERN, 'not an environment name'), 'environment'),
    rules: list(
      z.enum(WAIVABLE_RULE_IDS, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} cannot be waived; a grant waives only ${WAIVABLE_RULE_IDS.join(' and ')}`,
      }),
      'rule',
    ),
    expires: instant,
    creators: list(
      z
        .string()
        .regex(ACCOUNT_UUID_PATTERN, 'not a Bitbucket account UUID such as {0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}'),
      'creator',
    ).optional(),
    grantedBy: z.string().regex(GRANTED_BY_PATTERN, 'not an account id').optional(),
    grantedAt: instant.optional(),
  })
  .superRefine((grant, ctx) => {
    if (
      grant.grantedAt === undefined ||
      Number.isNaN(instantMs(grant.grantedAt)) ||
      Number.isNaN(instantMs(grant.expires))
    )
      return;
    const problem = windowProblem(grant.expires, instantMs(grant.grantedAt), `grantedAt (${grant.grantedAt})`);
    if (problem) ctx.addIssue({ code: 'custom', path: ['expires'], message: problem });
  });

/** One problem of a grants list, named by grant and field: `grant "INC-4711" (grants[0]).rules[0]: …`. */
export interface GrantProblem {
  /** The grant's id when it has a usable one, else its position. */
  readonly grant: string;
  readonly field: string;
  /** Where in the list: `[0, 'rules', 1]`, for a line number in a file. */
  readonly segments: Path;
  readonly message: string;
}

export type GrantsResult = { ok: true; grants: Grant[] } | { ok: false; problems: GrantProblem[] };

export function formatGrantProblems(problems: readonly GrantProblem[]): string {
  return problems.map((p) => `${p.grant}${p.field ? `: ${p.field}` : ''}: ${p.message}`).join('\n');
}

function grantName(value: unknown, index: number): string {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && GRANT_ID_PATTERN.test(id) ? `grant "${id}" (grants[${index}])` : `grants[${index}]`;
}

/**
 * Validates one grant. `now` bounds the window of a grant that does not say when it was granted:
 * its expiry is at most 24 hours after `now`.
 */
export function validateGrant(
  value: unknown,
  now: Date,
  index = 0,
): { ok: true; grant: Grant } | { ok: false; problems: GrantProblem[] } {
  const name = grantName(value, index);
  const parsed = GrantSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue): GrantProblem[] => {
      const base = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => ({
          grant: name,
          field: formatPath([...base, key]),
          segments: [index, ...base, key],
          message: `unknown field; a grant has ${GRANT_FIELDS.join(', ')}`,
        }));
      const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
      return [
        {
          grant: name,
          field: formatPath(base),
          segments: [index, ...base],
          message: missing ? 'required' : issue.message,
        },
      ];
    });
    // zod skips the window check when another field fails; a file should hear of every problem at once.
    const { expires, grantedAt } = (typeof value === 'object' && value !== null ? value : {}) as {
      expires?: unknown;
      grantedAt?: unknown;
    };
    if (
      typeof expires === 'string' &&
      typeof grantedAt === 'string' &&
      !problems.some((p) => p.field === 'expires') &&
      !Number.isNaN(instantMs(expires)) &&
      !Number.isNaN(instantMs(grantedAt))
    ) {
      const problem = windowProblem(expires, instantMs(grantedAt), `grantedAt (${grantedAt})`);
      if (problem) problems.push({ grant: name, field: 'expires', segments: [index, 'expires'], message: problem });
    }
    return { ok: false, problems };
  }
  const grant = parsed.data as Grant;
  if (grant.grantedAt === undefined) {
    const problem = windowProblem(
      grant.expires,
      now.getTime(),
      `now (${now.toISOString()}), since the grant does not say when it was granted`,
    );
    // An expiry already past is a grant that no longer applies, not a malformed one.
    if (problem && instantMs(grant.expires) > now.getTime())
      return {
        ok: false,
        problems: [{ grant: name, field: 'expires', segments: [index, 'expires'], message: problem }],
      };
  }
  return { ok: true, grant };
}

/** Validates a grants list (a file's or a payload's): every grant, and ids unique. */
export function validateGrants(value: unknown, now: Date): GrantsResult {
  if (!Array.isArray(value))
    return {
      ok: false,
      problems: [{ grant: '(grants)', field: '', segments: [], message: 'must be a list of grants' }],
    };
  const problems: GrantProblem[] = [];
  const grants: Grant[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const result = validateGrant(item, now, index);
    if (!result.ok) return problems.push(...result.problems);
    if (seen.has(result.grant.id))
      problems.push({
        grant: grantName(item, index),
        field: 'id',
        segments: [index, 'id'],
        message: 'another grant in the list has the same id',
      });
    seen.add(result.grant.id);
    grants.push(result.grant);
  });
  return problems.length ? { ok: false, problems } : { ok: true, grants };
}
