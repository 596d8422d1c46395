/**
 * The policy's resolver functions: read it, save a new revision, roll back to an old one, list the
 * history. Saves and rollbacks are refused when stale, when they break a policy test, or when they
 * weaken enforcement without a reason; who saved comes from the Forge context.
 */
import * as z from 'zod';
import { handler, refuse } from './resolver-handler';
import type { HistoryEntry, PolicyView, SavedView } from './api';
import type { AdminCheck, Identity } from './identity';
import {
  draftFields,
  draftFrom,
  invalidPolicy,
  NoParameters,
  oneDraftAtMost,
  parsePayload,
  reason,
  revisionNumber,
  type Draft,
} from './payloads';
import { checkCases } from './policy-cases';
import { requirePageSource } from './source-handlers';
import type { KeyValueStore } from '../storage/kv';
import type { PolicyReader } from './saved-policy';
import { validatePolicy } from '../policy/load';
import type { Policy } from '../policy/schema';
import { weakenings } from '../policy/weakening';
import type { ReplayBrief } from '../storage/replay-brief';
import type { GrantStore } from '../storage/grant-store';
import type { PolicyRepository, RevisionRecord } from '../storage/policy-repo';
import type { PolicyTestStore } from '../storage/policy-tests';
import { historyEntryForMembers } from './replay-for-members';

const NO_POLICY_MESSAGE =
  'No policy has been saved for this workspace yet. Until one is saved, Pipeline Guard passes every pipeline ' +
  'through unchanged. Write a policy on this page, preview it against a pipeline, then save it.';

/** A save that keeps the admin's value over another admin's change names that revision and the fields. */
const replaces = z
  .strictObject({ revision: revisionNumber.min(1), fields: z.array(z.string().max(200)).min(1).max(50) })
  .optional();

const SavePayload = z
  .strictObject({
    expectedRevision: revisionNumber,
    reason,
    replaces,
    confirmNewlyBlocked: z.boolean().optional(),
    ...draftFields,
  })
  .refine(
    (v) => oneDraftAtMost(v) && (v.policy !== undefined || v.policyText !== undefined),
    'send either `policy` or `policyText`',
  );
const RollbackPayload = z.strictObject({
  revision: revisionNumber.min(1),
  expectedRevision: revisionNumber,
  reason,
  overrideFailingTests: z.boolean().optional(),
});

export interface PolicyStores {
  readonly kv: KeyValueStore;
  readonly repo: PolicyRepository;
  readonly tests: PolicyTestStore;
  readonly grants: GrantStore;
  readonly reader: PolicyReader;
  readonly adminCheck: AdminCheck;
  readonly requireAdmin: (identity: Identity) => Promise<void>;
  readonly now: () => Date;
  /** The save's replay of the samples: refuses a draft that newly blocks runs unless confirmed. */
  readonly replayCheck?: (
    draft: Policy,
    baselineRevision: number,
    confirmed: boolean,
  ) => Promise<ReplayBrief | undefined>;
}

interface CommitOptions {
  readonly restoredFrom?: number;
  readonly reason?: string;
  readonly overrideFailingTests?: boolean;
  readonly replaces?: { readonly revision: number; readonly fields: string[] };
  readonly checkReplay?: boolean;
  readonly confirmNewlyBlocked?: boolean;
}

function historyEntry(record: RevisionRecord): HistoryEntry {
  return {
    revision: record.revision,
    savedAt: record.savedAt,
    savedBy: record.savedBy,
    action: record.action ?? 'save',
    ...(record.restoredFrom !== undefined ? { restoredFrom: record.restoredFrom } : {}),
    ...(record.commit ? { commit: record.commit } : {}),
    ...(record.replaces ? { replaces: record.replaces } : {}),
    policy: record.policy,
    ...(record.policyText !== undefined ? { policyText: record.policyText } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.overriddenTests?.length ? { overriddenTests: record.overriddenTests } : {}),
    ...(record.replay ? { replay: record.replay } : {}),
  };
}

/** Stores a draft as the next revision, after the stale, policy-test and weakening checks. */
async function refuseStale(
  repo: PolicyStores['repo'],
  expectedRevision: number,
  currentRevision: number,
): Promise<never> {
  const current = await repo.revision(currentRevision);
  return refuse({
    code: 'stale',
    message:
      `Not saved: someone saved revision ${currentRevision} after you loaded revision ${expectedRevision}. ` +
      `The page now shows revision ${currentRevision}; your changes are kept aside so you can compare ` +
      `them and make them again.`,
    currentRevision,
    ...(current ? { savedBy: current.savedBy, savedAt: current.savedAt } : {}),
  });
}

