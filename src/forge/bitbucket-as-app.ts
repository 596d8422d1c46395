/**
 * `api.asApp().requestBitbucket(route…)` of @forge/api 8, for the provider: the package's fetch module
 * (and the runtime, metrics and external-auth code it loads) would add 17 KB to the provider's
 * Forge-built bundle, loaded on every cold start, for this one call. The request and the proxy-error
 * handling are the package's own (`__fetchProduct` and `handleProxyResponseErrors` in out/api/fetch.js),
 * with its route module; test/forge/bitbucket-as-app.test.ts runs this and the package's
 * `api.asApp().requestBitbucket` against the same stand-in of Forge's proxy and fails when they differ.
 */
import { requireSafeUrl, type Route } from '@forge/api/out/safeUrl';

// The two error classes of @forge/api 8.3's out/api/errors.js that this call throws, field for field: that module
// defines about twenty (6 KB of the provider's bundle). The test above compares class name, message and fields.
class NeedsAuthenticationError extends Error {
  status = 401;
  constructor(
    message: string,
    readonly serviceKey: string,
    readonly options?: unknown,
  ) {
    super(message);
    this.stack = undefined;
    this.name = 'NEEDS_AUTHENTICATION_ERR';
  }
}

class ProxyRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
  ) {
    super(`Forge platform failed to process runtime HTTP request - ${status} - ${errorCode}`);
    this.name = 'PROXY_ERR';
  }
}

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
