/**
 * Bitbucket REST for the merge check and the pull-request views, minus Forge: a port that sends one request,
 * and a client over it that counts every call, waits out a 429 when its `Retry-After` fits the time budget,
 * and turns every other failure into a fault with words a developer can act on. Paths are built here from
 * validated ids, each segment encoded, so no payload value can steer a request elsewhere.
 */

export interface RestRequest {
  readonly method: 'GET' | 'PUT' | 'POST';
  /** `/2.0/repositories/{…}/…`, already encoded. */
  readonly path: string;
  readonly body?: unknown;
}

export interface RestResponse {
  readonly status: number;
  /** The `Retry-After` header, when there is one. */
  readonly retryAfter?: string;
  readonly text: string;
}

/** Sends one request to api.bitbucket.org; rejects only when no answer came at all. */
export type BitbucketRequest = (request: RestRequest) => Promise<RestResponse>;

/** Bitbucket could not be asked, or answered with an error: the check cannot vouch for anything. */
export class BitbucketFault extends Error {}

export interface RestClientOptions {
  /** Epoch ms after which no more waiting is allowed (the function's budget, with room to answer). */
  readonly deadline: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How many 429 answers to wait out for one request. */
  readonly maxRetries?: number;
}

export interface RestClient {
  /** The body as text; undefined on 404 (no such file, commit or pull request). */
  getText(path: string): Promise<string | undefined>;
  getJson(path: string): Promise<unknown>;
  send(method: 'PUT' | 'POST', path: string, body: unknown): Promise<RestResponse>;
  /** Calls made so far, 429 retries included: what the rate limit counts. */
  readonly calls: () => number;
}

/** `Retry-After` in seconds or as an HTTP date; NaN when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number {
  if (header === undefined) return Number.NaN;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? Number.NaN : Math.max(0, at - now);
}

const describeStatus = (status: number) =>
  status === 401 || status === 403
    ? `${status}: the app may not read this (is Pipeline Guard still installed with its scopes?)`
    : status >= 500
      ? `${status}: Bitbucket had an error`
      : `${status}`;

export function createRestClient(request: BitbucketRequest, options: RestClientOptions): RestClient {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = options.maxRetries ?? 3;
  let calls = 0;

  const call = async (req: RestRequest): Promise<RestResponse> => {
    for (let attempt = 0; ; attempt++) {
      calls++;
      let response: RestResponse;
      try {
        response = await request(req);
      } catch (error) {
        throw new BitbucketFault(
          `Bitbucket did not answer ${req.method} ${req.path} (${(error as Error)?.message ?? String(error)})`,
        );
      }
      if (response.status !== 429) return response;
      const wait = retryAfterMs(response.retryAfter, now());
      const waitMs = Number.isNaN(wait) ? 1_000 * 2 ** attempt : wait;
      if (attempt >= maxRetries || now() + waitMs > options.deadline)
        throw new BitbucketFault(
          "Bitbucket's rate limit for apps was reached " +
            `(429${response.retryAfter !== undefined ? `, retry after ${response.retryAfter} s` : ''}), ` +
            'beyond what the check may wait',
        );
      await sleep(waitMs);
    }
  };

  const get = async (path: string): Promise<string | undefined> => {
    const response = await call({ method: 'GET', path });
    if (response.status === 404) return undefined;
    if (response.status < 200 || response.status >= 300)
      throw new BitbucketFault(`Bitbucket answered GET ${path} with ${describeStatus(response.status)}`);
    return response.text;
  };

  return {
    getText: get,
    async getJson(path) {
      const text = await get(path);
      if (text === undefined) throw new BitbucketFault(`Bitbucket answered GET ${path} with 404 (not found)`);
      try {
        return JSON.parse(text);
      } catch {
        throw new BitbucketFault(`Bitbucket's answer to GET ${path} is not JSON`);
      }
    },
    send: (method, path, body) => call({ method, path, body }),
    calls: () => calls,
  };
}

/**
 * encodeURIComponent leaves `.` and `..` as they are, and URL parsing resolves them; a path that could climb out of
 * the repository it names is refused here too, whatever the caller checked.
 */
const segment = (value: string) => {
  if (value === '' || value === '.' || value === '..') throw new Error(`refusing the REST path segment "${value}"`);
  return encodeURIComponent(value);
};
/** A file path keeps its slashes; each part is encoded. */
const filePath = (value: string) => value.split('/').map(segment).join('/');

export const paths = {
  pullRequest: (workspace: string, repository: string, id: number) =>
    `/2.0/repositories/${segment(workspace)}/${segment(repository)}/pullrequests/${id}`,
  repository: (workspace: string, repository: string) =>
    `/2.0/repositories/${segment(workspace)}/${segment(repository)}`,
  file: (workspace: string, repository: string, commitOrRef: string, file: string) =>
    `/2.0/repositories/${segment(workspace)}/${segment(repository)}/src/${segment(commitOrRef)}/${filePath(file)}`,
  report: (workspace: string, repository: string, commit: string, report: string) =>
    `/2.0/repositories/${segment(workspace)}/${segment(repository)}` +
    `/commit/${segment(commit)}/reports/${segment(report)}`,
  annotations: (workspace: string, repository: string, commit: string, report: string) =>
    `${paths.report(workspace, repository, commit, report)}/annotations`,
};
