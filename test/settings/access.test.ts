/**
 * Reads only for admins (issue 16): every resolver function, called as a workspace member, gets the
 * decision in src/settings/access.ts: refused, filtered to the repositories the member can read in
 * Bitbucket, open to members, or Bitbucket's own answer to the caller. The table below is keyed by
 * function name and must name exactly the functions createHandlers registers: a function added
 * without an access decision (and a case here) fails the first test.
 */
import { createHandlers } from '../../src/settings/handlers';
import { guardHandlers, RESOLVER_ACCESS, type Access } from '../../src/settings/access';
import { handler } from '../../src/settings/resolver-handler';
import { ENTITY_DEFINITIONS } from '../../src/storage/entities';
import { createDecisionWriter } from '../../src/storage/decision-writer';
import { recordDeployment } from '../../src/storage/deployments';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { runRollup } from '../../src/storage/rollup';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { referencePolicyInput } from '../support/requests';
import { ok } from '../support/results';

const WORKSPACE = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-1' };
const MEMBER = { workspaceId: WORKSPACE, accountId: 'member-1' };
const NOW = Date.parse('2026-12-02T09:00:00.000Z');

/** The member can read payments-api; only admins can see vault-secrets. */
const OPEN = { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}', slug: 'payments-api' };
const SECRET = { uuid: '{9b0e4c1a-7d2f-4e3b-8a6c-5d4e3f2a1b0c}', slug: 'vault-secrets' };
const answerOf = (repo: typeof OPEN) => ({
  uuid: repo.uuid,
  slug: repo.slug,
  full_name: `acme/${repo.slug}`,
  project: { key: 'PAY' },
});

const bitbucketCalls: string[] = [];
/** Bitbucket REST as the caller. Its listing is the member's view: it leaves vault-secrets out. */
async function bitbucket(path: string) {
  bitbucketCalls.push(path);
  if (path.startsWith(`/2.0/repositories/${WORKSPACE}?`)) return { status: 200, body: { values: [answerOf(OPEN)] } };
  if (path.startsWith(`/2.0/workspaces/${WORKSPACE}/projects?`))
    return { status: 200, body: { values: [{ key: 'PAY', name: 'Payments' }] } };
  if (path.startsWith(`/2.0/workspaces/${WORKSPACE}/pipelines-config/runners?`))
    return { status: 200, body: { values: [{ uuid: '{r1}', name: 'prod-1', labels: ['self.hosted'] }] } };
  const single = [OPEN, SECRET].find((repo) => path === `/2.0/repositories/${WORKSPACE}/${repo.slug}`);
  return single ? { status: 200, body: answerOf(single) } : { status: 404, body: { type: 'error' } };
}
const fetchUser = async (accountId: string) => ({
  ok: true,
  status: 200,
  json: async () => ({ display_name: `Person ${accountId}` }),
});

const record = (repo: typeof OPEN, grants: string[], pipeline: string): DecisionRecord => ({
  v: 2,
  at: NOW - 86_400_000,
  repository: `acme/${repo.slug}`,
  repositoryKey: `acme/${repo.slug}`,
  repositoryUuid: repo.uuid,
  project: 'PAY',
  ref: 'branch:incident/1',
  trigger: 'push',
  pipeline,
  outcome: 'blocked',
  rules: ['branch-gate'],
  grants,
  environments: ['prod'],
  message: `blocked in acme/${repo.slug}`,
});

