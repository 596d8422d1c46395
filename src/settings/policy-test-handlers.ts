/**
 * The policy tests' resolver functions: list, save (checked against the enforced policy first),
 * delete, and run them all against the saved policy or the editor's draft.
 */
import * as z from 'zod';
import { handler, refuse } from './resolver-handler';
import type { PolicyTestOutcome } from './api';
import type { Identity } from './identity';
import { draftFields, NoParameters, ONE_DRAFT_AT_MOST, oneDraftAtMost, parsePayload } from './payloads';
import { runCase } from './policy-cases';
import type { PolicyReader } from './saved-policy';
import { requirePageSource } from './source-handlers';
import type { KeyValueStore } from '../storage/kv';
import {
  MAX_POLICY_TESTS,
  PolicyTestInputSchema,
  type PolicyTest,
  type PolicyTestStore,
} from '../storage/policy-tests';

const TEST_ID = z.string().regex(/^[a-z0-9]{6,40}$/);
const SavePayload = PolicyTestInputSchema.extend({ id: TEST_ID.optional() });
const DeletePayload = z.strictObject({ id: TEST_ID });
const RunPayload = z.strictObject(draftFields).refine(oneDraftAtMost, ONE_DRAFT_AT_MOST);

export interface PolicyTestHandlerDependencies {
  readonly kv: KeyValueStore;
  readonly tests: PolicyTestStore;
  readonly reader: PolicyReader;
  readonly requireAdmin: (identity: Identity) => Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
}

/** Refuses a case that would be a second one of its name, or one too many, or an edit of one deleted meanwhile. */
function refuseUnfitCase(existing: readonly PolicyTest[], input: z.output<typeof SavePayload>): void {
  if (input.id === undefined && existing.length >= MAX_POLICY_TESTS)
    refuse({
      code: 'invalid-request',
      message: `A workspace can keep at most ${MAX_POLICY_TESTS} policy tests; delete one first.`,
    });
  if (input.id !== undefined && !existing.some((t) => t.id === input.id))
    refuse({ code: 'not-found', message: 'That policy test no longer exists; reload the page.' });
  const sameName = existing.find((t) => t.id !== input.id && t.name.toLowerCase() === input.name.toLowerCase());
  if (sameName)
    refuse({
      code: 'invalid-request',
      message:
        `A policy test named “${sameName.name}” already exists. Give this one another name, or edit that ` + `one.`,
      problems: [{ path: 'name', segments: ['name'], message: 'already used by another policy test' }],
    });
}

export function createPolicyTestHandlers(deps: PolicyTestHandlerDependencies) {
  const { tests, reader, requireAdmin, now, newId } = deps;
  /** A case that already fails would block every later save and rollback: it must pass the enforced policy now. */
  const refuseFailingCase = async (test: PolicyTest) => {
    // Before the first save nothing is enforced; the first save runs the case against its policy.
    const enforced = await reader.saved();
    const outcome = enforced.compiled ? runCase(test, enforced.compiled) : undefined;
    if (outcome && !outcome.passed)
      refuse({
        code: 'tests-failed',
        message:
          `Not saved: “${test.name}” expects ${test.expect}, ` +
          `but with ${enforced.source} the run is ${outcome.actual}` +
          `${outcome.detail ? ` (${outcome.detail})` : ''}. ` +
          `A policy test must pass when it is saved; change the expected outcome, or change the policy first.`,
        failures: [outcome],
      });
  };

  return {
    listPolicyTests: handler<{ tests: PolicyTest[] }>(async (_identity, payload) => {
      parsePayload(NoParameters, payload);
      return { tests: await tests.list() };
    }),

    savePolicyTest: handler<{ test: PolicyTest }>(async (identity, payload) => {
      await requireAdmin(identity);
      await requirePageSource(deps.kv, 'saved');
      const input = parsePayload(SavePayload, payload);
      refuseUnfitCase(await tests.list(), input);
      const test: PolicyTest = {
        ...input,
        id: input.id ?? newId(),
        savedAt: now().toISOString(),
        savedBy: identity.accountId,
      };
      await refuseFailingCase(test);
      await tests.put(test);
      return { test };
    }),

    deletePolicyTest: handler<{ deleted: string }>(async (identity, payload) => {
      await requireAdmin(identity);
      await requirePageSource(deps.kv, 'deleted');
      const { id } = parsePayload(DeletePayload, payload);
      await tests.remove(id);
      return { deleted: id };
    }),

    runPolicyTests: handler<{ outcomes: PolicyTestOutcome[]; policySource: string }>(async (_identity, payload) => {
      const { compiled, source } = await reader.inUse(parsePayload(RunPayload, payload));
      return { outcomes: (await tests.list()).map((test) => runCase(test, compiled)), policySource: source };
    }),
  };
}
