import { createPolicyRepoStub } from '../../dev/policy-repo-stub';
import { createRollupTrigger } from '../../src/forge/triggers';
import { ACCEPT_TRAILER, createPolicySync, parsePushEvent, type ReplayDraft } from '../../src/settings/policy-sync';
import { ENTITY_DEFINITIONS } from '../../src/storage/entities';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { POLICY_KEY } from '../../src/storage/keys';
import { createPolicyRepository } from '../../src/storage/policy-repo';
import { createPolicySourceStore, type RepositorySource } from '../../src/storage/policy-source';
import { BUILD_AND_PROD_DEPLOY_YAML, referencePolicyText } from '../support/requests';
import { commitReferencePolicy } from '../support/grants';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const POLICY_REPO = '{a1b2c3d4-0008-4a00-8000-00000000a008}';
const OTHER_REPO = '{a1b2c3d4-0001-4a00-8000-00000000a001}';
const SOURCE: RepositorySource = {
  kind: 'repository',
  workspace: WORKSPACE,
  repository: { uuid: POLICY_REPO, fullName: 'acme/shared-libs' },
  branch: 'main',
  path: 'pipeline-guard.yaml',
  testsPath: 'pipeline-guard.tests.yaml',
};
const NOW = new Date('2026-12-05T09:00:00Z');

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
const testsFile = (expect: 'allowed' | 'blocked') => `version: 1
tests:
  - name: PROD deploy from a feature branch
    target: { kind: branch, name: feature/x }
    expect: ${expect}
    yaml: |
${indent(BUILD_AND_PROD_DEPLOY_YAML)}
`;

async function setup(options: { replay?: ReplayDraft } = {}) {
  const kv = createMemoryKv({ now: () => NOW.getTime() });
  const stub = createPolicyRepoStub({ workspace: WORKSPACE, repositories: [POLICY_REPO, OTHER_REPO] });
  const policies = createPolicyRepository(kv);
  // Revision 1: saved on the page before the switch.
  await commitReferencePolicy(policies);
  await createPolicySourceStore(kv).set(
    { source: SOURCE, setAt: NOW.toISOString(), setBy: 'admin-1' },
    { kind: 'page' },
  );
  const log: string[] = [];
  const sync = createPolicySync({
    kv,
    request: stub.request,
    replay: options.replay,
    now: () => NOW,
    log: (m) => log.push(m),
  });
  const status = () => createPolicySourceStore(kv).status(SOURCE);
  const current = async () => {
    const found = await policies.current();
    if (found.state !== 'ok') throw new Error('no policy');
    return found.record;
  };
  return { kv, stub, sync, policies, status, current, log };
}

const mainPush = (files: Record<string, string | null>, message = 'Tighten PROD') => ({
  repository: POLICY_REPO,
  branch: 'main',
  files,
  message,
  author: 'Dana Reviewer <dana@example.com>',
});

