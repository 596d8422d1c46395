/**
 * The provider's Bitbucket call goes through two modules of @forge/api rather than its root (which
 * loads i18n, permissions and lodash into the provider's bundle). This runs that path for real,
 * against a stand-in of the proxy Forge's runtime installs (`global.__forge_fetch__`), and checks it
 * makes exactly the call the package's public `api.asApp().requestBitbucket(route…)` makes.
 */
import api, { route } from '@forge/api';
import { fetchRepositoryAsApp } from '../../src/forge/repository-lookup';
import { RepositoryFetchError } from '../../src/provider/repository-lookup';

type ForgeFetch = (target: Record<string, unknown>, path: unknown, init?: unknown) => Promise<Response>;
const forgeGlobal = global as unknown as { __forge_fetch__?: ForgeFetch };

const WORKSPACE = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const REPOSITORY = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const ANSWER = {
  type: 'repository',
  uuid: REPOSITORY,
  slug: 'website',
  full_name: 'acme/website',
  project: { key: 'WEB' },
};

describe('fetchRepositoryAsApp (Forge adapter of the repository lookup)', () => {
  const calls: Array<[Record<string, unknown>, unknown]> = [];
  let status = 200;
  beforeEach(() => {
    calls.length = 0;
    status = 200;
    forgeGlobal.__forge_fetch__ = async (target, path) => {
      calls.push([target, path]);
      return new Response(status === 200 ? JSON.stringify(ANSWER) : '', { status });
    };
  });
  afterAll(() => delete forgeGlobal.__forge_fetch__);

  it('asks Bitbucket as the app for the repository, as the public API would, and returns the answer', async () => {
    expect(await fetchRepositoryAsApp(WORKSPACE, REPOSITORY)).toEqual(ANSWER);
    await api.asApp().requestBitbucket(route`/2.0/repositories/${WORKSPACE}/${REPOSITORY}`);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual(calls[1]);
    expect(calls[0][0]).toMatchObject({ provider: 'app', remote: 'bitbucket' });
    expect(String(calls[0][1])).toBe(`/2.0/repositories/${WORKSPACE}/${REPOSITORY}`);
  });

  it('hands the lookup the status and Retry-After of a refusal, which it decides on', async () => {
    const refusal = async (code: number, headers: Record<string, string> = {}) => {
      status = code;
      forgeGlobal.__forge_fetch__ = async () => new Response('', { status: code, headers });
      return fetchRepositoryAsApp(WORKSPACE, REPOSITORY).then(
        () => undefined,
        (error: unknown) => error as RepositoryFetchError,
      );
    };
    expect(await refusal(404)).toMatchObject({
      status: 404,
      message: 'Bitbucket answered 404',
      retryAfterMs: undefined,
    });
    expect(await refusal(403)).toMatchObject({ status: 403 });
    expect(await refusal(429, { 'retry-after': '2' })).toMatchObject({ status: 429, retryAfterMs: 2_000 });
    expect(await refusal(503)).toBeInstanceOf(RepositoryFetchError);
  });
});
