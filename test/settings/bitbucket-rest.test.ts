import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BitbucketRestError,
  createBitbucketListings,
  MAX_PAGES,
  nextPath,
  PATHS,
  type BitbucketGet,
  type RestAnswer,
} from '../../src/settings/bitbucket-rest';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const fixture = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../fixtures/bitbucket/workspace.json'), 'utf8'),
) as { projects: unknown[]; repositories: unknown[]; runners: unknown[] };

/** Answers one path per call from a script, and records what was asked. */
function scripted(answers: Record<string, RestAnswer>) {
  const asked: string[] = [];
  const get: BitbucketGet = async (p) => {
    asked.push(p);
    const answer = answers[p];
    if (!answer) throw new Error(`unexpected request ${p}`);
    return answer;
  };
  return { get, asked };
}

const page = (values: unknown[], next?: string): RestAnswer => ({
  status: 200,
  body: { values, ...(next ? { next } : {}) },
});

describe('Bitbucket listings', () => {
  it('asks for the context workspace’s projects, repositories and runners at the documented endpoints', () => {
    expect(PATHS.projects(WORKSPACE)).toBe(`/2.0/workspaces/${WORKSPACE}/projects?pagelen=100`);
    expect(PATHS.repositories(WORKSPACE)).toBe(`/2.0/repositories/${WORKSPACE}?pagelen=100`);
    expect(PATHS.runners(WORKSPACE)).toBe(`/2.0/workspaces/${WORKSPACE}/pipelines-config/runners?pagelen=100`);
  });

  it.each(['acme/other', '../x', 'a?b=1', 'ws%2F', ''])(
    'refuses %j as a workspace, so no id can change the endpoint',
    (workspace) => {
      expect(() => PATHS.projects(workspace)).toThrow(BitbucketRestError);
    },
  );

  it('follows `next` across pages and keeps every item', async () => {
    const first = PATHS.repositories(WORKSPACE);
    const second = `/2.0/repositories/${WORKSPACE}?pagelen=100&page=2`;
    const { get, asked } = scripted({
      [first]: page(fixture.repositories.slice(0, 5), `https://api.bitbucket.org${second}`),
      [second]: page(fixture.repositories.slice(5)),
    });
    const listing = await createBitbucketListings(get, WORKSPACE).repositories();
    expect(asked).toEqual([first, second]);
    expect(listing.truncated).toBe(false);
    expect(listing.items.map((r) => r.slug)).toEqual([
      'payments-api',
      'payments-sandbox',
      'payments-web',
      'search-api',
      'search-indexer',
      'shared-libs',
      'web-shop',
      'website',
    ]);
    expect(listing.items.find((r) => r.slug === 'website')).toEqual({
      uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
      slug: 'website',
      fullName: 'acme/website',
      name: 'website',
      projectKey: 'WEB',
    });
  });

  it('derives the slug from full_name when the answer has none, and keeps a repository without a project', async () => {
    const { get } = scripted({
      [PATHS.repositories(WORKSPACE)]: page([
        { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77939}', full_name: 'acme/legacy-tool' },
      ]),
    });
    const [repository] = (await createBitbucketListings(get, WORKSPACE).repositories()).items;
    expect(repository).toEqual({
      uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77939}',
      slug: 'legacy-tool',
      fullName: 'acme/legacy-tool',
      name: 'legacy-tool',
    });
  });

  it('reads runner labels given as strings and as {name} objects, lower-cased and without duplicates', async () => {
    const { get } = scripted({
      [PATHS.runners(WORKSPACE)]: page([
        { uuid: '{r1}', name: 'a', labels: ['self.hosted', 'Linux', 'linux'], state: { status: 'ONLINE' } },
        {
          uuid: '{r2}',
          name: 'b',
          labels: [{ name: 'self.hosted' }, { name: 'dev' }],
          state: { status: 'offline', cordoned: true },
        },
        { uuid: '{r3}', name: 'c', state: { status: 'SOMETHING_NEW' } },
      ]),
    });
    const { items } = await createBitbucketListings(get, WORKSPACE).runners();
    expect(items).toEqual([
      { uuid: '{r1}', name: 'a', labels: ['self.hosted', 'linux'], status: 'ONLINE', cordoned: false },
      { uuid: '{r2}', name: 'b', labels: ['self.hosted', 'dev'], status: 'OFFLINE', cordoned: true },
      { uuid: '{r3}', name: 'c', labels: [], status: 'UNKNOWN', cordoned: false },
    ]);
  });

  it('lists the projects sorted by key', async () => {
    const { get } = scripted({ [PATHS.projects(WORKSPACE)]: page(fixture.projects) });
    expect((await createBitbucketListings(get, WORKSPACE).projects()).items).toEqual([
      { key: 'PAY', name: 'Payments' },
      { key: 'SRCH', name: 'Search' },
      { key: 'WEB', name: 'Web' },
    ]);
  });

  describe('refuses answers it cannot trust, with a message for the admin', () => {
    const runnersOf = async (answer: RestAnswer) =>
      createBitbucketListings(scripted({ [PATHS.runners(WORKSPACE)]: answer }).get, WORKSPACE).runners();

    it.each([
      ['no values', { status: 200, body: { size: 3 } }, /unexpected shape \(values: /],
      ['an HTML error page', { status: 200, body: '<html>oops</html>' }, /unexpected shape/],
      [
        'a runner without a uuid',
        { status: 200, body: { values: [{ name: 'x', labels: [] }] } },
        /unexpected shape \(values\.0\.uuid/,
      ],
      [
        'a label that is a number',
        { status: 200, body: { values: [{ uuid: '{r}', name: 'x', labels: [7] }] } },
        /unexpected shape \(values\.0\.labels\.0/,
      ],
      [
        'a label object without a name',
        { status: 200, body: { values: [{ uuid: '{r}', name: 'x', labels: [{ id: 1 }] }] } },
        /unexpected shape/,
      ],
    ])('%s', async (_name, answer, message) => {
      await expect(runnersOf(answer)).rejects.toThrow(message);
    });

    it.each([
      [403, /refused to list the workspace’s runners \(HTTP 403\).*read:runner:bitbucket/],
      [401, /HTTP 401/],
      [404, /does not know the workspace’s runners/],
      [429, /rate-limiting/],
      [500, /HTTP 500/],
    ])('HTTP %i', async (status, message) => {
      await expect(runnersOf({ status, body: { type: 'error' } })).rejects.toThrow(message);
    });

    it('a repository whose full_name is not workspace/slug', async () => {
      const { get } = scripted({
        [PATHS.repositories(WORKSPACE)]: page([
          { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77939}', full_name: 'no-slash' },
        ]),
      });
      await expect(createBitbucketListings(get, WORKSPACE).repositories()).rejects.toThrow(
        /full_name: not workspace\/repository/,
      );
    });
  });

  describe('pagination stays on the endpoint first asked', () => {
    const first = PATHS.projects(WORKSPACE);
    it.each([
      ['another host', 'https://evil.example/2.0/workspaces/x/projects?page=2'],
      ['plain http', `http://api.bitbucket.org/2.0/workspaces/${WORKSPACE}/projects?page=2`],
      ['another endpoint', `https://api.bitbucket.org/2.0/workspaces/${WORKSPACE}/permissions?page=2`],
      ['credentials in the link', `https://user:pw@api.bitbucket.org/2.0/workspaces/${WORKSPACE}/projects?page=2`],
      ['not a URL', 'page=2'],
    ])('refuses a next link to %s', async (_name, next) => {
      expect(nextPath(next, first)).toBeUndefined();
      const { get, asked } = scripted({ [first]: page([], next) });
      await expect(createBitbucketListings(get, WORKSPACE).projects()).rejects.toThrow(/does not follow it/);
      expect(asked).toEqual([first]);
    });

    it('stops on a page that links back to itself', async () => {
      const { get } = scripted({ [first]: page([], `https://api.bitbucket.org${first}`) });
      await expect(createBitbucketListings(get, WORKSPACE).projects()).rejects.toThrow(
        /link back to a page already read/,
      );
    });

    it(`stops after ${MAX_PAGES} pages and says the listing is partial`, async () => {
      let asked = 0;
      const get: BitbucketGet = async () => {
        asked++;
        return page(
          [{ key: `K${asked}`, name: 'n' }],
          `https://api.bitbucket.org/2.0/workspaces/${WORKSPACE}/projects?pagelen=100&page=${asked + 1}`,
        );
      };
      const listing = await createBitbucketListings(get, WORKSPACE).projects();
      expect(asked).toBe(MAX_PAGES);
      expect(listing.items).toHaveLength(MAX_PAGES);
      expect(listing.truncated).toBe(true);
    });
  });
});
