import { identityFromContext } from '../../src/settings/identity';

describe('identity from the Forge context', () => {
  it('takes the workspace from workspaceId, else from the extension, and the account from the runtime', () => {
    expect(identityFromContext({ workspaceId: '{ws}', accountId: 'acc' })).toEqual({
      workspaceId: '{ws}',
      accountId: 'acc',
    });
    expect(identityFromContext({ accountId: 'acc', extension: { workspace: { uuid: '{ws-2}' } } })).toEqual({
      workspaceId: '{ws-2}',
      accountId: 'acc',
    });
  });

  it.each([
    ['no account', { workspaceId: '{ws}' }],
    ['no workspace', { accountId: 'acc' }],
    ['a path in the workspace id', { workspaceId: '../repositories', accountId: 'acc' }],
    ['a slash in the account id', { workspaceId: '{ws}', accountId: 'a/b' }],
    ['not an object', 'admin'],
  ])('is undefined with %s', (_name, context) => {
    expect(identityFromContext(context)).toBeUndefined();
  });
});
