import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHandlers } from '../../src/settings/handlers';
import type { TrustCheckView } from '../../src/settings/api';
import { createMemoryKv } from '../../src/storage/memory-kv';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trust');
const POLICY = readFileSync(path.join(FIXTURES, 'clouds.yaml'), 'utf8');
const read = (name: string) => readFileSync(path.join(FIXTURES, 'deployed', name), 'utf8');
const CONTEXT = { extension: { type: 'bitbucket:workspaceSettingsMenuPage' } };
const MEMBER = { workspaceId: '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}', accountId: 'member-1', ...CONTEXT };
const UUIDS = {
  repositoryUuids: ['{2fc883c6-3dee-4e73-a354-ccee4bd77938}'],
  deploymentEnvironmentUuids: ['{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}'],
};

const handlers = () =>
  createHandlers({ kv: createMemoryKv(), adminCheck: async ({ accountId }) => accountId.startsWith('admin') });
const view = (result: Awaited<ReturnType<ReturnType<typeof handlers>['trustCheck']>>): TrustCheckView => {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result;
};

describe("trustCheck (the Trust tab's comparison)", () => {
  it("compares pasted JSON with the draft's artifact, for a read-only member too", async () => {
    const deployed = [{ label: 'pasted JSON', text: `${read('gcp-provider.json')}\n${read('gcp-iam-policy.json')}` }];
    const result = view(
      await handlers().trustCheck(MEMBER, {
        workspaceSlug: 'acme',
        environment: 'staging',
        deployed,
        ...UUIDS,
        policyText: POLICY,
      }),
    );
    expect(result.policySource).toBe('the unsaved policy in the editor');
    expect(result.result).toMatchObject({
      environment: 'staging',
      provider: 'gcp',
      verdict: 'as strict',
      findings: [],
    });
  });

  it('names the weaker condition in an uploaded file', async () => {
    const role = JSON.parse(read('vault-role.json'));
    delete role.data.token_bound_cidrs;
    const deployed = [{ label: 'vault-role.json', text: JSON.stringify(role) }];
    const result = view(
      await handlers().trustCheck(MEMBER, {
        workspaceSlug: 'acme',
        environment: 'dev',
        deployed,
        ...UUIDS,
        policyText: POLICY,
      }),
    );
    expect(result.result.verdict).toBe('weaker');
    expect(result.result.findings).toEqual([
      expect.objectContaining({ verdict: 'weaker', dimension: 'network', where: 'data.token_bound_cidrs' }),
    ]);
  });

  it("takes the workspace from the Forge context: another workspace's caller sees a foreign audience", async () => {
    const other = { ...MEMBER, workspaceId: '{00000000-0000-4000-8000-000000000001}' };
    const deployed = [{ label: 'role.json', text: read('aws-get-role.json') }];
    const result = view(
      await handlers().trustCheck(other, {
        workspaceSlug: 'acme',
        environment: 'prod',
        deployed,
        ...UUIDS,
        policyText: POLICY,
      }),
    );
    expect(result.result.findings.filter((f) => f.verdict === 'weaker').map((f) => f.dimension)).toEqual(['audience']);
    const smuggled = await handlers().trustCheck(MEMBER, {
      workspaceSlug: 'acme',
      workspaceUuid: '{x}',
      environment: 'prod',
      deployed,
      policyText: POLICY,
    });
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('refuses unusable JSON, an unknown environment and a missing policy with a message', async () => {
    const bad = await handlers().trustCheck(MEMBER, {
      workspaceSlug: 'acme',
      environment: 'prod',
      deployed: [{ label: 'pasted JSON', text: 'Role: x' }],
      policyText: POLICY,
    });
    expect(bad).toEqual({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/^pasted JSON is not JSON/) },
    });
    const unknown = await handlers().trustCheck(MEMBER, {
      workspaceSlug: 'acme',
      environment: 'qa',
      deployed: [{ label: 'a', text: '{}' }],
      policyText: POLICY,
    });
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringContaining('no environment "qa"') },
    });
    const none = await handlers().trustCheck(MEMBER, {
      workspaceSlug: 'acme',
      environment: 'prod',
      deployed: [{ label: 'a', text: '{}' }],
    });
    expect(none).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const empty = await handlers().trustCheck(MEMBER, {
      workspaceSlug: 'acme',
      environment: 'prod',
      deployed: [],
      policyText: POLICY,
    });
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringContaining('paste or upload') },
    });
  });
});
