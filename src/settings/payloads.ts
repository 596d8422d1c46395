/**
 * Reading what the page sends: every payload through a zod schema, refused as `invalid-request`
 * with each problem at its field; a policy draft (form or YAML text) validated into a policy.
 */
import * as z from 'zod';
import { refuse } from './resolver-handler';
import { problemsFromZod, validatePolicy, type PolicyProblem } from '../policy/load';
import type { Policy } from '../policy/schema';
import { parsePolicyText } from '../policy/text';
import { parseYaml } from '../yaml/document';

/** Policy text an admin pastes; far above any real policy, far below the KVS value limit. */
const MAX_POLICY_TEXT = 128 * 1024;

/** A draft policy, from the form (`policy`) or as YAML (`policyText`); neither means the saved one. */
export const draftFields = {
  policy: z.unknown().optional(),
  policyText: z
    .string()
    .max(MAX_POLICY_TEXT, `policy text is limited to ${MAX_POLICY_TEXT / 1024} KiB`)
    .optional(),
};
export const oneDraftAtMost = (value: { policy?: unknown; policyText?: string }) =>
  value.policy === undefined || value.policyText === undefined;
export const ONE_DRAFT_AT_MOST = 'send `policy` or `policyText`, not both';
export const revisionNumber = z.number().int().min(0).max(1_000_000_000);
export const reason = z.string().trim().max(500, 'a reason has at most 500 characters').optional();
/** Actions without parameters still refuse a payload that is not an object. */
export const NoParameters = z.looseObject({});

export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload ?? {});
  if (parsed.success) return parsed.data;
  const problems = problemsFromZod(parsed.error);
  return refuse({
    code: 'invalid-request',
    message: `The request is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    problems,
  });
}

export interface Draft {
  /** As the admin wrote it: what is stored, so the editor shows it back unchanged. */
  readonly raw: unknown;
  readonly policy: Policy;
  /** The YAML text the admin wrote or imported, kept so comments and key order survive. */
  readonly text?: string;
}

export function invalidPolicy(problems: PolicyProblem[]): never {
  const shown = problems.slice(0, 8).map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  return refuse({ code: 'invalid-policy', message: `The policy is not valid: ${shown.join('; ')}${more}`, problems });
}

const cloneJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** The draft the payload carries, validated (refused when invalid); undefined when it carries none. */
export function draftFrom(input: { policy?: unknown; policyText?: string }): Draft | undefined {
  if (input.policyText !== undefined) {
    const result = parsePolicyText(input.policyText);
    if (!result.ok) return invalidPolicy(result.problems);
    return { raw: cloneJson(parseYaml(input.policyText).value), policy: result.policy, text: input.policyText };
  }
  if (input.policy === undefined) return undefined;
  const result = validatePolicy(input.policy);
  if (!result.ok) return invalidPolicy(result.problems);
  return { raw: cloneJson(input.policy), policy: result.policy };
}
