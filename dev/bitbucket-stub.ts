/**
 * The local console's stand-in for exactly the Bitbucket REST endpoints Pipeline Guard calls, answered
 * from the fixture workspace in fixtures/bitbucket/workspace.json (3 projects, 8 repositories, 6
 * runners), so the page and the provider work offline:
 *
 *   GET /2.0/repositories/{workspace}/{repository}              the provider's repository lookup (UUID or slug)
 *   GET /2.0/repositories/{workspace}                           repositories, for the scope pickers
 *   GET /2.0/workspaces/{workspace}/projects                    projects, for the scope pickers
 *   GET /2.0/workspaces/{workspace}/pipelines-config/runners    runners, for the runner inventory
 *
 * Pages are small on purpose (STUB_PAGE_LENGTH), so the console exercises pagination the way a large
 * workspace does. `next` links name api.bitbucket.org, as Bitbucket's do. The console also serves the
 * same answers over HTTP under /__bitbucket/ for a look with curl.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RepositoryFetchError, type FetchRepository } from '../src/provider/repository-lookup';
import type { BitbucketGet, RestAnswer } from '../src/settings/bitbucket-rest';

export const STUB_FIXTURE = path.resolve(__dirname, '../fixtures/bitbucket/workspace.json');
export const STUB_PAGE_LENGTH = 5;
export const STUB_HTTP_PREFIX = '/__bitbucket';

interface Fixture {
  readonly workspace: { uuid: string; slug: string };
  readonly projects: unknown[];
  readonly repositories: Array<{ uuid: string; slug: string }>;
  readonly runners: unknown[];
}

const notFound = (message: string): RestAnswer => ({ status: 404, body: { type: 'error', error: { message } } });

export function createBitbucketStub(fixtureFile = STUB_FIXTURE) {
  const fixture = JSON.parse(readFileSync(fixtureFile, 'utf8')) as Fixture;
  const isWorkspace = (id: string) => id === fixture.workspace.uuid || id === fixture.workspace.slug;

  const page = (values: unknown[], url: URL): RestAnswer => {
    const number = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
    const length = Math.min(STUB_PAGE_LENGTH, Math.max(1, Number(url.searchParams.get('pagelen') ?? '10') || 10));
    const start = (number - 1) * length;
    const body: Record<string, unknown> = {
      pagelen: length,
      size: values.length,
      page: number,
      values: values.slice(start, start + length),
    };
    if (start + length < values.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(number + 1));
      body.next = next.toString();
    }
    return { status: 200, body };
  };

  const get: BitbucketGet = async (requestPath) => {
    const url = new URL(requestPath, 'https://api.bitbucket.org');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== '2.0') return notFound(`the console's Bitbucket stand-in does not serve ${url.pathname}`);
    const [, kind, workspace, ...rest] = parts;
    if (!workspace || !isWorkspace(workspace)) return notFound(`no workspace ${workspace ?? ''}`);
    if (kind === 'repositories' && rest.length === 0) return page(fixture.repositories, url);
    if (kind === 'repositories' && rest.length === 1) {
      const repository = fixture.repositories.find((r) => r.uuid === rest[0] || r.slug === rest[0]);
      return repository
        ? { status: 200, body: repository }
        : notFound(`no repository ${rest[0]} in ${fixture.workspace.slug}`);
    }
    if (kind === 'workspaces' && rest.join('/') === 'projects') return page(fixture.projects, url);
    if (kind === 'workspaces' && rest.join('/') === 'pipelines-config/runners') return page(fixture.runners, url);
    return notFound(`the console's Bitbucket stand-in does not serve ${url.pathname}`);
  };

  /** The provider's repository lookup over the stand-in: like src/forge/repository-lookup.ts, an HTTP error rejects. */
  const fetchRepository: FetchRepository = async (workspace, repository) => {
    const answer = await get(`/2.0/repositories/${workspace}/${repository}`);
    if (answer.status !== 200)
      throw new RepositoryFetchError(
        `Bitbucket answered ${answer.status} ` +
          `(the console's stand-in knows only the repositories of ${path.relative(process.cwd(), fixtureFile)})`,
        answer.status,
      );
    return answer.body;
  };

  const repositoryUuids = fixture.repositories.map((r) => r.uuid);
  return { get, fetchRepository, workspace: fixture.workspace, repositoryUuids };
}

export type BitbucketStub = ReturnType<typeof createBitbucketStub>;