async function world() {
  const kv = createMemoryKv();
  const entities = createMemoryEntities(ENTITY_DEFINITIONS);
  const handlers = createHandlers({
    kv,
    entities,
    now: () => new Date(NOW),
    bitbucket,
    fetchUser,
    refreshRepository: async () => ({ ...OPEN, fullName: 'acme/payments-api' }),
    adminCheck: async ({ accountId }) => accountId === 'admin-1',
  });
  const as = (context: object) => ({ ...context }); // a new Forge context per call, as Forge gives
  ok(await handlers.savePolicy(as(ADMIN), { expectedRevision: 0, policy: referencePolicyInput() }));
  const grant = {
    reason: 'Payment outage, hotfix cannot wait',
    refs: ['incident/*'],
    environments: ['prod'],
    rules: ['branch-gate'],
    expires: '2026-12-02T12:00:00.000Z',
  };
  ok(await handlers.createGrant(as(ADMIN), { ...grant, id: 'INC-1', repository: OPEN.slug }));
  ok(await handlers.createGrant(as(ADMIN), { ...grant, id: 'INC-2', repository: SECRET.slug }));
  const writer = createDecisionWriter(entities);
  // A run of the secret repository names INC-1 too, so that a grant's runs are filtered run by run.
  await writer.append(record(OPEN, ['INC-1'], '{p-open}'));
  await writer.append(record(SECRET, ['INC-1', 'INC-2'], '{p-secret}'));
  await runRollup(entities, kv, new Date(NOW));
  for (const repo of [OPEN, SECRET])
    await recordDeployment(
      entities,
      {
        deployment: { uuid: `{d-${repo.slug}}`, state: { name: 'COMPLETED' } },
        environment: { uuid: '{e}', name: 'Production', type: 'PRODUCTION' },
        repository: { uuid: repo.uuid, slug: repo.slug },
        pipeline: { uuid: `{x-${repo.slug}}` },
      },
      new Date(NOW - 3_600_000),
    );
  return { handlers, as };
}

const PREVIEW = {
  yaml: 'pipelines:\n  default:\n    - step:\n        name: PROD deploy\n        script: [./deploy.sh]\n',
  target: { kind: 'branch', name: 'incident/1' },
  applyGrants: true,
};

