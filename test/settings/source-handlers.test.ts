import { createBitbucketStub } from '../../dev/bitbucket-stub';
import { createPolicyRepoStub } from '../../dev/policy-repo-stub';
import type { GrantsView } from '../../src/settings/grants-api';
import { createHandlers } from '../../src/settings/handlers';
import type { PolicySourceView, SourceChangedView } from '../../src/settings/source-handlers';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { createPolicySourceStore } from '../../src/storage/policy-source';
import { BUILD_AND_PROD_DEPLOY_YAML, referencePolicyText } from '../support/requests';
import { failed, ok } from '../support/results';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const POLICY_REPO = '{a1b2c3d4-0008-4a00-8000-00000000a008}';
const ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-1' };
const MEMBER = { ...ADMIN, accountId: 'member-1' };

function setup() {
  const kv = createMemoryKv();
  let clock = Date.parse('2026-12-05T09:00:00.000Z');
  const now = () => new Date((clock += 60_000));
  const repo = createPolicyRepoStub({ workspace: WORKSPACE, repositories: [POLICY_REPO] });
  const handlers = createHandlers({
    kv,
    now,
    adminCheck: async ({ accountId }) => accountId === 'admin-1',
    bitbucket: createBitbucketStub().get,
    bitbucketAsApp: repo.request,
    log: () => undefined,
  });
  const source = async (caller = ADMIN) => ok(await handlers.getPolicySource(caller, {})) as PolicySourceView;
  return { kv, handlers, repo, source };
}

const toRepository = { kind: 'repository', repository: 'acme/shared-libs' };

describe('the policy source', () => {
  it('is the page on a fresh install, with the defaults offered', async () => {
    const { source } = setup();
    expect(await source(MEMBER)).toMatchObject({
      canEdit: false,
      source: { kind: 'page' },
      switches: [],
      defaults: { branch: 'main', path: 'pipeline-guard.yaml', testsPath: 'pipeline-guard.tests.yaml' },
    });
  });

  it('records each switch with who, when, from and to, newest first', async () => {
    const { handlers, source } = setup();
    ok(await handlers.setPolicySource(ADMIN, { ...toRepository, branch: 'release', path: 'policy/guard.yaml' }));
    ok(await handlers.setPolicySource(ADMIN, { kind: 'page' }));
    const view = await source();
    const repository = {
      kind: 'repository',
      workspace: WORKSPACE,
      repository: { uuid: POLICY_REPO, fullName: 'acme/shared-libs' },
      branch: 'release',
      path: 'policy/guard.yaml',
      testsPath: 'pipeline-guard.tests.yaml',
    };
    expect(view.source).toEqual({ kind: 'page' });
    expect(view.switches).toEqual([
      { at: expect.any(String), by: 'admin-1', from: repository, to: { kind: 'page' } },
      { at: expect.any(String), by: 'admin-1', from: { kind: 'page' }, to: repository },
    ]);
    expect(Date.parse(view.switches[0].at)).toBeGreaterThan(Date.parse(view.switches[1].at));
    // The same source again is no switch.
    expect(ok(await handlers.setPolicySource(ADMIN, { kind: 'page' })).switched).toBe(false);
    expect((await source()).switches).toHaveLength(2);
  });

  it('loads the branch head at once when switched to a repository, and shows the active commit', async () => {
    const { handlers, repo, source } = setup();
    const { hash } = repo.push({
      repository: POLICY_REPO,
      branch: 'main',
      files: { 'pipeline-guard.yaml': referencePolicyText() },
      message: 'Start policy as code',
    });
    const changed = ok(await handlers.setPolicySource(ADMIN, toRepository)) as SourceChangedView;
    expect(changed.sync).toEqual({ outcome: 'loaded', hash, revision: 1 });
    const view = await source(MEMBER);
    expect(view).toMatchObject({
      source: { kind: 'repository', branch: 'main' },
      active: { revision: 1, commit: { hash, message: 'Start policy as code' } },
    });
    expect(view.fileUrl).toBe('https://bitbucket.org/acme/shared-libs/src/main/pipeline-guard.yaml');
    expect(ok(await handlers.getPolicy(MEMBER, {}))).toMatchObject({ revision: 1, policyText: referencePolicyText() });
    expect(ok(await handlers.history(MEMBER, {})).entries[0]).toMatchObject({ action: 'commit', commit: { hash } });
  });

  it("shows a member a replay's failure without the repositories it names; an admin sees them", async () => {
    const { handlers, kv, source } = setup();
    ok(await handlers.setPolicySource(ADMIN, toRepository));
    const view = await source();
    if (view.source.kind !== 'repository') throw new Error('the source did not switch');
    const store = createPolicySourceStore(kv);
    await store.setStatus({
      ...(await store.status(view.source)),
      failure: {
        hash: 'c'.repeat(40),
        at: '2026-12-05T10:00:00.000Z',
        kind: 'replay-blocks',
        message: 'The policy at commit cccccccccccc newly blocks 2 recent runs.',
        details: ['newly blocked in acme/vault-secrets: 2 runs'],
        retryable: false,
      },
    });
    expect((await source(ADMIN)).status?.failure?.details).toEqual(['newly blocked in acme/vault-secrets: 2 runs']);
    const seenByMember = await source(MEMBER);
    expect(seenByMember.status?.failure).toMatchObject({ kind: 'replay-blocks', details: [] });
    expect(JSON.stringify(seenByMember)).not.toContain('vault-secrets');
  });

  it('"Load now" loads a new head for an admin', async () => {
    const { handlers, repo } = setup();
    ok(await handlers.setPolicySource(ADMIN, toRepository));
    const { hash } = repo.push({
      repository: POLICY_REPO,
      branch: 'main',
      files: { 'pipeline-guard.yaml': referencePolicyText() },
    });
    expect((ok(await handlers.syncPolicySource(ADMIN, {})) as SourceChangedView).sync).toMatchObject({
      outcome: 'loaded',
      hash,
    });
  });

  it('refuses members, unknown repositories and bad paths', async () => {
    const { handlers, source } = setup();
    expect(failed(await handlers.setPolicySource(MEMBER, toRepository)).code).toBe('forbidden');
    expect(failed(await handlers.syncPolicySource(MEMBER, {})).code).toBe('forbidden');
    expect(
      failed(await handlers.setPolicySource(ADMIN, { ...toRepository, repository: 'no-such-repo' })),
    ).toMatchObject({ code: 'invalid-request', problems: [{ path: 'repository' }] });
    expect(failed(await handlers.setPolicySource(ADMIN, { ...toRepository, path: '../etc/passwd' })).code).toBe(
      'invalid-request',
    );
    expect(failed(await handlers.setPolicySource(ADMIN, { ...toRepository, branch: 'main..x' })).code).toBe(
      'invalid-request',
    );
    expect(
      failed(
        await handlers.setPolicySource(ADMIN, { ...toRepository, workspace: '{00000000-0000-4000-8000-000000000000}' }),
      ).code,
    ).toBe('invalid-request');
    expect((await source()).switches).toEqual([]);
  });
});

