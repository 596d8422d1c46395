import { compilePolicy } from '../../src/engine/compiled-policy';
import { parsePolicyText } from '../../src/policy/text';
import { createProvider } from '../../src/provider/handler';
import { createHandlers } from '../../src/settings/handlers';
import { simulate } from '../../src/simulate/simulate';
import { createDecisionWriter } from '../../src/storage/decision-store';
import { ENTITY_DEFINITIONS } from '../../src/storage/entities';
import { createMemoryEntities } from '../../src/storage/memory-entities';
import { POLICY_KEY } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { BUILD_AND_PROD_DEPLOY_YAML, referencePolicyInput, referencePolicyText } from '../support/requests';
import { ADMIN, MEMBER, WORKSPACE } from '../support/callers';
import { failed, ok } from '../support/results';

const PIPELINE = BUILD_AND_PROD_DEPLOY_YAML;

function setup() {
  const kv = createMemoryKv();
  let clock = Date.parse('2026-11-25T10:00:00.000Z');
  const now = () => new Date((clock += 1000));
  const adminCheck = jest.fn(async ({ accountId }: { accountId: string }) => accountId === 'admin-1');
  const entities = createMemoryEntities(ENTITY_DEFINITIONS, { now: () => clock });
  const decisions = createDecisionWriter(entities);
  const handlers = createHandlers({ kv, adminCheck, entities, now });
  const provider = createProvider({ store: { read: () => kv.get(POLICY_KEY) }, decisions, log: () => undefined, now });
  return { kv, entities, handlers, adminCheck, provider };
}

describe('identity comes from the Forge context only', () => {
  it('refuses a call without workspace or account in the context', async () => {
    const { handlers } = setup();
    expect(failed(await handlers.getPolicy({}, {})).code).toBe('identity');
    expect(failed(await handlers.getPolicy({ accountId: 'admin-1' }, { workspaceId: WORKSPACE })).code).toBe(
      'identity',
    );
  });

  it('refuses identity fields in a payload and records the context account as author', async () => {
    const { handlers, kv } = setup();
    const refused = failed(
      await handlers.savePolicy(MEMBER, { expectedRevision: 0, policy: referencePolicyInput(), accountId: 'admin-1' }),
    );
    expect(refused.code).toBe('forbidden');
    const smuggled = failed(
      await handlers.savePolicy(ADMIN, {
        expectedRevision: 0,
        policy: referencePolicyInput(),
        savedBy: 'someone-else',
      }),
    );
    expect(smuggled.code).toBe('invalid-request');
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    expect(await kv.get(POLICY_KEY)).toMatchObject({ savedBy: 'admin-1' });
  });
});

describe('getPolicy', () => {
  it('explains the pass-through state on a fresh install', async () => {
    const { handlers } = setup();
    const view = ok(await handlers.getPolicy(MEMBER, {}));
    expect(view).toMatchObject({ state: 'none', revision: 0, canEdit: false });
    expect(view.message).toMatch(/passes every pipeline through unchanged/);
  });

  it('returns the policy as saved, its revision, and whether the caller may edit', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: referencePolicyText() }));
    const view = ok(await handlers.getPolicy(ADMIN, {}));
    expect(view).toMatchObject({ state: 'ok', revision: 1, canEdit: true, savedBy: 'admin-1' });
    // Stored as written (no defaults filled in), so the editor shows the admin's own policy back.
    expect((view.policy as { environments: Array<Record<string, unknown>> }).environments[0]).not.toHaveProperty(
      'default',
    );
  });
});

describe('savePolicy', () => {
  it('lets only a workspace admin write, and writes nothing otherwise', async () => {
    const { handlers, kv } = setup();
    const error = failed(await handlers.savePolicy(MEMBER, { expectedRevision: 0, policy: referencePolicyInput() }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/Only a workspace admin/);
    expect(kv.writes).toBe(0);
  });

  it('refuses an invalid policy with every problem named by field, and with lines for text', async () => {
    const { handlers, kv } = setup();
    const policy = referencePolicyInput();
    (policy.environments[0].oidc as { roleArn: string }).roleArn = 'arn:aws:iam::1:role/x';
    const error = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy }));
    expect(error.code).toBe('invalid-policy');
    expect(error.problems).toEqual([
      expect.objectContaining({ path: 'environments[0].oidc.roleArn', message: 'not an IAM role ARN' }),
    ]);
    const broken = referencePolicyText().replace('region: eu-west-1', 'region: europe');
    const regionLine = broken.split('\n').findIndex((line) => line.includes('region: europe')) + 1;
    const text = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policyText: broken }));
    expect(text.problems?.[0]).toMatchObject({ path: 'environments[0].oidc.region', line: regionLine });
    expect(kv.writes).toBe(0);
  });

  it('refuses a save based on a stale revision, so two admins cannot overwrite each other', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const error = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    expect(error).toMatchObject({ code: 'stale', currentRevision: 1 });
    expect(error.message).toMatch(/someone saved revision 1 after you loaded revision 0/);
  });

  it('is what the provider then enforces', async () => {
    const { handlers, provider } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const { request } = simulate({
      yamlText: PIPELINE,
      policy: undefined,
      target: { kind: 'branch', name: 'feature/x' },
    });
    const response = await provider(request);
    expect(response).toHaveProperty('error.key', 'pipeline-guard.branch-gate');
  });
});

