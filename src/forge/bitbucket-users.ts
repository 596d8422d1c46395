/** The users endpoint, asked as the user at the page (scope read:user:bitbucket). */
import api, { route } from '@forge/api';
import type { FetchUser } from '../settings/people';

export const bitbucketUserFetch: FetchUser = (accountId) =>
  api.asUser().requestBitbucket(route`/2.0/users/${accountId}`);
