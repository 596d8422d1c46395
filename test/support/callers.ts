/** Who calls the settings page's resolver in the handler tests: an admin and a member of one workspace, on the page. */
export const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';

export const ADMIN = {
  workspaceId: WORKSPACE,
  accountId: 'admin-1',
  extension: { type: 'bitbucket:workspaceSettingsMenuPage' },
};

export const MEMBER = { ...ADMIN, accountId: 'member-1' };
