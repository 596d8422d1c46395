const mockRequestBitbucket = jest.fn();

jest.mock('@forge/api', () => {
  const actual = jest.requireActual('@forge/api');
  const api = { asUser: () => ({ requestBitbucket: mockRequestBitbucket }) };
  return { __esModule: true, ...actual, default: api };
});

import { bitbucketAdminCheck } from '../../src/forge/admin-check';

const respond = (status: number, body: unknown) =>
  mockRequestBitbucket.mockResolvedValueOnce({ ok: status < 300, status, json: async () => body });

describe('workspace admin check', () => {
  it('asks Bitbucket as the user for the caller’s permission on the context workspace', async () => {
    respond(200, { type: 'workspace_membership', permission: 'owner' });
    expect(
      await bitbucketAdminCheck({ workspaceId: '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}', accountId: 'acc-1' }),
    ).toBe(true);
    const [route] = mockRequestBitbucket.mock.calls[0];
    expect(route.value).toBe('/2.0/user/workspaces/{308ce669-576d-4fa7-b4d4-15e8171f0c8c}/permission');
  });

  it.each([
    ['a member', 200, { permission: 'member' }],
    ['a collaborator', 200, { permission: 'collaborator' }],
    ['no consent or no membership', 403, { error: 'forbidden' }],
  ])('is false for %s', async (_name, status, body) => {
    respond(status, body);
    expect(await bitbucketAdminCheck({ workspaceId: 'ws', accountId: 'acc-1' })).toBe(false);
  });

  it('fails closed when the call itself fails', async () => {
    mockRequestBitbucket.mockRejectedValueOnce(new Error('no consent'));
    expect(await bitbucketAdminCheck({ workspaceId: 'ws', accountId: 'acc-1' })).toBe(false);
  });
});
