/**
 * The settings page's Bitbucket listings, as the user at the page: a member sees only the projects,
 * repositories and runners Bitbucket shows them. src/settings/bitbucket-rest.ts builds every path
 * (ids from the Forge context, `next` links checked to stay on the endpoint) and validates every answer.
 */
import api, { assumeTrustedRoute } from '@forge/api';
import type { BitbucketGet } from '../settings/bitbucket-rest';

export const bitbucketGetAsUser: BitbucketGet = async (path) => {
  const response = await api
    .asUser()
    .requestBitbucket(assumeTrustedRoute(path), { headers: { accept: 'application/json' } });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (an HTML error page, say): the schema check then reports it as an unexpected shape.
    body = text;
  }
  return { status: response.status, body };
};
