/**
 * The repository lookup over Forge: Bitbucket asked as the app (scope read:repository:bitbucket),
 * the answer cached in KVS. The only module that calls Bitbucket for the provider.
 */
// `route` from its own module of @forge/api: the package's root also loads i18n, permissions, web
// triggers and their libraries (lodash among them), about 95 KB of the provider's Forge-built bundle,
// loaded on every cold start, for nothing the provider calls.
import { route } from '@forge/api/out/safeUrl';
import { requestBitbucketAsApp } from './bitbucket-as-app';
import {
  createCachedRepositoryLookup,
  RepositoryFetchError,
  retryAfterMs,
  type FetchRepository,
} from '../provider/repository-lookup';
import { kvsCacheStore } from './kvs-provider-stores';

/**
 * A refusal or failure carries its status and `Retry-After`, which the lookup decides on (retry, last good, "cannot
 * see").
 */
export const fetchRepositoryAsApp: FetchRepository = async (workspace, repository) => {
  const response = await requestBitbucketAsApp(route`/2.0/repositories/${workspace}/${repository}`);
  if (!response.ok) {
    const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now());
    throw new RepositoryFetchError(`Bitbucket answered ${response.status}`, response.status, retryAfter);
  }
  return response.json();
};

export const forgeRepositoryLookup = createCachedRepositoryLookup({
  kv: kvsCacheStore,
  fetch: fetchRepositoryAsApp,
});
