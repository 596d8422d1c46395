/**
 * A stand-in for the Bitbucket endpoints the merge check and the pull-request views call, in Bitbucket's
 * shapes: pull requests, files at a commit or ref (`src/`), Code Insights reports and annotations (recorded),
 * and the repository itself. The console, the unit tests and the bench share it; it counts every request,
 * can answer after a delay (the bench's 100 ms) and can be told to answer 429 or fail.
 *
 *   GET  /2.0/repositories/{ws}/{repo}                                   the repository
 *   GET  /2.0/repositories/{ws}/{repo}/pullrequests/{id}                 a pull request
 *   GET  /2.0/repositories/{ws}/{repo}/src/{commit|branch|tag}/{path}    a file (404 when absent)
 *   PUT  /2.0/repositories/{ws}/{repo}/commit/{commit}/reports/{id}      a Code Insights report
 *   POST /2.0/repositories/{ws}/{repo}/commit/{commit}/reports/{id}/annotations   up to 100 annotations
 */
import type { BitbucketRequest, RestRequest, RestResponse } from '../src/prcheck/rest';

export interface StubRepository {
  readonly uuid: string;
  readonly slug: string;
  readonly fullName?: string;
  readonly project?: string;
  /** commit → path → text. */
  readonly commits: Record<string, Record<string, string>>;
  /** branch or tag → commit. */
  readonly refs: Record<string, string>;
}

export interface StubPullRequest {
  readonly id: number;
  readonly title: string;
  readonly repository: string;
  readonly source: { readonly branch: string; readonly commit: string; readonly repository?: string };
  readonly destination: { readonly branch: string; readonly commit: string };
}

export interface RecordedReport {
  readonly repository: string;
  readonly commit: string;
  readonly id: string;
  report: unknown;
  annotations: unknown[];
}

export interface PullRequestStubOptions {
  readonly workspace: string;
  readonly repositories: StubRepository[];
  readonly pullRequests: StubPullRequest[];
  /** Milliseconds every answer waits (the bench's 100 ms). */
  readonly latencyMs?: number;
}

type Fault = (request: RestRequest) => RestResponse | undefined;

const json = (status: number, body: unknown): RestResponse => ({ status, text: JSON.stringify(body) });
const notFound = (message: string) => json(404, { type: 'error', error: { message } });