describe('history and rollback', () => {
  it('keeps at least 20 revisions with author and time, and rolls back to one as a new revision', async () => {
    const { handlers, kv } = setup();
    const policy = referencePolicyInput();
    for (let rev = 0; rev < 22; rev++) {
      // Each save adds to the deny list: removing an entry would be a weakening that needs a reason.
      policy.deny!.images = [...(policy.deny!.images ?? []), `bad${rev}:*`];
      ok(await handlers.savePolicy(ADMIN, { expectedRevision: rev, policy }));
    }
    const { entries } = ok(await handlers.history(MEMBER, {}));
    expect(entries.length).toBeGreaterThanOrEqual(20);
    expect(entries[0]).toMatchObject({ revision: 22, savedBy: 'admin-1', action: 'save' });
    expect(entries[0].savedAt).toMatch(/^2026-11-25T10:/);

    failed(await handlers.rollback(MEMBER, { revision: 3, expectedRevision: 22 }));
    // Revision 3 denies fewer images than revision 22: rolling back to it weakens enforcement.
    const unexplained = failed(await handlers.rollback(ADMIN, { revision: 3, expectedRevision: 22 }));
    expect(unexplained.code).toBe('reason-required');
    expect(unexplained.weakenings?.[0]?.message).toMatch(/^the deny list no longer blocks the images "bad3:\*"/);
    const saved = ok(
      await handlers.rollback(ADMIN, { revision: 3, expectedRevision: 22, reason: 'bad3 onwards were a mistake' }),
    );
    expect(saved.revision).toBe(23);
    expect(await kv.get(POLICY_KEY)).toMatchObject({
      revision: 23,
      action: 'rollback',
      restoredFrom: 3,
      reason: 'bad3 onwards were a mistake',
      policy: { deny: { images: ['*:latest', 'bad0:*', 'bad1:*', 'bad2:*'] } },
    });
    expect(failed(await handlers.rollback(ADMIN, { revision: 3, expectedRevision: 22 })).code).toBe('stale');
    expect(failed(await handlers.rollback(ADMIN, { revision: 999, expectedRevision: 23 })).code).toBe('not-found');
  });
});

describe('weakening by any path, and saves over another revision', () => {
  it('asks a reason for a rollback to a revision with a weaker mode', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: { ...referencePolicyInput(), mode: 'off' } }));
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: referencePolicyInput() }));
    const error = failed(await handlers.rollback(ADMIN, { revision: 1, expectedRevision: 2 }));
    expect(error.code).toBe('reason-required');
    expect(error.weakenings?.map((w) => w.message)).toContain('the policy-wide mode goes from enforce to off');
    ok(
      await handlers.rollback(ADMIN, {
        revision: 1,
        expectedRevision: 2,
        reason: 'incident 7: switch off while the runners are down',
      }),
    );
  });

  it('records which revision’s changes a save replaced, and refuses a revision that does not exist', async () => {
    const { handlers } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    ok(
      await handlers.savePolicy(ADMIN, {
        expectedRevision: 1,
        policy: referencePolicyInput(),
        replaces: { revision: 1, fields: ['environments “prod” → branches'] },
      }),
    );
    const { entries } = ok(await handlers.history(MEMBER, {}));
    expect(entries[0]).toMatchObject({
      revision: 2,
      replaces: { revision: 1, fields: ['environments “prod” → branches'] },
    });
    expect(entries[1].replaces).toBeUndefined();
    const future = failed(
      await handlers.savePolicy(ADMIN, {
        expectedRevision: 2,
        policy: referencePolicyInput(),
        replaces: { revision: 9, fields: ['mode'] },
      }),
    );
    expect(future.code).toBe('invalid-request');
  });
});

