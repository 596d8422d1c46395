/**
 * The provider's Bitbucket call (src/forge/bitbucket-as-app.ts) against @forge/api's own
 * `api.asApp().requestBitbucket`, both over the same stand-in of the proxy Forge's runtime installs:
 * the same request, the same response, the same errors for the proxy's faults.
 */
import api, { assumeTrustedRoute, route } from '@forge/api';
import { requestBitbucketAsApp } from '../../src/forge/bitbucket-as-app';

type Call = [Record<string, unknown>, unknown, unknown];
const forgeGlobal = global as unknown as {
  __forge_fetch__?: (target: Record<string, unknown>, path: unknown, init?: unknown) => Promise<Response>;
};

async function outcome(
  call: () => Promise<{ status: number; text(): Promise<string> }>,
  respond: () => Response,
): Promise<{ calls: Call[]; result: unknown }> {
  const calls: Call[] = [];
  forgeGlobal.__forge_fetch__ = async (target, path, init) => (calls.push([target, path, init]), respond());
  try {
    const response = await call();
    return { calls, result: { status: response.status, body: await response.text() } };
  } catch (error) {
    return {
      calls,
      result: {
        error: (error as Error).constructor.name,
        message: (error as Error).message,
        fields: { ...(error as object) },
      },
    };
  }
}

const WORKSPACE_UUID = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const REPOSITORY_UUID = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const PATH = route`/2.0/repositories/${WORKSPACE_UUID}/${REPOSITORY_UUID}`;
const RESPONSES: Array<[string, () => Response]> = [
  ['an answer', () => new Response('{"slug":"website"}', { status: 200 })],
  ['a refusal', () => new Response('', { status: 403 })],
  [
    'a proxy fault',
    () => new Response('', { status: 502, headers: { 'forge-proxy-error': 'REQUEST_EGRESS_ALLOWLIST_ERR' } }),
  ],
  [
    'a proxy asking for authentication',
    () => new Response('', { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } }),
  ],
];

describe('requestBitbucketAsApp', () => {
  afterAll(() => delete forgeGlobal.__forge_fetch__);

  it.each(RESPONSES)('%s: the same request and outcome as api.asApp().requestBitbucket', async (_name, respond) => {
    const init = { headers: { accept: 'application/json' } };
    const ours = await outcome(() => requestBitbucketAsApp(PATH, init), respond);
    const theirs = await outcome(() => api.asApp().requestBitbucket(PATH, init), respond);
    expect(ours.calls).toHaveLength(1);
    expect(ours).toEqual(theirs);
  });

  it('takes only a route built with route`…`, as the package does', async () => {
    await expect(requestBitbucketAsApp('/2.0/user' as never)).rejects.toThrow(
      /must create your route using the 'route' export/,
    );
    await expect(
      outcome(() => requestBitbucketAsApp(assumeTrustedRoute('/2.0/user')), RESPONSES[0][1]),
    ).resolves.toMatchObject({ result: { status: 200 } });
  });
});
