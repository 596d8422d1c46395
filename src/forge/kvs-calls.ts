/**
 * The four Forge KVS calls the provider makes (read a key, write a key, write a custom entity, write keys in one
 * transaction), sent and answered as `@forge/kvs` 1.6's `StorageApi` does: same paths, bodies and headers, same
 * errors (`ForgeKvsAPIError`, a missing key read as undefined). The package's modules would be 23 KB of the
 * provider's Forge-built bundle, loaded on every cold start, for these four; the settings functions keep the package
 * (src/forge/kvs-client.ts). test/forge/kvs-calls.test.ts runs these and the package's `kvs` against the same
 * stand-in of Forge's runtime, answers and failures included, and fails when anything differs.
 */

type ForgeFetch = (target: Record<string, unknown>, path: string, init?: Record<string, unknown>) => Promise<Response>;
interface ForgeRuntime {
  readonly proxy?: { readonly token?: string };
  readonly kvs?: { readonly url?: string; readonly host?: string };
  readonly tracing?: { readonly traceId?: string; readonly spanId?: string };
}
const forge = global as unknown as { __forge_fetch__: ForgeFetch; __forge_runtime__?: ForgeRuntime };

/** What `@forge/kvs`'s root hands its `StorageApi`: a fetch straight to KVS when the runtime names it, else proxied. */
export function kvsFetchClient() {
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

const fetchKvs = kvsFetchClient();

// The package's errors (out/errors.js), field for field; its version is the pinned one in package.json.
class ForgeKvsError extends Error {
  packageVersion: string;
  constructor(message: string, packageVersion = '1.6.5') {
    super(message);
    this.name = 'ForgeKvsError';
    this.packageVersion = packageVersion;
  }
}

interface ForgeError {
  readonly code: string;
  readonly message: string;
  readonly context?: Record<string, unknown>;
  readonly [field: string]: unknown;
}

interface ResponseDetails {
  readonly status: number;
  readonly statusText: string;
  readonly traceId: string | null;
  readonly httpMethod: string;
  readonly httpPath: string;
  readonly responseBodyLength: number;
}

export class ForgeKvsAPIError extends ForgeKvsError {
  responseDetails: ResponseDetails;
  code: string;
  override message: string;
  context: Record<string, unknown>;
  constructor(responseDetails: ResponseDetails, forgeError: ForgeError) {
    super(forgeError.message);
    const { status, statusText, traceId, httpMethod, httpPath, responseBodyLength } = responseDetails;
    this.responseDetails = { status, statusText, traceId, httpMethod, httpPath, responseBodyLength };
    const { code, message, context, ...bodyData } = forgeError;
    this.code = code;
    this.message = message;
    this.context = { ...context, ...bodyData };
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const detailsOf = (response: Response, text: string, httpPath: string): ResponseDetails => ({
  status: response.status,
  statusText: response.statusText,
  traceId: response.headers.get('x-b3-traceid') || response.headers.get('x-trace-id'),
  httpMethod: 'POST',
  httpPath,
  responseBodyLength: text.length,
});

/** `StorageApi.request`: `answer` says whether the call reads no body, may get an empty one, or expects JSON. */
async function request(path: string, body: unknown, answer: 'none' | 'optional' | 'expected'): Promise<unknown> {
  const response = await fetchKvs(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (!response.ok) {
    const text = await response.text();
    const error = parsed(text) as ForgeError | undefined;
    throw new ForgeKvsAPIError(
      detailsOf(response, text, path),
      typeof error === 'object' && error !== null && 'code' in error && 'message' in error
        ? error
        : { code: 'UNKNOWN_ERROR', message: 'Unexpected error in Forge KVS API', context: { responseText: text } },
    );
  }
  if (answer === 'none') return undefined;
  const text = await response.text();
  if (answer === 'optional' && !text) return undefined;
  const value = parsed(text);
  if (value === undefined)
    throw new ForgeKvsAPIError(detailsOf(response, text, path), {
      code: 'UNKNOWN_ERROR',
      message: 'Unexpected error in Forge KVS API. Response was not valid JSON',
      context: { contentLength: response.headers.get('content-length') },
    });
  return value;
}

/** How long a written value lives; the only option the provider's writes pass. */
export interface KvsTtl {
  readonly ttl: { readonly value: number; readonly unit: 'SECONDS' };
}

export const ttlOption = (options?: { ttlSeconds?: number }): KvsTtl | undefined =>
  options?.ttlSeconds !== undefined ? { ttl: { value: options.ttlSeconds, unit: 'SECONDS' } } : undefined;

/** `kvs.get(key)`: the value, undefined when the key is absent. */
export async function kvsGet(key: string): Promise<unknown> {
  try {
    return ((await request('/api/v1/get', { key }, 'expected')) as { value?: unknown } | null)?.value;
  } catch (error) {
    if (error instanceof ForgeKvsAPIError && error.code === 'KEY_NOT_FOUND') return undefined;
    throw error;
  }
}

/** `kvs.set(key, value, options)`. */
export async function kvsSet(key: string, value: unknown, options?: KvsTtl): Promise<void> {
  await request('/api/v1/set', { key, value, options }, 'optional');
}

/** `kvs.entity(entityName).set(key, value, options)`. */
export async function kvsEntitySet(entityName: string, key: string, value: unknown, options?: KvsTtl): Promise<void> {
  await request('/api/v1/entity/set', { entityName, key, value, options }, 'optional');
}

/** `kvs.transact()` with one `.set(key, value, undefined, options)` per write (at least one), then `.execute()`. */
export async function kvsTransactSets(
  sets: ReadonlyArray<{ readonly key: string; readonly value: unknown; readonly options?: KvsTtl }>,
): Promise<void> {
  await request(
    '/api/v1/transaction',
    { set: sets.map(({ key, value, options }) => ({ key, value, options })) },
    'none',
  );
}