describe('preview', () => {
  it('returns exactly what the simulator returns, for the saved policy and for an unsaved draft', async () => {
    const { handlers } = setup();
    const none = ok(await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name: 'feature/x' } }));
    expect(none.result.outcome).toBe('allowed');
    expect(none.policySource).toMatch(/no policy saved/);

    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const parsed = parsePolicyText(referencePolicyText());
    if (!parsed.ok) throw new Error('reference policy');
    for (const name of ['feature/x', 'main']) {
      const view = ok(await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name } }));
      expect(view.result).toEqual(
        simulate({ yamlText: PIPELINE, policy: compilePolicy(parsed.policy, 1), target: { kind: 'branch', name } }),
      );
    }
    const blocked = ok(
      await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name: 'feature/x' } }),
    );
    expect(blocked.result.outcome).toBe('blocked');
    expect(blocked.result.violations).toContainEqual(
      expect.objectContaining({ rule: 'branch-gate', mode: 'enforce', step: 'PROD deploy' }),
    );
    const allowed = ok(await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name: 'main' } }));
    expect(allowed.result.steps.find((s) => s.name === 'PROD deploy')).toMatchObject({
      environment: 'prod',
      oidc: true,
    });
    expect(allowed.result.diff).toContain('AWS_ROLE_ARN');

    const draft = referencePolicyInput();
    draft.rules = { 'branch-gate': 'warn' };
    const warned = ok(
      await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name: 'feature/x' }, policy: draft }),
    );
    expect(warned.result.outcome).toBe('allowed');
    expect(warned.policySource).toMatch(/unsaved/);
  });

  it('names the line of a broken pipeline and refuses a bad target', async () => {
    const { handlers } = setup();
    const error = failed(
      await handlers.preview(MEMBER, {
        yaml: 'pipelines:\n  default:\n    - step: [\n',
        target: { kind: 'branch', name: 'main' },
      }),
    );
    expect(error.code).toBe('invalid-pipeline');
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(failed(await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name: '' } })).code).toBe(
      'invalid-request',
    );
  });
});

describe('policy tests', () => {
  const blockedOnFeature = {
    name: 'PROD deploy from a feature branch is blocked',
    yaml: PIPELINE,
    target: { kind: 'branch', name: 'feature/x' },
    expect: 'blocked',
  };

  it('are admin-only to change, and every save runs them and refuses one that breaks a case, naming it', async () => {
    const { handlers, kv } = setup();
    expect(failed(await handlers.savePolicyTest(MEMBER, blockedOnFeature)).code).toBe('forbidden');
    const { test } = ok(await handlers.savePolicyTest(ADMIN, blockedOnFeature));
    expect(ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() })).testsRun).toBe(
      1,
    );

    const weakened = referencePolicyInput();
    weakened.rules = { 'branch-gate': 'off' };
    const error = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: weakened }));
    expect(error.code).toBe('tests-failed');
    expect(error.message).toContain('"PROD deploy from a feature branch is blocked" expects blocked but got allowed');
    expect(error.failures?.map((f) => f.name)).toEqual([blockedOnFeature.name]);
    expect(await kv.get(POLICY_KEY)).toMatchObject({ revision: 1 });

    const run = ok(await handlers.runPolicyTests(MEMBER, { policy: weakened }));
    expect(run.outcomes).toEqual([expect.objectContaining({ id: test.id, passed: false, actual: 'allowed' })]);
    expect(failed(await handlers.deletePolicyTest(MEMBER, { id: test.id })).code).toBe('forbidden');
    ok(await handlers.deletePolicyTest(ADMIN, { id: test.id }));
    expect(ok(await handlers.listPolicyTests(MEMBER, {})).tests).toEqual([]);
    ok(
      await handlers.savePolicy(ADMIN, {
        expectedRevision: 1,
        policy: weakened,
        reason: 'trial run of the new branch rules',
      }),
    );
  });

  it('validates a case before keeping it', async () => {
    const { handlers } = setup();
    const error = failed(await handlers.savePolicyTest(ADMIN, { ...blockedOnFeature, expect: 'maybe' }));
    expect(error.code).toBe('invalid-request');
    expect(error.problems?.[0].path).toBe('expect');
  });
});

describe('decisions', () => {
  it('lists the provider runs newest first, filters them, and exports defused CSV', async () => {
    const { handlers, provider } = setup();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const run = (name: string, repository: string) => ({
      ...simulate({ yamlText: PIPELINE, policy: undefined, target: { kind: 'branch', name } }).request,
      repository,
    });
    await provider(run('feature/x', '{repo-a}'));
    await provider(run('main', '{repo-b}'));
    await provider(run('=HYPERLINK("x")', '{repo-b}'));
    await provider({ ...run('main', '{repo-a}'), trigger: 'definitions' });

    const all = ok(await handlers.decisions(ADMIN, {}));
    expect(all.records.map((r) => [r.ref, r.outcome])).toEqual([
      ['branch:=HYPERLINK("x")', 'blocked'],
      ['branch:main', 'allowed'],
      ['branch:feature/x', 'blocked'],
    ]);
    expect(all.records[2]).toMatchObject({
      repository: '{repo-a}',
      trigger: 'push',
      rules: expect.arrayContaining(['branch-gate']),
      policyRevision: 1,
    });
    expect(ok(await handlers.decisions(ADMIN, { outcome: 'allowed' })).records.map((r) => r.ref)).toEqual([
      'branch:main',
    ]);
    expect(ok(await handlers.decisions(ADMIN, { repository: 'repo-a' })).records.map((r) => r.ref)).toEqual([
      'branch:feature/x',
    ]);

    const { csv, filename } = ok(await handlers.exportDecisions(ADMIN, { outcome: 'blocked' }));
    expect(filename).toMatch(/^pipeline-guard-decisions-2026-11-25\.csv$/);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      '"time","repository","repository uuid","project","ref","trigger","pipeline","build","creator","outcome",' +
        '"rules","grants","environments","policy revision","message","repository stale as of"',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"branch:=HYPERLINK(""x"")"');
    expect(failed(await handlers.decisions(ADMIN, { outcome: 'maybe' })).code).toBe('invalid-request');
  });
});

