/** Policy tests that name a repository, and previews under the break-glass grants in force. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHandlers } from '../../src/settings/handlers';
import type { PreviewView } from '../../src/settings/api';
import { ENTITY_DEFINITIONS } from '../../src/storage/entities';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { policyTestKey } from '../../src/storage/policy-tests';
import { referencePolicyInput } from '../support/requests';
import { failed, ok } from '../support/results';
import { INCIDENT_GRANT_FORM } from '../support/grants';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-1' };
const MEMBER = { ...ADMIN, accountId: 'member-1' };
const START = Date.parse('2026-12-02T09:00:00.000Z');

const MULTI_TEAM = readFileSync(path.join(__dirname, '../../examples/policy-multi-team.yaml'), 'utf8');
/** The same policy with payments-sandbox back inside prod-payments' scope. */
const SANDBOX_IN_PROD = MULTI_TEAM.replace(/^\s*exclude: \[payments-sandbox\].*\n/m, '');

const SANDBOX = {
  uuid: '{7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}',
  slug: 'payments-sandbox',
  fullName: 'acme/payments-sandbox',
  projectKey: 'PAY',
};
const PAYMENTS_API = {
  uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  slug: 'payments-api',
  fullName: 'acme/payments-api',
  projectKey: 'PAY',
};

const PIPELINE = `pipelines:
  branches:
    '**':
      - step:
          name: PROD deploy
          deployment: production
          oidc: true
          script: [./deploy.sh]
`;

const SANDBOX_CASE = {
  name: 'payments-sandbox cannot deploy to prod-payments',
  yaml: PIPELINE,
  target: { kind: 'branch', name: 'main' },
  expect: 'blocked',
  repository: SANDBOX,
};

const answerFor = ({ uuid, slug, fullName, projectKey }: typeof SANDBOX) => ({
  uuid,
  slug,
  full_name: fullName,
  project: { key: projectKey },
});
const bitbucket = async (requestPath: string) => {
  // The workspace's repositories as the member sees them.
  if (requestPath.startsWith(`/2.0/repositories/${WORKSPACE}?`))
    return { status: 200, body: { values: [answerFor(PAYMENTS_API), answerFor(SANDBOX)] } };
  return requestPath === `/2.0/repositories/${WORKSPACE}/payments-api`
    ? { status: 200, body: answerFor(PAYMENTS_API) }
    : { status: 404, body: { type: 'error' } };
};

function setup() {
  const kv = createMemoryKv();
  let clock = START;
  const handlers = createHandlers({
    kv,
    entities: createMemoryEntities(ENTITY_DEFINITIONS),
    now: () => new Date(clock),
    bitbucket,
    adminCheck: async ({ accountId }) => accountId === 'admin-1',
  });
  return { kv, handlers, advance: (ms: number) => (clock += ms) };
}

describe('a policy test for a repository', () => {
  it('is stored with its repository, and every save runs it as that repository', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: MULTI_TEAM }));
    const { test } = ok(await handlers.savePolicyTest(ADMIN, SANDBOX_CASE));
    expect(test.repository).toEqual(SANDBOX);
    expect(ok(await handlers.listPolicyTests(MEMBER, {})).tests).toEqual([
      expect.objectContaining({ id: test.id, repository: SANDBOX }),
    ]);

    const error = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policyText: SANDBOX_IN_PROD }));
    expect(error.code).toBe('tests-failed');
    expect(error.message).toContain(
      '"payments-sandbox cannot deploy to prod-payments" expects blocked but got allowed',
    );

    // The same case without its repository is for a repository no scope includes: it would not pin anything.
    const run = ok(await handlers.runPolicyTests(MEMBER, { policyText: SANDBOX_IN_PROD }));
    expect(run.outcomes).toEqual([expect.objectContaining({ id: test.id, passed: false, actual: 'allowed' })]);
  });

  it('blocks a rollback to a revision that breaks it', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: SANDBOX_IN_PROD }));
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policyText: MULTI_TEAM }));
    ok(await handlers.savePolicyTest(ADMIN, SANDBOX_CASE));
    const error = failed(await handlers.rollback(ADMIN, { revision: 1, expectedRevision: 2 }));
    expect(error.code).toBe('tests-failed');
    expect(error.failures?.map((f) => [f.name, f.actual])).toEqual([[SANDBOX_CASE.name, 'allowed']]);
  });

  it('is refused when saved if it already fails as its repository', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: MULTI_TEAM }));
    const error = failed(await handlers.savePolicyTest(ADMIN, { ...SANDBOX_CASE, repository: PAYMENTS_API }));
    expect(error.code).toBe('tests-failed');
    expect(error.message).toContain('expects blocked, but with saved revision 1 the run is allowed');
  });

  it('can be edited to change or drop its repository', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: MULTI_TEAM }));
    const { test } = ok(await handlers.savePolicyTest(ADMIN, SANDBOX_CASE));
    const { repository: _dropped, ...withoutRepository } = SANDBOX_CASE;
    const edited = ok(
      await handlers.savePolicyTest(ADMIN, {
        ...withoutRepository,
        id: test.id,
        name: 'an unknown repository cannot deploy',
      }),
    );
    expect(edited.test.repository).toBeUndefined();
    expect(ok(await handlers.listPolicyTests(MEMBER, {})).tests).toEqual([
      expect.objectContaining({ id: test.id, name: 'an unknown repository cannot deploy' }),
    ]);
    expect(ok(await handlers.listPolicyTests(MEMBER, {})).tests[0]).not.toHaveProperty('repository');
  });

  it('validates the repository on the resolver side', async () => {
    const { handlers } = setup();
    const badUuid = failed(
      await handlers.savePolicyTest(ADMIN, { ...SANDBOX_CASE, repository: { ...SANDBOX, uuid: 'payments-sandbox' } }),
    );
    expect(badUuid.code).toBe('invalid-request');
    expect(badUuid.problems?.[0].path).toBe('repository.uuid');
    const extra = failed(
      await handlers.savePolicyTest(ADMIN, { ...SANDBOX_CASE, repository: { ...SANDBOX, workspace: WORKSPACE } }),
    );
    expect(extra.code).toBe('invalid-request');
    const badName = failed(
      await handlers.savePolicyTest(ADMIN, {
        ...SANDBOX_CASE,
        repository: { ...SANDBOX, fullName: 'payments-sandbox' },
      }),
    );
    expect(badName.problems?.[0].path).toBe('repository.fullName');
  });

  it(
    'leaves cases stored before repositories existed valid, ' + 'running them for a repository no scope includes',
    async () => {
      const { handlers, kv } = setup();
      ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
      const old = {
        id: 'old0case1',
        name: 'feature branches cannot deploy',
        yaml: PIPELINE,
        target: { kind: 'branch', name: 'feature/x' },
        expect: 'blocked',
        savedAt: '2026-11-01T00:00:00.000Z',
        savedBy: 'admin-1',
      };
      await kv.set(policyTestKey(old.id), old);
      expect(ok(await handlers.listPolicyTests(MEMBER, {})).tests).toEqual([old]);
      expect(ok(await handlers.runPolicyTests(MEMBER, {})).outcomes).toEqual([
        expect.objectContaining({ id: old.id, passed: true, actual: 'blocked' }),
      ]);
    },
  );
});