describe('a push to the policy branch', () => {
  it('loads a valid policy as the next revision with its commit, author and message, and reports it', async () => {
    const { stub, sync, current, status } = await setup();
    const { hash, event } = stub.push(
      mainPush({ 'pipeline-guard.yaml': referencePolicyText(), 'pipeline-guard.tests.yaml': testsFile('blocked') }),
    );
    expect(await sync.onPush(event)).toEqual({ outcome: 'loaded', hash, revision: 2 });
    const record = await current();
    expect(record).toMatchObject({
      revision: 2,
      action: 'commit',
      savedBy: 'Dana Reviewer <dana@example.com>',
      policyText: referencePolicyText(),
    });
    expect(record.commit).toEqual(
      expect.objectContaining({
        repository: 'acme/shared-libs',
        branch: 'main',
        path: 'pipeline-guard.yaml',
        hash,
        message: 'Tighten PROD',
      }),
    );
    expect((await status()).active).toMatchObject({ hash, revision: 2, loadedAt: NOW.toISOString() });
    expect(stub.statuses).toEqual([
      {
        repository: POLICY_REPO,
        hash,
        body: expect.objectContaining({
          key: 'pipeline-guard-policy',
          state: 'SUCCESSFUL',
          description: expect.stringMatching(/revision 2; all 1 policy tests pass/),
        }),
      },
    ]);
  });

  it('keeps the active policy when the file is invalid, and shows the failure with its commit and field', async () => {
    const { stub, sync, current, status } = await setup();
    const broken = referencePolicyText().replace('mode: enforce', 'mode: enforced');
    expect(broken).not.toBe(referencePolicyText());
    const { hash, event } = stub.push(mainPush({ 'pipeline-guard.yaml': broken }));
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'failed', hash, kind: 'invalid-policy' });
    expect((await current()).revision).toBe(1);
    const { failure } = await status();
    expect(failure).toMatchObject({
      hash,
      kind: 'invalid-policy',
      retryable: false,
      message: expect.stringMatching(/not a valid policy.*stays in force/),
    });
    expect(failure?.details.join('\n')).toMatch(/line \d+: mode:/);
    expect(stub.statuses.map((s) => (s.body as { state: string }).state)).toEqual(['FAILED']);
  });

  it('keeps the active policy when a test of the tests file fails, naming the test', async () => {
    const { stub, sync, current, status } = await setup();
    const { hash, event } = stub.push(
      mainPush({ 'pipeline-guard.yaml': referencePolicyText(), 'pipeline-guard.tests.yaml': testsFile('allowed') }),
    );
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'failed', hash, kind: 'tests-failed' });
    expect((await current()).revision).toBe(1);
    expect((await status()).failure?.details).toEqual([
      expect.stringMatching(/^"PROD deploy from a feature branch" expects allowed but got blocked \(branch-gate: /),
    ]);
  });

  it('refuses a tests file that is not in the policy tests format', async () => {
    const { stub, sync, status } = await setup();
    const { event } = stub.push(
      mainPush({
        'pipeline-guard.yaml': referencePolicyText(),
        'pipeline-guard.tests.yaml': 'tests:\n  - name: x\n    expect: maybe\n',
      }),
    );
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'failed', kind: 'invalid-tests' });
    expect((await status()).failure?.details.join('\n')).toMatch(/line 3: tests\[0\]\.expect/);
  });

  it('fails a commit without the policy file, naming the path', async () => {
    const { stub, sync } = await setup();
    const { event } = stub.push(mainPush({ 'README.md': 'policy lives here' }));
    expect(await sync.onPush(event)).toMatchObject({
      outcome: 'failed',
      kind: 'missing-file',
      message: expect.stringMatching(/pipeline-guard\.yaml does not exist at commit/),
    });
  });

  it('loads the same commit once, however often its event arrives', async () => {
    const { stub, sync, kv } = await setup();
    const { hash, event } = stub.push(mainPush({ 'pipeline-guard.yaml': referencePolicyText() }));
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'loaded', revision: 2 });
    const requests = stub.requests.length;
    expect(await sync.onPush(event)).toEqual({ outcome: 'unchanged', hash });
    expect(await Promise.all([sync.onPush(event), sync.catchUp()])).toEqual([
      { outcome: 'unchanged', hash },
      { outcome: 'unchanged', hash },
    ]);
    expect(((await kv.get(POLICY_KEY)) as { revision: number }).revision).toBe(2);
    // The duplicate event costs no Bitbucket call; the catch-up reads the head only.
    expect(stub.requests.slice(requests)).toEqual([expect.stringMatching(/^GET .*\/refs\/branches\/main$/)]);
  });

  it('does not evaluate or report a commit that already failed again', async () => {
    const { stub, sync } = await setup();
    const { event } = stub.push(mainPush({ 'pipeline-guard.yaml': 'version: 2\n' }));
    await sync.onPush(event);
    const requests = stub.requests.length;
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'failed', kind: 'invalid-policy' });
    expect(stub.requests.slice(requests)).toEqual([expect.stringMatching(/refs\/branches\/main$/)]);
    expect(stub.statuses).toHaveLength(1);
  });

  it('ignores pushes to other branches, other repositories and tags without asking Bitbucket', async () => {
    const { stub, sync, current, kv } = await setup();
    const other = stub.push({ ...mainPush({ 'pipeline-guard.yaml': 'broken' }), branch: 'feature/x' });
    expect(await sync.onPush(other.event)).toEqual({ outcome: 'ignored', reason: 'branch feature/x, not main' });
    const foreign = stub.push({ ...mainPush({ 'pipeline-guard.yaml': 'broken' }), repository: OTHER_REPO });
    expect(await sync.onPush(foreign.event)).toEqual({ outcome: 'ignored', reason: 'another repository' });
    const tag = { repository: { uuid: POLICY_REPO }, push: { ref: 'refs/tags/v1', after: 'a'.repeat(40) } };
    expect(await sync.onPush(tag)).toEqual({ outcome: 'ignored', reason: 'not a branch push' });
    expect(await sync.onPush({ hostile: true })).toEqual({ outcome: 'ignored', reason: 'not a branch push' });
    expect(stub.requests).toEqual([]);
    expect((await current()).revision).toBe(1);
    // What every other push of the workspace costs: one storage read (the source record), no write.
    const reads: string[] = [];
    const counted = { ...kv, get: (key: string) => (reads.push(key), kv.get(key)) };
    const writes = kv.writes;
    await createPolicySync({ kv: counted, request: stub.request, now: () => NOW }).onPush(foreign.event);
    expect(reads).toEqual(['policysource:current']);
    expect(kv.writes).toBe(writes);
  });

  it('never loads an older commit from a late event: it loads the branch head', async () => {
    const { stub, sync, current } = await setup();
    const older = stub.push(mainPush({ 'pipeline-guard.yaml': referencePolicyText() }, 'first'));
    const newer = stub.push(mainPush({ 'pipeline-guard.yaml': `# second\n${referencePolicyText()}` }, 'second'));
    expect(await sync.onPush(older.event)).toMatchObject({ outcome: 'loaded', hash: newer.hash });
    expect(await sync.onPush(newer.event)).toEqual({ outcome: 'unchanged', hash: newer.hash });
    expect((await current()).commit?.message).toBe('second');
  });

  it('records a Bitbucket failure as retryable, keeps the policy, and the next check loads the commit', async () => {
    const { stub, sync, current, status } = await setup();
    const { hash, event } = stub.push(mainPush({ 'pipeline-guard.yaml': referencePolicyText() }));
    stub.failures.set('/src/', 503);
    expect(await sync.onPush(event)).toMatchObject({
      outcome: 'failed',
      hash,
      kind: 'bitbucket',
      message: expect.stringMatching(/Bitbucket answered 503/),
    });
    expect((await status()).failure).toMatchObject({ hash, retryable: true });
    expect((await current()).revision).toBe(1);
    expect(stub.statuses).toEqual([]);
    stub.failures.clear();
    expect(await sync.catchUp()).toMatchObject({ outcome: 'loaded', hash });
    expect((await status()).failure).toBeUndefined();
  });

  it('records an unreachable branch head without a commit and without a throw', async () => {
    const { stub, sync, status } = await setup();
    stub.failures.set('/refs/branches/', 500);
    expect(await sync.catchUp()).toMatchObject({ outcome: 'failed', kind: 'bitbucket' });
    expect((await status()).lastCheck).toMatchObject({
      trigger: 'hourly',
      outcome: 'failed',
      message: expect.stringMatching(/Bitbucket answered 500/),
    });
    expect((await status()).failure).toBeUndefined();
  });
});

