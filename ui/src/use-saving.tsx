/**
 * Saving, rolling back and what follows a refusal. Every save names the revision its draft is
 * based on; when another admin saved first, the admin's own edits are merged onto their revision
 * field by field (merge.ts), and fields both changed wait for the admin's choice in the merge
 * dialog. Keeping the admin's value over theirs is recorded with the save.
 */
import Button from '@atlaskit/button/new';
import { useState } from 'react';
import type { ApiError, HistoryEntry, PolicyView, SavedView } from '../../src/settings/api';
import type { Call } from './api';
import { errorBanner, type Banner } from './banner';
import type { Pending } from './dialogs';
import { mergePolicies, type Conflict } from './merge';
import type { People } from './people';
import type { PolicyDraft } from './use-policy-draft';

/** Fields both admins changed, waiting for a choice: the three versions they are merged from. */
export interface MergeInProgress {
  readonly revision: number;
  readonly savedBy?: string;
  readonly base: unknown;
  readonly theirs: unknown;
  readonly mine: unknown;
  readonly conflicts: Conflict[];
}

/** Another revision's changes the draft now replaces, as the admin chose in the merge dialog. */
export interface Replacing {
  readonly revision: number;
  readonly fields: string[];
}

function staleBanner(
  error: ApiError,
  people: People,
  loaded: number,
  revision: number,
  merge: ReturnType<typeof mergePolicies>,
  openMerge: () => void,
): Banner {
  const who = people.name(error.savedBy ?? '') ?? error.savedBy ?? 'Another admin';
  const when = error.savedAt ? ` at ${new Date(error.savedAt).toLocaleString()}` : '';
  const conflicts = merge.conflicts.length;
  const fields = conflicts === 1 ? 'one field' : `${conflicts} fields`;
  return {
    appearance: 'warning',
    title: 'Someone else saved first',
    body:
      `${who} saved revision ${revision}${when}, after you loaded revision ${loaded}. ` +
      `Your edits are now on top of revision ${revision}` +
      (conflicts
        ? `, except ${fields} you both changed: choose whose value to keep.`
        : '. Check the draft and save again.'),
    details: [
      ...merge.theirsApplied.map((field) => `Their edit kept: ${field}`),
      ...merge.mineApplied.map((field) => `Your edit kept: ${field}`),
    ],
    actions: conflicts ? (
      <Button appearance="primary" onClick={openMerge}>
        Choose for {conflicts === 1 ? 'the field' : `the ${conflicts} fields`} you both changed
      </Button>
    ) : undefined,
  };
}

/** The Save and Roll back dialog: what it is for, the reason given and the admin's confirmations. */
function useSaveDialog() {
  const [pending, setPending] = useState<Pending>();
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  // The Save dialog's replay: confirming that the draft's newly blocked runs should be blocked.
  const [confirmBlocks, setConfirmBlocks] = useState(false);

  const closeDialog = () => {
    setPending(undefined);
    setReason('');
    setOverride(false);
    setConfirmBlocks(false);
  };
  return {
    pending,
    setPending,
    reason,
    setReason,
    override,
    setOverride,
    confirmBlocks,
    setConfirmBlocks,
    closeDialog,
  };
}

/** Merging the draft onto a revision another admin saved first, and the admin's choices for fields both changed. */
function useMerging(people: People, policy: PolicyDraft, setBanner: (banner: Banner | undefined) => void) {
  const [merging, setMerging] = useState<MergeInProgress>();
  const [replacing, setReplacing] = useState<Replacing>();

  const rebaseAfterStale = async (error: ApiError) => {
    const current = await policy.fetchView();
    if (!current) return;
    const merge = mergePolicies(policy.base.policy, current.policy, policy.draft);
    policy.rebase(current, merge.merged);
    setReplacing(undefined);
    const next: MergeInProgress = {
      revision: current.revision,
      savedBy: error.savedBy,
      base: policy.base.policy,
      theirs: current.policy,
      mine: policy.draft,
      conflicts: merge.conflicts,
    };
    setMerging(merge.conflicts.length ? next : undefined);
    setBanner(staleBanner(error, people, policy.base.revision, current.revision, merge, () => setMerging(next)));
  };

  /** Applies the admin's choice for each field both changed; keeping any of theirs is recorded at save. */
  const resolveMerge = (chosen: ReadonlyMap<string, 'mine' | 'theirs'>) => {
    if (!merging) return;
    const result = mergePolicies(merging.base, merging.theirs, merging.mine, chosen);
    policy.setDraft(result.merged);
    const mine = result.conflicts
      .filter((conflict) => chosen.get(conflict.key) === 'mine')
      .map((conflict) => conflict.label);
    setReplacing(mine.length ? { revision: merging.revision, fields: mine } : undefined);
    setMerging(undefined);
    setBanner(undefined);
  };

  const discard = () => {
    setReplacing(undefined);
    setMerging(undefined);
  };
  return { merging, setMerging, replacing, setReplacing, rebaseAfterStale, resolveMerge, discard };
}

export function useSaving(
  call: Call,
  people: People,
  policy: PolicyDraft,
  setBanner: (banner: Banner | undefined) => void,
) {
  const [busy, setBusy] = useState(false);
  const dialog = useSaveDialog();
  const { reason, override, confirmBlocks, closeDialog, setPending } = dialog;
  const { merging, setMerging, replacing, setReplacing, rebaseAfterStale, resolveMerge, discard } = useMerging(
    people,
    policy,
    setBanner,
  );

  const save = async () => {
    if (!policy.view || policy.yamlText === undefined) return;
    setBusy(true);
    const result = await call<SavedView>('savePolicy', {
      expectedRevision: policy.base.revision,
      policyText: policy.yamlText,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(replacing ? { replaces: replacing } : {}),
      ...(confirmBlocks ? { confirmNewlyBlocked: true } : {}),
    });
    setBusy(false);
    closeDialog();
    if (!result.ok)
      return result.error.code === 'stale'
        ? rebaseAfterStale(result.error)
        : setBanner(errorBanner('Not saved', result.error));
    const tested = result.testsRun ? ` All ${result.testsRun} policy tests pass.` : '';
    setBanner({
      appearance: 'success',
      title: `Saved revision ${result.revision}`,
      body: `Every pipeline run from now on is checked against it.${tested}`,
    });
    setReplacing(undefined);
    await policy.load();
  };

  const rollback = async (entry: HistoryEntry) => {
    const view: PolicyView | undefined = policy.view;
    if (!view) return;
    setBusy(true);
    const result = await call<SavedView>('rollback', {
      revision: entry.revision,
      expectedRevision: view.revision,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(override ? { overrideFailingTests: true } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      // Failing tests: the dialog stays open and offers a recorded override.
      if (result.error.code === 'tests-failed') return setPending({ kind: 'rollback', entry, failures: result.error });
      closeDialog();
      return setBanner(errorBanner('Not rolled back', result.error));
    }
    closeDialog();
    setBanner({
      appearance: 'success',
      title: `Rolled back to revision ${entry.revision}`,
      body: `Its policy is now revision ${result.revision} and applies to the next pipeline run.`,
    });
    await policy.load();
  };

  return { busy, ...dialog, merging, setMerging, replacing, save, rollback, resolveMerge, discard };
}

export type Saving = ReturnType<typeof useSaving>;