describe('preview under the active break-glass grants', () => {
  const GRANT = INCIDENT_GRANT_FORM;
  const payload = { yaml: PIPELINE, target: { kind: 'branch', name: 'incident/db' }, repository: PAYMENTS_API };

  async function withGrant() {
    const context = setup();
    ok(await context.handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    ok(await context.handlers.createGrant(ADMIN, GRANT));
    return context;
  }

  it('runs as the provider would now, names the grant used, and is open to read-only members', async () => {
    const { handlers } = await withGrant();
    const plain = ok(await handlers.preview(MEMBER, payload)) as unknown as PreviewView;
    expect(plain.result.outcome).toBe('blocked');
    expect(plain.grantsApplied).toBeUndefined();

    const granted = ok(await handlers.preview(MEMBER, { ...payload, applyGrants: true })) as unknown as PreviewView;
    expect(granted.result.outcome).toBe('allowed');
    expect(granted.result.grants).toEqual(['INC-4711']);
    expect(granted.grantsApplied).toEqual({
      now: '2026-12-02T09:00:00.000Z',
      inForce: [{ id: 'INC-4711', repository: 'payments-api', expires: GRANT.expires }],
    });
  });

  it('lists a grant in force that does not cover this run, without using it', async () => {
    const { handlers } = await withGrant();
    const other = ok(
      await handlers.preview(MEMBER, { ...payload, target: { kind: 'branch', name: 'feature/x' }, applyGrants: true }),
    ) as unknown as PreviewView;
    expect(other.result.outcome).toBe('blocked');
    expect(other.result.grants).toBeUndefined();
    expect(other.grantsApplied?.inForce.map((g) => g.id)).toEqual(['INC-4711']);
  });

  it('leaves out expired and revoked grants', async () => {
    const expired = await withGrant();
    expired.advance(3 * 60 * 60 * 1000);
    const late = ok(
      await expired.handlers.preview(MEMBER, { ...payload, applyGrants: true }),
    ) as unknown as PreviewView;
    expect(late.result.outcome).toBe('blocked');
    expect(late.grantsApplied).toEqual({ now: '2026-12-02T12:00:00.000Z', inForce: [] });

    const revoked = await withGrant();
    ok(await revoked.handlers.revokeGrant(ADMIN, { id: 'INC-4711' }));
    const after = ok(
      await revoked.handlers.preview(MEMBER, { ...payload, applyGrants: true }),
    ) as unknown as PreviewView;
    expect(after.result.outcome).toBe('blocked');
    expect(after.grantsApplied?.inForce).toEqual([]);
  });

  it('refuses an applyGrants that is not a boolean', async () => {
    const { handlers } = await withGrant();
    expect(failed(await handlers.preview(MEMBER, { ...payload, applyGrants: 'yes' })).code).toBe('invalid-request');
  });
});