describe('replay (injected)', () => {
  it('runs the replay with the draft and refuses a commit that newly blocks runs', async () => {
    const replay = jest.fn(async () => ({ newlyBlocked: 3, summary: '3 runs newly blocked in 2 repositories' }));
    const { stub, sync, current, status } = await setup({ replay });
    const { event } = stub.push(mainPush({ 'pipeline-guard.yaml': referencePolicyText() }));
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'failed', kind: 'replay-blocks' });
    expect(replay).toHaveBeenCalledWith(expect.objectContaining({ version: 1 }));
    expect((await current()).revision).toBe(1);
    expect((await status()).failure?.message).toMatch(new RegExp(`newly blocks 3 recent runs.*${ACCEPT_TRAILER}: 3`));
  });

  it('loads it when the commit message confirms the count, and keeps the summary with the revision', async () => {
    const replay = jest.fn(async () => ({ newlyBlocked: 3, summary: '3 runs newly blocked in 2 repositories' }));
    const { stub, sync, current } = await setup({ replay });
    const { event } = stub.push(
      mainPush({ 'pipeline-guard.yaml': referencePolicyText() }, `Block feature deploys\n\n${ACCEPT_TRAILER}: 3`),
    );
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'loaded', revision: 2 });
    expect((await current()).commit?.replay).toBe('3 runs newly blocked in 2 repositories');
  });

  it('treats a replay fault as retryable', async () => {
    const { stub, sync, status } = await setup({ replay: async () => Promise.reject(new Error('queue full')) });
    const { event } = stub.push(mainPush({ 'pipeline-guard.yaml': referencePolicyText() }));
    expect(await sync.onPush(event)).toMatchObject({ outcome: 'failed', kind: 'replay-error' });
    expect((await status()).failure?.retryable).toBe(true);
  });
});