export function createPullRequestStub(options: PullRequestStubOptions) {
  const repositories = new Map(options.repositories.map((repository) => [repository.uuid, repository]));
  const pullRequests = new Map(options.pullRequests.map((pr) => [`${pr.repository}#${pr.id}`, pr]));
  const reports: RecordedReport[] = [];
  const log: RestRequest[] = [];
  let faults: Fault[] = [];

  const repositoryOf = (id: string) => repositories.get(id) ?? [...repositories.values()].find((r) => r.slug === id);

  const pullRequestBody = (pr: StubPullRequest) => {
    const repository = repositoryOf(pr.repository)!;
    const sourceRepository = repositoryOf(pr.source.repository ?? pr.repository)!;
    return {
      type: 'pullrequest',
      id: pr.id,
      title: pr.title,
      state: 'OPEN',
      // Bitbucket gives 12-character hashes here.
      source: {
        branch: { name: pr.source.branch },
        commit: { hash: pr.source.commit.slice(0, 12) },
        repository: { uuid: sourceRepository.uuid, full_name: sourceRepository.fullName ?? sourceRepository.slug },
      },
      destination: {
        branch: { name: pr.destination.branch },
        commit: { hash: pr.destination.commit.slice(0, 12) },
        repository: { uuid: repository.uuid, full_name: repository.fullName ?? repository.slug },
      },
    };
  };

  const fileAt = (repository: StubRepository, commitOrRef: string, path: string): string | undefined => {
    const commit =
      repository.refs[commitOrRef] ??
      Object.keys(repository.commits).find((hash) => hash.startsWith(commitOrRef) && commitOrRef.length >= 7);
    return commit === undefined ? undefined : repository.commits[commit]?.[path];
  };

  const recordReport = (
    request: RestRequest,
    repository: StubRepository,
    commit: string,
    id: string,
    annotations: boolean,
  ): RestResponse => {
    let entry = reports.find((r) => r.repository === repository.uuid && r.commit === commit && r.id === id);
    if (!annotations) {
      if (entry) Object.assign(entry, { report: request.body, annotations: [] });
      else reports.push((entry = { repository: repository.uuid, commit, id, report: request.body, annotations: [] }));
      return json(200, request.body);
    }
    if (!entry) return notFound(`no report ${id} on ${commit}`);
    const batch = Array.isArray(request.body) ? request.body : [];
    if (batch.length > 100)
      return json(400, { type: 'error', error: { message: 'at most 100 annotations per request' } });
    if (entry.annotations.length + batch.length > 1000)
      return json(400, { type: 'error', error: { message: 'at most 1000 annotations per report' } });
    entry.annotations.push(...batch);
    return json(200, { values: batch });
  };

  const answer = (request: RestRequest): RestResponse => {
    const [pathname] = request.path.split('?');
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== '2.0' || parts[1] !== 'repositories' || parts[2] !== options.workspace)
      return notFound(`the stand-in does not serve ${request.path}`);
    const repository = repositoryOf(parts[3] ?? '');
    if (!repository) return notFound(`no repository ${parts[3]}`);
    const rest = parts.slice(4);
    if (request.method === 'GET' && rest.length === 0)
      return json(200, {
        type: 'repository',
        uuid: repository.uuid,
        slug: repository.slug,
        full_name: repository.fullName ?? `acme/${repository.slug}`,
        project: repository.project ? { key: repository.project } : undefined,
      });
    if (request.method === 'GET' && rest[0] === 'pullrequests' && rest.length === 2) {
      const pr = pullRequests.get(`${repository.uuid}#${rest[1]}`);
      return pr ? json(200, pullRequestBody(pr)) : notFound(`no pull request ${rest[1]}`);
    }
    if (request.method === 'GET' && rest[0] === 'src' && rest.length >= 3) {
      const text = fileAt(repository, rest[1], rest.slice(2).join('/'));
      return text === undefined ? notFound(`no file ${rest.slice(2).join('/')} at ${rest[1]}`) : { status: 200, text };
    }
    if (rest[0] === 'commit' && rest[2] === 'reports' && rest.length === 4 && request.method === 'PUT')
      return recordReport(request, repository, rest[1], rest[3], false);
    if (rest[0] === 'commit' && rest[2] === 'reports' && rest[4] === 'annotations' && request.method === 'POST')
      return recordReport(request, repository, rest[1], rest[3], true);
    return notFound(`the stand-in does not serve ${request.method} ${request.path}`);
  };

  const request: BitbucketRequest = async (req) => {
    log.push(req);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    for (const fault of faults) {
      const injected = fault(req);
      if (injected) return injected;
    }
    return answer(req);
  };

  return {
    request,
    reports,
    /** Every request so far, in order. */
    requests: log,
    /** Adds a file at a new commit of `repository` (and moves `branch` there); returns the commit. */
    commit(repositoryUuid: string, commit: string, files: Record<string, string>, branch?: string) {
      const repository = repositoryOf(repositoryUuid)!;
      repository.commits[commit] = files;
      if (branch) repository.refs[branch] = commit;
      return commit;
    },
    /** Points the pull request's source at another commit (a push to its branch). */
    push(repositoryUuid: string, id: number, commit: string) {
      const key = `${repositoryOf(repositoryUuid)!.uuid}#${id}`;
      const pr = pullRequests.get(key)!;
      pullRequests.set(key, { ...pr, source: { ...pr.source, commit } });
    },
    addPullRequest(pr: StubPullRequest) {
      pullRequests.set(`${repositoryOf(pr.repository)!.uuid}#${pr.id}`, pr);
    },
    /** Answers matching requests with the fault's response instead (a 429, a 500, …) until cleared. */
    inject(fault: Fault) {
      faults.push(fault);
    },
    clearFaults() {
      faults = [];
    },
  };
}

export type PullRequestStub = ReturnType<typeof createPullRequestStub>;
