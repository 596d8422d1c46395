import { createProvider } from '../../src/provider/handler';
import { createHandlers } from '../../src/settings/handlers';
import type { GrantsView } from '../../src/settings/grants-api';
import { createDecisionWriter } from '../../src/storage/decision-store';
import { ENTITY_DEFINITIONS } from '../../src/storage/entities';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { grantKey, POLICY_KEY } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { branchRun, referencePolicyInput, step } from '../support/requests';
import { failed, ok } from '../support/results';
import { INCIDENT_GRANT_FORM } from '../support/grants';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-1' };
const MEMBER = { ...ADMIN, accountId: 'member-1' };
const START = Date.parse('2026-12-02T09:00:00.000Z');

const FORM = INCIDENT_GRANT_FORM;

/** The request's repository (test/support/requests.ts), as Bitbucket answers for payments-api. */
const PAYMENTS_API_UUID = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const bitbucketCalls: string[] = [];
const bitbucket = async (path: string) => {
  bitbucketCalls.push(path);
  const paymentsApi = {
    uuid: PAYMENTS_API_UUID,
    slug: 'payments-api',
    full_name: 'acme/payments-api',
    project: { key: 'PAY' },
  };
  // The workspace's repositories as a member sees them: payments-api only.
  if (path.startsWith(`/2.0/repositories/${WORKSPACE}?`)) return { status: 200, body: { values: [paymentsApi] } };
  return path === `/2.0/repositories/${WORKSPACE}/payments-api`
    ? { status: 200, body: paymentsApi }
    : { status: 404, body: { type: 'error' } };
};

function setup() {
  const kv = createMemoryKv();
  let clock = START;
  const now = () => new Date(clock);
  const entities = createMemoryEntities(ENTITY_DEFINITIONS);
  const decisions = createDecisionWriter(entities);
  const handlers = createHandlers({
    kv,
    entities,
    now,
    bitbucket,
    adminCheck: async ({ accountId }) => accountId === 'admin-1',
  });
  const repositories = {
    resolve: async (_workspace: string, uuid: string) => ({
      uuid,
      slug: 'payments-api',
      fullName: 'acme/payments-api',
      projectKey: 'PAY',
    }),
  };
  const provider = createProvider({
    store: { read: () => kv.get(POLICY_KEY) },
    decisions,
    now,
    repositories,
    log: () => undefined,
  });
  return { kv, handlers, provider, advance: (ms: number) => (clock += ms) };
}