describe('the hourly job', () => {
  it('catches a missed push event: the branch head is ahead of the active commit', async () => {
    const { kv, stub, current, log } = await setup();
    const { hash } = stub.push(mainPush({ 'pipeline-guard.yaml': referencePolicyText() }));
    // No event delivered.
    const sync = createPolicySync({ kv, request: stub.request, now: () => NOW, log: (m) => log.push(m) });
    const rollup = createRollupTrigger(
      createMemoryEntities(ENTITY_DEFINITIONS),
      kv,
      () => NOW,
      (m) => log.push(m),
      sync,
    );
    expect(await rollup()).toEqual({ statusCode: 204 });
    expect((await current()).commit?.hash).toBe(hash);
    expect(log).toContainEqual(`pipeline-guard: policy source check: loaded ${hash.slice(0, 12)}`);
    expect(await rollup()).toEqual({ statusCode: 204 });
    expect((await current()).revision).toBe(2);
  });
});

describe('push event shapes', () => {
  const repository = { uuid: POLICY_REPO };
  it('reads the branch from a ref object, a ref string or the webhook changes', () => {
    expect(parsePushEvent({ repository, push: { ref: { name: 'main', type: 'branch' }, after: 'abc1234' } })).toEqual({
      repositoryUuid: POLICY_REPO,
      branch: 'main',
      after: 'abc1234',
    });
    expect(parsePushEvent({ repository, push: { ref: 'refs/heads/release/1', after: { hash: 'abc1234' } } })).toEqual({
      repositoryUuid: POLICY_REPO,
      branch: 'release/1',
      after: 'abc1234',
    });
    expect(
      parsePushEvent({
        repository,
        push: { changes: [{ new: { name: 'main', type: 'branch', target: { hash: 'def5678' } } }] },
      }),
    ).toEqual({ repositoryUuid: POLICY_REPO, branch: 'main', after: 'def5678' });
    expect(parsePushEvent({ repository, push: { ref: { name: 'v1', type: 'tag' } } })).toBeUndefined();
    expect(parsePushEvent({ repository, push: { ref: 'main', after: 'abc1234', closed: true } })).toEqual({
      repositoryUuid: POLICY_REPO,
      branch: 'main',
    });
  });
});
