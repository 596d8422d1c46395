/**
 * Members read the policy, its history and where it comes from, but replays run over the run samples of every
 * repository, which only admins may see (access.ts). What a replay left in the history or the policy source's
 * status keeps its counts for members and loses the repository names and the summary text that lists them.
 */
import type { RevisionCommit } from '../storage/policy-repo';
import type { SyncStatus } from '../storage/policy-source';
import type { HistoryEntry } from './api';

const REPLAY_FAILURES: ReadonlySet<string> = new Set(['replay-blocks', 'replay-error']);

function commitForMembers(commit: RevisionCommit): RevisionCommit {
  const { replay: _summary, ...rest } = commit;
  return rest;
}

export function historyEntryForMembers(entry: HistoryEntry): HistoryEntry {
  return {
    ...entry,
    ...(entry.commit ? { commit: commitForMembers(entry.commit) } : {}),
    ...(entry.replay ? { replay: { ...entry.replay, repositories: [] } } : {}),
  };
}

export function syncStatusForMembers(status: SyncStatus): SyncStatus {
  const failure = status.failure;
  if (!failure || !REPLAY_FAILURES.has(failure.kind)) return status;
  return { ...status, failure: { ...failure, details: [] } };
}

export function activeCommitForMembers<T extends { readonly commit: RevisionCommit }>(active: T): T {
  return { ...active, commit: commitForMembers(active.commit) };
}
