import { createResolver } from '../../src/forge/resolver';
import { createHandlers } from '../../src/settings/handlers';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { referencePolicyInput } from '../support/requests';

/** Drives the real @forge/resolver definitions the way Forge calls them. */
function setup(admin: boolean) {
  const kv = createMemoryKv();
  const adminCheck = jest.fn(async () => admin);
  const resolver = createResolver(createHandlers({ kv, adminCheck }));
  const call = (
    functionKey: string,
    payload?: unknown,
    context: Record<string, unknown> = {
      workspaceId: '{ws-1}',
      moduleKey: 'pipeline-guard-settings',
      extension: { type: 'bitbucket:workspaceSettingsMenuPage' },
    },
  ) =>
    resolver(
      { call: { functionKey, payload: payload as Record<string, unknown> }, context },
      { principal: { accountId: 'acc-1' }, installContext: 'ari:cloud:bitbucket::workspace/ws-1' },
    ) as Promise<{ ok: boolean; error?: { code: string } }>;
  return { call, adminCheck, kv };
}

describe('settings resolver', () => {
  it('takes the account from the Forge runtime and the workspace from the context', async () => {
    const { call, adminCheck } = setup(true);
    expect(await call('getPolicy')).toMatchObject({ ok: true, state: 'none', canEdit: true });
    expect(adminCheck).toHaveBeenCalledWith({ workspaceId: '{ws-1}', accountId: 'acc-1' });
    expect(await call('savePolicy', { expectedRevision: 0, policy: referencePolicyInput() })).toMatchObject({
      ok: true,
      revision: 1,
    });
  });

  it('answers a non-admin write with a forbidden error, not an exception', async () => {
    const { call, kv } = setup(false);
    expect(await call('savePolicy', { expectedRevision: 0, policy: referencePolicyInput() })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(kv.keys()).toEqual([]);
  });

  it('refuses a context without a workspace and unknown functions', async () => {
    const { call } = setup(true);
    expect(await call('getPolicy', {}, {})).toMatchObject({ ok: false, error: { code: 'identity' } });
    await expect(call('dropEverything')).rejects.toThrow(/no definition/);
  });
});
