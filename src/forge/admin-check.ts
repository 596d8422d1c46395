/**
 * Is the caller a workspace admin? Asked of Bitbucket as the user, so the answer is about the
 * person at the page and not about the app. The only module that calls Bitbucket for it.
 */
import api, { route } from '@forge/api';
import type { AdminCheck } from '../settings/identity';

export const bitbucketAdminCheck: AdminCheck = async ({ workspaceId }) => {
  try {
    const response = await api.asUser().requestBitbucket(route`/2.0/user/workspaces/${workspaceId}/permission`);
    if (!response.ok) return false;
    const body = (await response.json()) as { permission?: unknown };
    // owner = workspace admin; collaborator and member may read the page but not change it.
    return body?.permission === 'owner';
  } catch {
    // No consent yet, or Bitbucket unreachable: fail closed, the page stays read-only.
    return false;
  }
};