/** One call per resolver function: what to send. Every registered function must be here. */
/** `aws iam get-role` of a role whose trust has no statement: weaker than generated, but a usable answer. */
const AWS_ROLE_WITHOUT_CONDITIONS = JSON.stringify({
  Role: { RoleName: 'prod', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
});

const CALLS: Record<string, unknown> = {
  getPolicy: {},
  history: {},
  listPolicyTests: {},
  runPolicyTests: {},
  trustPolicies: { workspaceSlug: 'acme' },
  trustCheck: {
    workspaceSlug: 'acme',
    environment: 'prod',
    deployed: [{ label: 'role.json', text: AWS_ROLE_WITHOUT_CONDITIONS }],
  },
  preview: PREVIEW,
  savePolicy: { expectedRevision: 1, policy: referencePolicyInput() },
  rollback: { revision: 1, expectedRevision: 1 },
  savePolicyTest: { name: 'x', yaml: PREVIEW.yaml, target: PREVIEW.target, expect: 'blocked' },
  deletePolicyTest: { id: 'abcdef' },
  createGrant: {
    id: 'INC-3',
    repository: OPEN.slug,
    reason: 'Payment outage, hotfix cannot wait',
    refs: ['incident/*'],
    environments: ['prod'],
    rules: ['branch-gate'],
    expires: '2026-12-02T12:00:00.000Z',
  },
  revokeGrant: { id: 'INC-1' },
  syncGrants: {},
  refreshRepository: { repositoryUuid: OPEN.uuid },
  runnerInventory: {},
  getPolicySource: {},
  setPolicySource: { kind: 'page' },
  syncPolicySource: {},
  startReplay: { days: 1, policy: referencePolicyInput() },
  replayStatus: {},
  cancelReplay: { jobId: 'abcdef' },
  samples: {},
  setSampling: { enabled: true },
  deleteSamples: {},
  exportSamples: {},
  decisions: {},
  exportDecisions: {},
  decisionStats: {},
  bypasses: {},
  listGrants: {},
  grantRuns: { id: 'INC-1' },
  bitbucketProjects: {},
  bitbucketRepositories: {},
  displayNames: { accountIds: ['admin-1'] },
};

describe('who may call each resolver function', () => {
  it('has a decision and a case for exactly the functions createHandlers registers', async () => {
    const { handlers } = await world();
    const registered = Object.keys(handlers).sort();
    expect(Object.keys(RESOLVER_ACCESS).sort()).toEqual(registered);
    expect(Object.keys(CALLS).sort()).toEqual(registered);
  });

  const byAccess = (access: Access) =>
    Object.entries(RESOLVER_ACCESS)
      .filter(([, value]) => value === access)
      .map(([key]) => key);

  it.each(byAccess('admins'))('%s: refused to a member, answered to an admin', async (key) => {
    const { handlers, as } = await world();
    const call = handlers[key as keyof typeof handlers] as (
      context: unknown,
      payload: unknown,
    ) => Promise<{ ok: boolean; error?: { code: string } }>;
    expect(await call(as(MEMBER), CALLS[key])).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const admin = await call(as(ADMIN), CALLS[key]);
    expect(admin.ok ? 'ok' : admin.error?.code).not.toBe('forbidden');
  });

  it.each(byAccess('members'))('%s: answered to a member', async (key) => {
    const { handlers, as } = await world();
    const call = handlers[key as keyof typeof handlers] as (
      context: unknown,
      payload: unknown,
    ) => Promise<{ ok: boolean }>;
    expect(await call(as(MEMBER), CALLS[key])).toMatchObject({ ok: true });
  });

  it.each(byAccess('readable-repositories'))(
    '%s: a member gets only repositories they can read; an admin all',
    async (key) => {
      const { handlers, as } = await world();
      const call = handlers[key as keyof typeof handlers] as (
        context: unknown,
        payload: unknown,
      ) => Promise<{ ok: boolean }>;
      const member = JSON.stringify(ok(await call(as(MEMBER), CALLS[key])));
      const admin = JSON.stringify(ok(await call(as(ADMIN), CALLS[key])));
      expect(admin).toContain(SECRET.slug);
      expect(member).not.toContain(SECRET.slug);
      expect(member).not.toContain(SECRET.uuid.slice(1, -1));
      expect(member).toContain(OPEN.slug);
    },
  );

  it.each(byAccess('as-user'))('%s: answered with what Bitbucket shows the caller', async (key) => {
    const { handlers, as } = await world();
    const call = handlers[key as keyof typeof handlers] as (
      context: unknown,
      payload: unknown,
    ) => Promise<{ ok: boolean }>;
    bitbucketCalls.length = 0;
    const member = JSON.stringify(ok(await call(as(MEMBER), CALLS[key])));
    expect(member).not.toContain(SECRET.slug);
    if (key.startsWith('bitbucket')) expect(bitbucketCalls.length).toBeGreaterThan(0);
    else expect(member).toContain('Person admin-1');
  });

  it('asks Bitbucket once per call for the admin check and the readable repositories', async () => {
    const adminCheck = jest.fn(async () => false);
    const handlers = createHandlers({ kv: createMemoryKv(), bitbucket, adminCheck });
    bitbucketCalls.length = 0;
    const context = { ...MEMBER };
    ok(await handlers.listGrants(context, {}));
    expect(adminCheck).toHaveBeenCalledTimes(1);
    expect(bitbucketCalls.filter((path) => path.startsWith(`/2.0/repositories/${WORKSPACE}?`))).toHaveLength(1);
    ok(await handlers.listGrants({ ...MEMBER }, {}));
    expect(adminCheck).toHaveBeenCalledTimes(2);
  });

  it('refuses everyone, admins too, a function that has no access decision', async () => {
    const guarded = guardHandlers({ replayEverything: handler(async () => ({ secrets: true })) }, async () => true);
    expect(await guarded.replayEverything({ ...ADMIN }, {})).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringContaining('no decision about who may call "replayEverything"'),
      },
    });
  });

  it('gives a member who names a repository they cannot read nothing, not even a cursor', async () => {
    const { handlers, as } = await world();
    for (const repository of [`acme/${SECRET.slug}`, SECRET.uuid]) {
      const adminView = ok(await handlers.decisions(as(ADMIN), { repository }));
      expect(adminView.records.map((r) => r.repositoryUuid)).toEqual([SECRET.uuid]);
      expect(ok(await handlers.decisions(as(MEMBER), { repository }))).toEqual({
        ok: true,
        records: [],
        scanned: 0,
        damaged: 0,
      });
    }
    const readable = ok(await handlers.decisions(as(MEMBER), { repository: `acme/${OPEN.slug}` }));
    expect(readable.records.map((r) => r.repositoryUuid)).toEqual([OPEN.uuid]);
  });

  it('takes the caller from the Forge context, never from the payload', async () => {
    const { handlers, as } = await world();
    const refused = await handlers.decisions(as(MEMBER), { accountId: 'admin-1' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(
      await handlers.savePolicy(as(MEMBER), { ...(CALLS.savePolicy as object), accountId: 'admin-1' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
