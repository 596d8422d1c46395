/**
 * `api.asApp().requestBitbucket(route…)` of @forge/api 8, for the provider: the package's fetch module
 * (and the runtime, metrics and external-auth code it loads) would add 17 KB to the provider's
 * Forge-built bundle, loaded on every cold start, for this one call. The request and the proxy-error
 * handling are the package's own (`__fetchProduct` and `handleProxyResponseErrors` in out/api/fetch.js),
 * with its route and error classes; test/forge/bitbucket-as-app.test.ts runs this and the package's
 * `api.asApp().requestBitbucket` against the same stand-in of Forge's proxy and fails when they differ.
 */
import { NeedsAuthenticationError, ProxyRequestError } from '@forge/api/out/api/errors';
import { requireSafeUrl, type Route } from '@forge/api/out/safeUrl';

type ForgeFetch = (target: Record<string, unknown>, path: string, init?: RequestInit) => Promise<Response>;
const forge = global as unknown as { __forge_fetch__: ForgeFetch };

export async function requestBitbucketAsApp(path: Route, init?: RequestInit): Promise<Response> {
  const response = await forge.__forge_fetch__(
    { type: 'fpp', provider: 'app', accountId: undefined, remote: 'bitbucket' },
    requireSafeUrl(path).value,
    init,
  );
  const proxyError = response.headers.get('forge-proxy-error');
  if (proxyError === 'NEEDS_AUTHENTICATION_ERR')
    throw new NeedsAuthenticationError('Authentication Required', 'atlassian-token-service-key');
  if (proxyError) throw new ProxyRequestError(response.status, proxyError);
  return response;
}
