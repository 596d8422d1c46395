const mockRequestBitbucket = jest.fn();
const mockAsApp = jest.fn();

jest.mock('@forge/api', () => {
  const actual = jest.requireActual('@forge/api');
  const api = { asUser: () => ({ requestBitbucket: mockRequestBitbucket }), asApp: mockAsApp };
  return { __esModule: true, ...actual, default: api };
});

import { bitbucketGetAsUser } from '../../src/forge/bitbucket-get';
import { createBitbucketListings, PATHS } from '../../src/settings/bitbucket-rest';

const WORKSPACE = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const respond = (status: number, text: string) =>
  mockRequestBitbucket.mockResolvedValueOnce({ ok: status < 300, status, text: async () => text });

describe('Bitbucket listings through Forge', () => {
  beforeEach(() => mockRequestBitbucket.mockReset());

  it('asks as the user, at exactly the path the listing built, and follows the next page', async () => {
    respond(
      200,
      JSON.stringify({
        values: [{ key: 'PAY', name: 'Payments' }],
        next: `https://api.bitbucket.org/2.0/workspaces/${WORKSPACE}/projects?pagelen=100&page=2`,
      }),
    );
    respond(200, JSON.stringify({ values: [{ key: 'OPS', name: 'Operations' }] }));
    const listing = await createBitbucketListings(bitbucketGetAsUser, WORKSPACE).projects();
    expect(listing.items.map((p) => p.key)).toEqual(['OPS', 'PAY']);
    expect(mockRequestBitbucket.mock.calls.map(([route]) => route.value)).toEqual([
      PATHS.projects(WORKSPACE),
      `/2.0/workspaces/${WORKSPACE}/projects?pagelen=100&page=2`,
    ]);
    expect(mockAsApp).not.toHaveBeenCalled();
  });

  it('hands a body that is not JSON to the validation, which refuses it', async () => {
    respond(200, '<html>maintenance</html>');
    await expect(createBitbucketListings(bitbucketGetAsUser, WORKSPACE).runners()).rejects.toThrow(/unexpected shape/);
  });

  it('passes the status of a refusal on', async () => {
    respond(403, '');
    expect(await bitbucketGetAsUser(PATHS.runners(WORKSPACE))).toEqual({ status: 403, body: undefined });
  });
});