describe('decision log at scale, charts and the bypass check', () => {
  it('pages with a cursor, takes UTC days as a range, and refuses a bad date or a foreign cursor', async () => {
    const { handlers, entities } = setup();
    const writer = createDecisionWriter(entities);
    const at = (day: string, hour: number) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
    for (let hour = 0; hour < 24; hour += 1)
      for (const day of ['2026-11-23', '2026-11-24'])
        await writer.append({
          v: 2,
          at: at(day, hour),
          repository: 'acme/api',
          repositoryKey: 'acme/api',
          repositoryUuid: '{u}',
          ref: 'branch:main',
          trigger: 'push',
          outcome: 'allowed',
          rules: [],
          grants: [],
          environments: ['dev'],
        });
    const first = ok(await handlers.decisions(ADMIN, {}));
    expect(first.records).toHaveLength(48);
    const day = ok(await handlers.decisions(ADMIN, { from: '2026-11-24', to: '2026-11-24' }));
    expect(day.records.map((r) => new Date(r.at).toISOString().slice(0, 10))).toEqual(Array(24).fill('2026-11-24'));
    expect(failed(await handlers.decisions(ADMIN, { from: 'yesterday' })).message).toMatch(
      /from: "yesterday" is not a date/,
    );
    expect(failed(await handlers.decisions(ADMIN, { cursor: 'forged' })).code).toBe('invalid-request');
    const parts: string[] = [];
    let cursor: string | undefined;
    do {
      const part = ok(await handlers.exportDecisions(ADMIN, cursor ? { cursor } : {}));
      parts.push(part.csv);
      cursor = part.cursor;
    } while (cursor);
    expect(parts.join('').trim().split('\r\n')).toHaveLength(49);
  });

  it('answers the charts from the rollup’s stats and the bypass list from deployments', async () => {
    const { handlers } = setup();
    const stats = ok(await handlers.decisionStats(ADMIN, {}));
    expect(stats.days).toHaveLength(30);
    expect(stats.computedAt).toBeUndefined();
    const bypasses = ok(await handlers.bypasses(ADMIN, {}));
    expect(bypasses).toMatchObject({ findings: [], checked: 0, covered: 0, damaged: 0 });
    expect(failed(await handlers.bypasses(ADMIN, { cursor: 7 })).code).toBe('invalid-request');
  });
});

describe('trustPolicies', () => {
  it('builds each role’s trust policy with the generator, for the context workspace', async () => {
    const { handlers } = setup();
    expect(failed(await handlers.trustPolicies(MEMBER, { workspaceSlug: 'acme' })).code).toBe('not-found');
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
    const { policies } = ok(await handlers.trustPolicies(MEMBER, { workspaceSlug: 'acme' }));
    expect(policies.map((p) => p.environment)).toEqual(['prod', 'dev']);
    const prod = policies[0].trustPolicy as {
      Statement: Array<{ Principal: { Federated: string }; Condition: Record<string, Record<string, unknown>> }>;
    };
    expect(prod.Statement[0].Principal.Federated).toBe(
      'arn:aws:iam::111111111111:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
    );
    expect(prod.Statement[0].Condition.StringEquals).toHaveProperty(
      ['api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:aud'],
      'ari:cloud:bitbucket::workspace/6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7',
    );
    expect(prod.Statement[0].Condition.IpAddress).toEqual({ 'aws:SourceIp': ['203.0.113.0/28'] });
    // A workspace input problem is the same for every environment: refused once, not repeated on every card.
    const bad = failed(await handlers.trustPolicies(MEMBER, { workspaceSlug: 'Not A Slug' }));
    expect(bad).toMatchObject({
      code: 'invalid-request',
      message: expect.stringMatching(/not a Bitbucket workspace slug/),
    });
  });
});
