/**
 * A stand-in for the few Bitbucket REST endpoints policy as code calls as the app, over an in-memory
 * history of commits, for the local console and the tests:
 *
 *   GET  /2.0/repositories/{workspace}/{repository}/refs/branches/{branch}        the branch head
 *   GET  /2.0/repositories/{workspace}/{repository}/src/{commit}/{path}           a file at a commit (raw text)
 *   POST /2.0/repositories/{workspace}/{repository}/commit/{commit}/statuses/build a build status
 *
 * `push` makes a commit on a branch (files merged over its parent's; `null` deletes one) and returns
 * the `avi:bitbucket:push:repository` event Forge would deliver for it (platform-apis.md §2.1).
 * `failures` makes an endpoint answer an error, to try what a Bitbucket fault does.
 */
import { createHash } from 'node:crypto';
import type { AppRestAnswer, BitbucketAppRequest } from '../src/settings/policy-sync';

interface Commit {
  readonly hash: string;
  readonly files: Readonly<Record<string, string>>;
  readonly message: string;
  readonly author: string;
  readonly date: string;
}

export interface PushInput {
  readonly repository: string;
  readonly branch: string;
  readonly files: Readonly<Record<string, string | null>>;
  readonly message?: string;
  readonly author?: string;
  readonly date?: string;
}

export interface PolicyRepoStubOptions {
  readonly workspace: string;
  /** Repository UUIDs (with braces) the stub holds. */
  readonly repositories: readonly string[];
}

const text = (status: number, body: string): AppRestAnswer => ({ status, text: body });
const json = (status: number, body: unknown): AppRestAnswer => ({ status, text: JSON.stringify(body) });

interface StubState {
  readonly workspace: string;
  readonly commits: Map<string, Commit>;
  readonly branches: Map<string, string>;
  readonly statuses: Array<{ repository: string; hash: string; body: unknown }>;
  readonly requests: string[];
  readonly failures: Map<string, number>;
  key(repository: string, branch: string): string;
  knows(repository: string): boolean;
}

async function answer(
  state: StubState,
  path: string,
  init?: { method: 'GET' | 'POST'; body?: unknown },
): Promise<AppRestAnswer> {
  state.requests.push(`${init?.method ?? 'GET'} ${path}`);
  for (const [fragment, status] of state.failures)
    if (path.includes(fragment)) return json(status, { type: 'error', error: { message: 'stub failure' } });
  const match = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/(.*)$/.exec(path);
  if (!match) return json(404, { type: 'error', error: { message: `the stub does not serve ${path}` } });
  const [, workspace, repository, rest] = match.map((part, index) =>
    index > 0 && index < 3 ? decodeURIComponent(part) : part,
  );
  if (workspace.toLowerCase() !== state.workspace.toLowerCase() || !state.knows(repository))
    return json(404, { type: 'error', error: { message: 'no such repository' } });
  const branch = /^refs\/branches\/(.+)$/.exec(rest);
  if (branch && (init?.method ?? 'GET') === 'GET') {
    const hash = state.branches.get(state.key(repository, decodeURIComponent(branch[1])));
    const commit = hash ? state.commits.get(hash) : undefined;
    if (!commit) return json(404, { type: 'error', error: { message: 'no such branch' } });
    return json(200, {
      name: decodeURIComponent(branch[1]),
      target: { hash, message: commit.message, date: commit.date, author: { raw: commit.author } },
    });
  }
  const file = /^src\/([0-9a-f]+)\/(.+)$/.exec(rest);
  if (file) {
    const content = state.commits.get(file[1])?.files[file[2].split('/').map(decodeURIComponent).join('/')];
    return content === undefined
      ? json(404, { type: 'error', error: { message: 'no such file' } })
      : text(200, content);
  }
  const status = /^commit\/([0-9a-f]+)\/statuses\/build$/.exec(rest);
  if (status && init?.method === 'POST') {
    state.statuses.push({ repository, hash: status[1], body: init.body });
    return json(201, init.body);
  }
  return json(404, { type: 'error', error: { message: `the stub does not serve ${path}` } });
}

export function createPolicyRepoStub(options: PolicyRepoStubOptions) {
  const commits = new Map<string, Commit>();
  const branches = new Map<string, string>();
  const statuses: Array<{ repository: string; hash: string; body: unknown }> = [];
  const requests: string[] = [];
  /** Path fragment → HTTP status to answer instead (e.g. `{ '/src/': 500 }`). */
  const failures = new Map<string, number>();
  let counter = 0;
  const key = (repository: string, branch: string) => `${repository.toLowerCase()}|${branch}`;
  const knows = (repository: string) => options.repositories.some((r) => r.toLowerCase() === repository.toLowerCase());

  const push = (input: PushInput) => {
    if (!knows(input.repository)) throw new Error(`the stub holds no repository ${input.repository}`);
    const parentHash = branches.get(key(input.repository, input.branch));
    const files: Record<string, string> = { ...(parentHash ? commits.get(parentHash)?.files : {}) };
    for (const [path, content] of Object.entries(input.files)) {
      if (content === null) delete files[path];
      else files[path] = content;
    }
    const hash = createHash('sha1')
      .update(`${parentHash ?? ''}\n${++counter}\n${JSON.stringify(files)}\n${input.message ?? ''}`)
      .digest('hex');
    const commit: Commit = {
      hash,
      files,
      message: input.message ?? 'Update the policy',
      author: input.author ?? 'Console Admin <admin@example.com>',
      date: input.date ?? new Date().toISOString(),
    };
    commits.set(hash, commit);
    branches.set(key(input.repository, input.branch), hash);
    const event = {
      eventType: 'avi:bitbucket:push:repository',
      selfGenerated: false,
      actor: { type: 'user', accountId: 'console-admin' },
      repository: { uuid: input.repository },
      workspace: { uuid: options.workspace },
      push: {
        ref: { name: input.branch, type: 'branch' },
        before: parentHash,
        after: hash,
        created: parentHash === undefined,
        closed: false,
        forced: false,
        truncated: false,
        commits: [
          {
            hash,
            message: { value: commit.message, truncated: false },
            date: commit.date,
            author: { user: { accountId: 'console-admin' } },
          },
        ],
      },
    };
    return { hash, event };
  };

  const state = { workspace: options.workspace, commits, branches, statuses, requests, failures, key, knows };
  const request: BitbucketAppRequest = (path, init) => answer(state, path, init);

  return {
    push,
    request,
    statuses,
    requests,
    failures,
    head: (repository: string, branch: string) => branches.get(key(repository, branch)),
  };
}

export type PolicyRepoStub = ReturnType<typeof createPolicyRepoStub>;