describe('while the policy comes from a repository', () => {
  it('the server refuses every write to the policy and its tests, and grants stay on the page', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: referencePolicyText() }));
    const test = ok(
      await handlers.savePolicyTest(ADMIN, {
        name: 'PROD from feature',
        yaml: BUILD_AND_PROD_DEPLOY_YAML,
        target: { kind: 'branch', name: 'feature/x' },
        expect: 'blocked',
      }),
    ).test;
    ok(await handlers.setPolicySource(ADMIN, toRepository));
    const refusals = [
      await handlers.savePolicy(ADMIN, { expectedRevision: 1, policyText: referencePolicyText() }),
      await handlers.rollback(ADMIN, { revision: 1, expectedRevision: 1 }),
      await handlers.savePolicyTest(ADMIN, {
        name: 'another',
        yaml: BUILD_AND_PROD_DEPLOY_YAML,
        target: { kind: 'branch', name: 'main' },
        expect: 'allowed',
      }),
      await handlers.deletePolicyTest(ADMIN, { id: test.id }),
    ].map(failed);
    expect(refusals.map((r) => r.code)).toEqual([
      'source-repository',
      'source-repository',
      'source-repository',
      'source-repository',
    ]);
    expect(refusals[0].message).toMatch(/kept in acme\/shared-libs \(pipeline-guard\.yaml on main\).*pull request/);
    expect(ok(await handlers.getPolicy(ADMIN, {})).revision).toBe(1);
    const grant = {
      id: 'INC-1',
      reason: 'Payment outage, hotfix cannot wait',
      repository: 'payments-api',
      refs: ['incident/*'],
      environments: ['prod'],
      rules: ['branch-gate'],
      expires: '2026-12-05T12:00:00.000Z',
    };
    ok(await handlers.createGrant(ADMIN, grant));
    expect((ok(await handlers.listGrants(ADMIN, {})) as GrantsView).grants.map((g) => [g.grant.id, g.status])).toEqual([
      ['INC-1', 'active'],
    ]);
    // Back to the page: the page edits again.
    ok(await handlers.setPolicySource(ADMIN, { kind: 'page' }));
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policyText: `# edited\n${referencePolicyText()}` }));
  });

  it('a damaged source record keeps page writes refused until an admin sets the source again', async () => {
    const { handlers, kv } = setup();
    await kv.set('policysource:current', { source: { kind: 'repository' } });
    expect(
      failed(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: referencePolicyText() })),
    ).toMatchObject({ code: 'source-repository', message: expect.stringMatching(/damaged/) });
    expect(ok(await handlers.getPolicySource(MEMBER, {}))).toMatchObject({ damaged: true });
    ok(await handlers.setPolicySource(ADMIN, { kind: 'page' }));
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: referencePolicyText() }));
  });
});
