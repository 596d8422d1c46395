/**
 * Bitbucket REST for the merge check and the pull-request views: one request as the app (the check has no user),
 * and the repository read check as the user at the page. Paths come built and encoded from src/prcheck/rest.ts.
 */
import api, { assumeTrustedRoute, route } from '@forge/api';
import type { BitbucketRequest } from '../prcheck/rest';
import type { RepositoryReadCheck } from '../prcheck/views';

export const bitbucketRequestAsApp: BitbucketRequest = async ({ method, path, body }) => {
  const response = await api.asApp().requestBitbucket(assumeTrustedRoute(path), {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after') ?? undefined,
    text: await response.text(),
  };
};

/** Bitbucket shows a repository to a user who may read it; any other answer (or none) means no. */
export const canReadAsUser: RepositoryReadCheck = async (workspace, repository) => {
  try {
    const response = await api.asUser().requestBitbucket(route`/2.0/repositories/${workspace}/${repository}`);
    return response.ok;
  } catch {
    return false;
  }
};
