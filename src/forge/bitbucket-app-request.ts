/**
 * Bitbucket REST as the app for policy as code (the push trigger, the hourly catch-up and the page's
 * "Load now"): branch heads, files at a commit, build statuses. src/settings/policy-sync.ts builds and
 * encodes every path from stored, validated ids, so the route is trusted as it is.
 */
import { assumeTrustedRoute } from '@forge/api/out/safeUrl';
import type { BitbucketAppRequest } from '../settings/policy-sync';
import { requestBitbucketAsApp } from './bitbucket-as-app';

export const bitbucketAppRequest: BitbucketAppRequest = async (path, init) => {
  const response = await requestBitbucketAsApp(
    assumeTrustedRoute(path),
    init?.method === 'POST'
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(init.body ?? {}),
        }
      : { headers: { accept: 'application/json, text/plain, */*' } },
  );
  return { status: response.status, text: await response.text() };
};