async function withPolicy() {
  const context = setup();
  ok(await context.handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
  return context;
}

const storedGrants = async (kv: ReturnType<typeof setup>['kv']) =>
  ((await kv.get(POLICY_KEY)) as { grants?: Array<{ id: string }> }).grants?.map((g) => g.id);

describe('grant handlers', () => {
  it(
    "creates a grant as the admin in the context, at the server's clock, " +
      'and carries it in policy:current without a new revision',
    async () => {
      const { handlers, kv } = await withPolicy();
      const created = ok(await handlers.createGrant(ADMIN, FORM));
      expect(created.grant).toEqual({
        ...FORM,
        repositoryUuid: PAYMENTS_API_UUID,
        grantedBy: 'admin-1',
        grantedAt: '2026-12-02T09:00:00.000Z',
      });
      expect(await storedGrants(kv)).toEqual(['INC-4711']);
      expect(((await kv.get(POLICY_KEY)) as { revision: number }).revision).toBe(1);
      expect(kv.keys().filter((key) => key.startsWith('policy:revision:'))).toHaveLength(1);
    },
  );

  it(
    'looks the repository up when the grant is made and stores its UUID; ' +
      'the provider then matches runs on it with no lookup of its own',
    async () => {
      const kv = createMemoryKv();
      const handlers = createHandlers({ kv, bitbucket, now: () => new Date(START), adminCheck: async () => true });
      ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
      bitbucketCalls.length = 0;
      ok(await handlers.createGrant(ADMIN, FORM));
      expect(bitbucketCalls).toEqual([`/2.0/repositories/${WORKSPACE}/payments-api`]);
      const reads: string[] = [];
      const provider = createProvider({
        store: { read: () => (reads.push(POLICY_KEY), kv.get(POLICY_KEY)) },
        repositories: {
          resolve: async () => {
            throw new Error('the provider must not look the repository up');
          },
        },
        now: () => new Date(START),
        log: () => undefined,
      });
      expect(await provider(branchRun('incident/42', [step('PROD deploy')], { pattern: 'incident/*' }))).toHaveProperty(
        'pipelines_configuration',
      );
      expect(reads).toEqual([POLICY_KEY]);
      const elsewhere = {
        ...branchRun('incident/42', [step('PROD deploy')], { pattern: 'incident/*' }),
        repository: '{3fc883c6-3dee-4e73-a354-ccee4bd77938}',
      };
      expect(await provider(elsewhere)).toEqual({
        error: expect.objectContaining({ key: 'pipeline-guard.branch-gate' }),
      });
    },
  );

  it(
    'refuses a grant for a repository Bitbucket does not know, a repositoryUuid in the payload, ' +
      'and a grant when Bitbucket cannot be asked',
    async () => {
      const { handlers, kv } = await withPolicy();
      expect(failed(await handlers.createGrant(ADMIN, { ...FORM, repository: 'payments-apl' })).message).toContain(
        'repository: this workspace has no repository payments-apl',
      );
      expect(
        failed(await handlers.createGrant(ADMIN, { ...FORM, repositoryUuid: '{3fc883c6-3dee-4e73-a354-ccee4bd77938}' }))
          .message,
      ).toContain('repositoryUuid is set by Pipeline Guard');
      const offline = createHandlers({ kv, now: () => new Date(START), adminCheck: async () => true });
      expect(failed(await offline.createGrant(ADMIN, FORM)).code).toBe('bitbucket');
      expect(await kv.get(grantKey('INC-4711'))).toBeUndefined();
    },
  );

  it('refuses a member, and grantedBy or grantedAt in the payload', async () => {
    const { handlers, kv } = await withPolicy();
    expect(failed(await handlers.createGrant(MEMBER, FORM)).code).toBe('forbidden');
    expect(failed(await handlers.createGrant(ADMIN, { ...FORM, grantedBy: 'someone-else' })).message).toContain(
      'grantedBy is set by Pipeline Guard',
    );
    expect(failed(await handlers.createGrant(ADMIN, { ...FORM, grantedAt: '2026-12-02T08:00:00Z' })).code).toBe(
      'invalid-request',
    );
    expect(await kv.get(grantKey('INC-4711'))).toBeUndefined();
  });

  it.each([
    ['a missing field', { ...FORM, refs: undefined }, 'refs: required'],
    [
      'an expiry more than 24 h ahead',
      { ...FORM, expires: '2026-12-03T09:00:00.001Z' },
      'expires: is more than 24 hours after grantedAt',
    ],
    ['an expiry in the past', { ...FORM, expires: '2026-12-02T08:59:59Z' }, 'expires: must be after grantedAt'],
    ['a rule that cannot be waived', { ...FORM, rules: ['oidc-role'] }, 'rules[0]: "oidc-role" cannot be waived'],
    [
      'an environment the policy does not have',
      { ...FORM, environments: ['staging'] },
      'environments: "staging" is not in the saved policy',
    ],
    ['an unknown field', { ...FORM, note: 'x' }, 'note: unknown field'],
  ])('refuses %s', async (_what, payload, message) => {
    const { handlers } = await withPolicy();
    expect(failed(await handlers.createGrant(ADMIN, payload)).message).toContain(message);
  });

  it('refuses a grant before any policy is saved', async () => {
    const { handlers } = setup();
    expect(failed(await handlers.createGrant(ADMIN, FORM)).code).toBe('not-found');
  });

  it('never reuses an id', async () => {
    const { handlers } = await withPolicy();
    ok(await handlers.createGrant(ADMIN, FORM));
    expect(failed(await handlers.createGrant(ADMIN, FORM)).message).toContain('a grant named INC-4711 already exists');
  });

  it(
    'lists active grants with the time left, and past ones as expired or revoked, ' + 'to admins and members alike',
    async () => {
      const { handlers, advance } = await withPolicy();
      ok(await handlers.createGrant(ADMIN, FORM));
      ok(await handlers.createGrant(ADMIN, { ...FORM, id: 'INC-4712' }));
      advance(60 * 60 * 1000);
      ok(await handlers.revokeGrant(ADMIN, { id: 'INC-4712' }));
      const admin = ok(await handlers.listGrants(ADMIN, {})) as GrantsView;
      expect(admin.canEdit).toBe(true);
      const byId = Object.fromEntries(admin.grants.map((row) => [row.grant.id, row]));
      expect(byId['INC-4711']).toMatchObject({ status: 'active', msLeft: 2 * 60 * 60 * 1000 });
      expect(byId['INC-4712']).toMatchObject({
        status: 'revoked',
        revokedBy: 'admin-1',
        revokedAt: '2026-12-02T10:00:00.000Z',
      });
      advance(2 * 60 * 60 * 1000);
      const member = ok(await handlers.listGrants(MEMBER, {})) as GrantsView;
      expect(member.canEdit).toBe(false);
      expect(member.grants.find((row) => row.grant.id === 'INC-4711')).toMatchObject({
        status: 'expired',
        grant: { reason: FORM.reason, grantedBy: 'admin-1' },
      });
      expect(failed(await handlers.revokeGrant(MEMBER, { id: 'INC-4711' })).code).toBe('forbidden');
    },
  );

  it(
    'a grant lets the next run through; revoking it blocks the next run; ' + 'the runs that used it are listed',
    async () => {
      const { handlers, kv, provider } = await withPolicy();
      const incident = branchRun('incident/42', [step('PROD deploy')], { pattern: 'incident/*' });
      expect(await provider(incident)).toHaveProperty('error');
      ok(await handlers.createGrant(ADMIN, FORM));
      expect(await provider(incident)).toHaveProperty('pipelines_configuration');
      ok(await handlers.revokeGrant(ADMIN, { id: 'INC-4711' }));
      expect(await storedGrants(kv)).toEqual([]);
      expect(await provider(incident)).toHaveProperty('error');
      const used = ok(await handlers.grantRuns(MEMBER, { id: 'INC-4711' }));
      expect(used.runs).toHaveLength(1);
      expect(used.runs[0]).toMatchObject({ outcome: 'allowed', ref: 'branch:incident/42', grants: ['INC-4711'] });
    },
  );

  it('a policy save keeps the active grants, and a save racing a grant does not lose it', async () => {
    const { handlers, kv } = await withPolicy();
    ok(await handlers.createGrant(ADMIN, FORM));
    ok(
      await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: { ...referencePolicyInput(), mode: 'enforce' } }),
    );
    expect(await storedGrants(kv)).toEqual(['INC-4711']);
    // An older copy of policy:current (without the grant) written back by a slow save is repaired by the next sync.
    const current = (await kv.get(POLICY_KEY)) as Record<string, unknown>;
    await kv.set(POLICY_KEY, { ...current, grants: [] });
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 2, policy: referencePolicyInput() }));
    expect(await storedGrants(kv)).toEqual(['INC-4711']);
  });

  it(
    'says so when the active grants cannot be published to the policy record ' +
      '(a revocation that did not reach runs is not silent)',
    async () => {
      const { kv } = await withPolicy();
      // Another writer that keeps putting back the list without any grant.
      const stubborn = {
        ...kv,
        set: async (key: string, value: unknown, options?: { ttlSeconds?: number }) =>
          kv.set(key, key === POLICY_KEY ? { ...(value as object), grants: [] } : value, options),
      };
      const handlers = createHandlers({
        kv: stubborn,
        bitbucket,
        adminCheck: async () => true,
        now: () => new Date(START),
      });
      const refused = failed(await handlers.createGrant(ADMIN, FORM));
      expect(refused.code).toBe('storage');
      expect(refused.message).toContain(
        'Grant INC-4711 is on record, but Pipeline Guard could not copy the active grants',
      );
    },
  );

  it(
    'a revocation whose copy to the policy record fails says runs still use the grant, ' +
      'shows it as still in force, and a retry fixes it',
    async () => {
      const { kv, provider } = await withPolicy();
      let failPolicyWrites = false;
      const faulty = {
        ...kv,
        set: async (key: string, value: unknown, options?: { ttlSeconds?: number }) => {
          if (failPolicyWrites && key === POLICY_KEY) throw new Error('KVS 503');
          return kv.set(key, value, options);
        },
      };
      const handlers = createHandlers({
        kv: faulty,
        bitbucket,
        adminCheck: async ({ accountId }) => accountId === 'admin-1',
        now: () => new Date(START),
      });
      const incident = branchRun('incident/42', [step('PROD deploy')], { pattern: 'incident/*' });
      ok(await handlers.createGrant(ADMIN, FORM));
      failPolicyWrites = true;
      const refused = failed(await handlers.revokeGrant(ADMIN, { id: 'INC-4711' }));
      expect(refused.code).toBe('storage');
      expect(refused.message).toContain(
        'The revocation of INC-4711 is on record, ' +
          'but Pipeline Guard could not copy the active grants into the policy record that runs read ' +
          '(storage failed: KVS 503)',
      );
      expect(refused.message).toContain('Press Retry');
      failPolicyWrites = false;
      // The truth for runs: the grant still applies, and the page says so instead of a plain "revoked".
      expect(await provider(incident)).toHaveProperty('pipelines_configuration');
      const listed = ok(await handlers.listGrants(MEMBER, {})) as GrantsView;
      expect(listed.grants.find((row) => row.grant.id === 'INC-4711')).toMatchObject({
        status: 'revoked',
        runsDisagree: 'revoked-still-in-force',
      });
      expect(failed(await handlers.syncGrants(MEMBER, {})).code).toBe('forbidden');
      ok(await handlers.syncGrants(ADMIN, {}));
      expect(
        (ok(await handlers.listGrants(ADMIN, {})) as GrantsView).grants.find((row) => row.grant.id === 'INC-4711'),
      ).not.toHaveProperty('runsDisagree');
      expect(await provider(incident)).toHaveProperty('error');
    },
  );

  it('an active grant that never reached the policy record is shown as not in force yet', async () => {
    const { handlers, kv } = await withPolicy();
    ok(await handlers.createGrant(ADMIN, FORM));
    const current = (await kv.get(POLICY_KEY)) as Record<string, unknown>;
    await kv.set(POLICY_KEY, { ...current, grants: [] });
    expect((ok(await handlers.listGrants(ADMIN, {})) as GrantsView).grants[0]).toMatchObject({
      status: 'active',
      runsDisagree: 'active-not-in-force',
    });
    ok(await handlers.syncGrants(ADMIN, {}));
    expect(await storedGrants(kv)).toEqual(['INC-4711']);
  });

  it('refuses payloads that are not exactly { id }', async () => {
    const { handlers } = await withPolicy();
    expect(failed(await handlers.revokeGrant(ADMIN, { id: 'INC-4711', by: 'x' })).code).toBe('invalid-request');
    expect(failed(await handlers.revokeGrant(ADMIN, { id: '../x' })).code).toBe('invalid-request');
    expect(failed(await handlers.revokeGrant(ADMIN, { id: 'INC-1' })).code).toBe('not-found');
  });
});
