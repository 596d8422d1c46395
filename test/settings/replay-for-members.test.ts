import { activeCommitForMembers, historyEntryForMembers } from '../../src/settings/replay-for-members';

const commit = {
  repository: 'acme/shared-libs',
  branch: 'main',
  path: 'pipeline-guard.yaml',
  hash: 'c'.repeat(40),
  replay: 'Replayed 40 runs: newly blocks 2 in acme/vault-secrets.',
};

describe('what a member sees of a replay', () => {
  it("keeps a commit's revision and author but not the replay summary, which names repositories", () => {
    expect(activeCommitForMembers({ revision: 4, loadedAt: 'x', commit })).toEqual({
      revision: 4,
      loadedAt: 'x',
      commit: { repository: 'acme/shared-libs', branch: 'main', path: 'pipeline-guard.yaml', hash: 'c'.repeat(40) },
    });
    const entry = historyEntryForMembers({
      revision: 4,
      savedAt: 'x',
      savedBy: 'pipeline-guard',
      action: 'commit',
      commit,
      policy: {},
    });
    expect(entry.commit).not.toHaveProperty('replay');
    expect(entry).not.toHaveProperty('replay');
  });

  it("keeps a saved revision's replay counts and empties its repositories", () => {
    const replay = {
      key: 'k',
      days: 30,
      finishedAt: 'x',
      samples: 40,
      newlyBlocked: 2,
      newlyAllowed: 0,
      changedSteps: 1,
      newWarnings: 0,
      repositories: ['acme/vault-secrets'],
      confirmed: true,
    };
    const entry = historyEntryForMembers({
      revision: 5,
      savedAt: 'x',
      savedBy: 'a',
      action: 'save',
      policy: {},
      replay,
    });
    expect(entry.replay).toEqual({ ...replay, repositories: [] });
  });
});