function createCommitter({ repo, tests, grants, reader, now, replayCheck }: PolicyStores) {
  const refuseUnexplainedWeakening = async (draft: Draft, options: CommitOptions) => {
    // Every write is checked, whichever path it comes by: a rollback or an import weakens as much as an edit.
    const weakened = weakenings(await reader.enforced(), draft.policy);
    if (weakened.length > 0 && !options.reason)
      refuse({
        code: 'reason-required',
        message:
          `Not saved: this change weakens enforcement (${weakened.map((w) => w.message).join('; ')}). Confirm ` +
          `it with a short reason, which is recorded with the revision.`,
        weakenings: weakened,
      });
  };

  return async (
    identity: Identity,
    draft: Draft,
    expectedRevision: number,
    action: 'save' | 'rollback',
    options: CommitOptions = {},
  ): Promise<SavedView> => {
    const current = await repo.current();
    const currentRevision =
      current.state === 'none' ? 0 : current.state === 'ok' ? current.record.revision : current.revision;
    // Stale first: a save on top of an old revision is refused whatever its tests say.
    if (currentRevision !== expectedRevision) return refuseStale(repo, expectedRevision, currentRevision);
    if (options.overrideFailingTests && !options.reason)
      refuse({
        code: 'reason-required',
        message: 'Going through failing policy tests needs a reason, which is recorded with the revision.',
      });
    const { testsRun, overridden } = await checkCases(
      tests,
      draft,
      expectedRevision + 1,
      options.overrideFailingTests ? options.reason : undefined,
    );
    await refuseUnexplainedWeakening(draft, options);
    if (options.replaces && options.replaces.revision > currentRevision)
      refuse({
        code: 'invalid-request',
        message: `Revision ${options.replaces.revision} does not exist yet, so its changes cannot be replaced.`,
      });
    const replay =
      options.checkReplay && replayCheck
        ? await replayCheck(draft.policy, expectedRevision, Boolean(options.confirmNewlyBlocked))
        : undefined;
    const savedAt = now().toISOString();
    const { restoredFrom, reason: why } = options;
    const result = await repo.commit({
      expectedRevision,
      policy: draft.raw,
      savedAt,
      savedBy: identity.accountId,
      action,
      restoredFrom,
      reason: why,
      policyText: draft.text,
      overriddenTests: overridden,
      replay,
      replaces: options.replaces,
    });
    if (!result.ok) return refuseStale(repo, expectedRevision, result.currentRevision);
    // A grant made or revoked while this save was in flight must not be lost with its old copy.
    await grants.syncActive(now());
    return { revision: expectedRevision + 1, savedAt, testsRun };
  };
}

export function createPolicyHandlers(stores: PolicyStores) {
  const { kv, repo, adminCheck, requireAdmin } = stores;
  const commit = createCommitter(stores);
  return {
    getPolicy: handler<PolicyView>(async (identity, payload) => {
      parsePayload(NoParameters, payload);
      const [current, canEdit] = await Promise.all([repo.current(), adminCheck(identity)]);
      if (current.state === 'none') return { canEdit, state: 'none', revision: 0, message: NO_POLICY_MESSAGE };
      if (current.state === 'damaged')
        return {
          canEdit,
          state: 'damaged',
          revision: current.revision,
          message:
            `The stored policy (revision ${current.revision}) is damaged, so the provider blocks every run. ` +
            `Save a policy to repair it.`,
        };
      const { record } = current;
      const text = record.policyText !== undefined ? { policyText: record.policyText } : {};
      return {
        canEdit,
        state: 'ok',
        revision: record.revision,
        policy: record.policy,
        ...text,
        savedAt: record.savedAt,
        savedBy: record.savedBy,
        message: `Revision ${record.revision} is enforced on every pipeline run in this workspace.`,
      };
    }),

    savePolicy: handler<SavedView>(async (identity, payload) => {
      await requireAdmin(identity);
      await requirePageSource(kv, 'saved');
      const input = parsePayload(SavePayload, payload);
      return commit(identity, draftFrom(input)!, input.expectedRevision, 'save', {
        reason: input.reason || undefined,
        replaces: input.replaces,
        checkReplay: true,
        confirmNewlyBlocked: input.confirmNewlyBlocked,
      });
    }),

    rollback: handler<SavedView>(async (identity, payload) => {
      await requireAdmin(identity);
      await requirePageSource(kv, 'rolled back');
      const input = parsePayload(RollbackPayload, payload);
      const record = await repo.revision(input.revision);
      if (!record)
        return refuse({
          code: 'not-found',
          message:
            `Revision ${input.revision} is no longer kept (the newest revisions are kept), so it cannot ` +
            `be restored.`,
        });
      const result = validatePolicy(record.policy);
      if (!result.ok) return invalidPolicy(result.problems);
      const options = {
        restoredFrom: input.revision,
        reason: input.reason || undefined,
        overrideFailingTests: input.overrideFailingTests,
      };
      return commit(
        identity,
        { raw: record.policy, policy: result.policy, text: record.policyText },
        input.expectedRevision,
        'rollback',
        options,
      );
    }),

    history: handler<{ entries: HistoryEntry[] }>(async (identity, payload) => {
      parsePayload(NoParameters, payload);
      const [records, admin] = await Promise.all([repo.history(), adminCheck(identity)]);
      const entries = records.map(historyEntry);
      return { entries: admin ? entries : entries.map(historyEntryForMembers) };
    }),
  };
}
