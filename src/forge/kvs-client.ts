/**
 * Forge KVS as the package's root module builds it (`@forge/kvs` 1.6: `new KvsImpl(new StorageApi(fetchClient))`),
 * without the root module itself: that one also pulls in `tslib` (18 KB of the provider's Forge-built
 * bundle, loaded on every cold start) for one re-export helper. The fetch client below is the root
 * module's, unchanged; test/forge/kvs-client.test.ts runs this client and the package's own `kvs`
 * against the same stand-in of Forge's runtime and fails when they send anything different.
 */
import { KvsImpl } from '@forge/kvs/out/kvs';
import { StorageApi } from '@forge/kvs/out/storage-api';

export { WhereConditions } from '@forge/kvs/out/conditions';
export { Sort } from '@forge/kvs/out/interfaces/types';

type ForgeFetch = (target: Record<string, unknown>, path: string, init?: Record<string, unknown>) => Promise<unknown>;
interface ForgeRuntime {
  readonly proxy?: { readonly token?: string };
  readonly kvs?: { readonly url?: string; readonly host?: string };
  readonly tracing?: { readonly traceId?: string; readonly spanId?: string };
}
const forge = global as unknown as { __forge_fetch__: ForgeFetch; __forge_runtime__?: ForgeRuntime };

function fetchClient() {
  const runtime = forge.__forge_runtime__;
  if (runtime?.kvs?.url && runtime?.kvs?.host) {
    const { proxy, kvs, tracing } = runtime;
    return async (path: string, options?: { headers?: Record<string, string> } & Record<string, unknown>) =>
      forge.__forge_fetch__({ type: 'kvs' }, path, {
        ...options,
        headers: {
          ...options?.headers,
          Authorization: `Bearer ${proxy!.token}`,
          Host: kvs.host,
          'x-b3-traceid': tracing!.traceId,
          'x-b3-spanid': tracing!.spanId,
        },
      });
  }
  return async (path: string, options?: Record<string, unknown>) =>
    forge.__forge_fetch__({ type: 'kvs', provider: 'app', remote: 'kvs' }, path, options);
}

export const kvs = new KvsImpl(new StorageApi(fetchClient() as ConstructorParameters<typeof StorageApi>[0]));
