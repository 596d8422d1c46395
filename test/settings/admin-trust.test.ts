/**
 * The resolver side of issue 11: tests checked when saved, overrides and reasons recorded, stale answers that say who
 * saved, YAML kept, names.
 */
import { createHandlers } from '../../src/settings/handlers';
import { POLICY_KEY } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { BUILD_AND_PROD_DEPLOY_YAML, referencePolicyInput, referencePolicyText } from '../support/requests';
import { failed, ok } from '../support/results';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-1' };
const OTHER_ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-2' };

const PIPELINE = BUILD_AND_PROD_DEPLOY_YAML;

function setup() {
  const kv = createMemoryKv();
  const fetchUser = jest.fn(async (id: string) =>
    id === 'admin-1'
      ? { ok: true, status: 200, json: async () => ({ display_name: 'Ada Admin' }) }
      : { ok: false, status: 404, json: async () => ({}) },
  );
  const handlers = createHandlers({
    kv,
    adminCheck: async ({ accountId }) => accountId.startsWith('admin'),
    fetchUser,
  });
  return { kv, handlers, fetchUser };
}

const blockedOnFeature = {
  name: 'PROD deploy from a feature branch is blocked',
  yaml: PIPELINE,
  target: { kind: 'branch', name: 'feature/x' },
  expect: 'blocked',
};
const blockedOnMain = {
  ...blockedOnFeature,
  name: 'PROD on main is blocked (wrong)',
  target: { kind: 'branch', name: 'main' },
};

describe('policy tests are checked when saved', () => {
  it('refuses a case that fails against the enforced policy, with the actual outcome', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const error = failed(await handlers.savePolicyTest(ADMIN, blockedOnMain));
    expect(error.code).toBe('tests-failed');
    expect(error.failures?.[0].actual).toBe('allowed');
    expect(error.message).toContain('expects blocked, but with saved revision 1 the run is allowed');
    expect(ok(await handlers.listPolicyTests(ADMIN, {})).tests).toEqual([]);
    ok(await handlers.savePolicyTest(ADMIN, blockedOnFeature));
  });

  it('refuses a second case with the same name, and lets a case be edited', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const { test } = ok(await handlers.savePolicyTest(ADMIN, blockedOnFeature));
    expect(
      failed(await handlers.savePolicyTest(ADMIN, { ...blockedOnFeature, name: blockedOnFeature.name.toUpperCase() }))
        .code,
    ).toBe('invalid-request');
    ok(
      await handlers.savePolicyTest(ADMIN, {
        ...blockedOnFeature,
        id: test.id,
        target: { kind: 'branch', name: 'feature/y' },
      }),
    );
    expect(ok(await handlers.listPolicyTests(ADMIN, {})).tests).toEqual([
      expect.objectContaining({ id: test.id, target: { kind: 'branch', name: 'feature/y' } }),
    ]);
  });
});

describe('rollback through failing tests', () => {
  it('is refused without an override, and goes through with one, recorded with its reason', async () => {
    const { handlers, kv } = setup();
    const reference = referencePolicyInput();
    const weak = { ...reference, rules: { ...reference.rules, 'branch-gate': 'off' } };
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: weak }));
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: referencePolicyInput() }));
    ok(await handlers.savePolicyTest(ADMIN, blockedOnFeature));
    expect(
      failed(await handlers.rollback(ADMIN, { revision: 1, expectedRevision: 2, reason: 'incident 42' })).code,
    ).toBe('tests-failed');
    expect(
      failed(await handlers.rollback(ADMIN, { revision: 1, expectedRevision: 2, overrideFailingTests: true })).code,
    ).toBe('reason-required');
    ok(
      await handlers.rollback(ADMIN, {
        revision: 1,
        expectedRevision: 2,
        overrideFailingTests: true,
        reason: 'incident 42: restore yesterday’s rules',
      }),
    );
    expect(await kv.get(POLICY_KEY)).toMatchObject({
      revision: 3,
      reason: 'incident 42: restore yesterday’s rules',
      overriddenTests: [blockedOnFeature.name],
      restoredFrom: 1,
    });
    const [latest] = ok(await handlers.history(ADMIN, {})).entries;
    expect(latest).toMatchObject({
      revision: 3,
      reason: 'incident 42: restore yesterday’s rules',
      overriddenTests: [blockedOnFeature.name],
    });
  });
});

describe('a save that weakens enforcement', () => {
  it('needs a reason, which is recorded with the revision', async () => {
    const { handlers, kv } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const weak = { ...referencePolicyInput(), mode: 'warn' };
    const error = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: weak }));
    expect(error.code).toBe('reason-required');
    expect(error.weakenings?.[0].path).toBe('mode');
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: weak, reason: 'one-week trial' }));
    expect(await kv.get(POLICY_KEY)).toMatchObject({ revision: 2, reason: 'one-week trial' });
  });
});

describe('a stale save', () => {
  it('says who saved the current revision', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const error = failed(
      await handlers.savePolicy(OTHER_ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }),
    );
    expect(error).toMatchObject({ code: 'stale', currentRevision: 1, savedBy: 'admin-1' });
  });
});

describe('YAML text', () => {
  it('is kept with the revision, comments and order included, and restored by a rollback', async () => {
    const { handlers } = setup();
    const text = `# our policy\n${referencePolicyText()}`;
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: text }));
    expect(ok(await handlers.getPolicy(ADMIN, {})).policyText).toBe(text);
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: referencePolicyInput() }));
    expect(ok(await handlers.getPolicy(ADMIN, {})).policyText).toBeUndefined();
    ok(await handlers.rollback(ADMIN, { revision: 1, expectedRevision: 2 }));
    expect(ok(await handlers.getPolicy(ADMIN, {})).policyText).toBe(text);
  });
});

describe('preview without a policy', () => {
  it('reports pass-through with the steps that would run', async () => {
    const { handlers } = setup();
    const view = ok(await handlers.preview(ADMIN, { yaml: PIPELINE, target: { kind: 'branch', name: 'main' } }));
    expect(view.passthrough?.steps.map((s) => s.name)).toEqual(['Build', 'PROD deploy']);
  });
});

describe('displayNames', () => {
  it('names the ids Bitbucket knows, once per id, and refuses ids that could change the path', async () => {
    const { handlers, fetchUser } = setup();
    expect(ok(await handlers.displayNames(ADMIN, { accountIds: ['admin-1', 'ghost', 'admin-1'] })).names).toEqual({
      'admin-1': 'Ada Admin',
    });
    ok(await handlers.displayNames(ADMIN, { accountIds: ['admin-1'] }));
    expect(fetchUser).toHaveBeenCalledTimes(2);
    expect(failed(await handlers.displayNames(ADMIN, { accountIds: ['../repositories'] })).code).toBe(
      'invalid-request',
    );
  });
});
