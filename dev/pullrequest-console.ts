/**
 * The console's pull request: repository acme/website (from the fixture workspace) with main at one commit and
 * pull request #1 from feature/tools, plus an exporting repository shared-pipelines, answered by the stand-in in
 * dev/pullrequest-stub.ts. The merge check, the panel and the file viewer run on it through their real handlers;
 * the context each page gets is the console's, as Forge's would be, never taken from a request body.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createMergeCheck } from '../src/prcheck/check';
import { createViewHandlers, VIEW_FUNCTIONS, type ViewHandlers } from '../src/prcheck/views';
import type { RepositoryLookup } from '../src/provider/repository-lookup';
import type { KeyValueStore } from '../src/storage/kv';
import { createPullRequestStub } from './pullrequest-stub';

const FIXTURES = path.resolve(__dirname, '../fixtures/pullrequest');
const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

export const CONSOLE_PR = {
  workspace: '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}',
  repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  id: 1,
  mainCommit: '5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f',
  sourceCommit: '7a9c2b4d6e8f5e1f0c3a9b7d2e4f6a8c0b1d3e5f',
} as const;

export function createPullRequestConsole(
  kv: KeyValueStore,
  repositories: RepositoryLookup,
  log: (message: string) => void,
) {
  const stub = createPullRequestStub({
    workspace: CONSOLE_PR.workspace,
    repositories: [
      {
        uuid: CONSOLE_PR.repository,
        slug: 'website',
        fullName: 'acme/website',
        project: 'WEB',
        commits: {
          [CONSOLE_PR.mainCommit]: { 'bitbucket-pipelines.yml': read('main.yml') },
          [CONSOLE_PR.sourceCommit]: { 'bitbucket-pipelines.yml': read('newly-blocks-main.yml') },
        },
        refs: { main: CONSOLE_PR.mainCommit, 'feature/tools': CONSOLE_PR.sourceCommit },
      },
      {
        uuid: '{b2c3d4e5-0009-4a00-8000-00000000b009}',
        slug: 'shared-pipelines',
        commits: {
          '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d': {
            'bitbucket-pipelines.yml': read('shared-pipelines.yml'),
            'ci/standard.yml': read('shared-standard.yml'),
          },
        },
        refs: { main: '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d', v2: '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d' },
      },
    ],
    pullRequests: [
      {
        id: CONSOLE_PR.id,
        title: 'Install the build tools',
        repository: CONSOLE_PR.repository,
        source: { branch: 'feature/tools', commit: CONSOLE_PR.sourceCommit },
        destination: { branch: 'main', commit: CONSOLE_PR.mainCommit },
      },
    ],
  });
  const check = createMergeCheck({ kv, bitbucket: stub.request, repositories, log });
  const views: ViewHandlers = createViewHandlers({
    kv,
    bitbucket: stub.request,
    canRead: async () => true,
    repositories,
    log,
  });
  const contexts = {
    panel: {
      workspaceId: CONSOLE_PR.workspace,
      accountId: 'console-admin',
      extension: {
        type: 'bitbucket:repoPullRequestOverviewPanel',
        repository: { uuid: CONSOLE_PR.repository },
        pullRequest: { id: CONSOLE_PR.id },
      },
    },
    file: {
      workspaceId: CONSOLE_PR.workspace,
      accountId: 'console-admin',
      extension: {
        type: 'bitbucket:repoCodeFileViewer',
        repository: { uuid: CONSOLE_PR.repository },
        file: { path: 'bitbucket-pipelines.yml' },
        commit: { hash: CONSOLE_PR.sourceCommit },
      },
    },
  } as const;
  return {
    stub,
    /** The merge check on the console's pull request, as Bitbucket would call it. */
    runCheck: (trigger: 'on-code-pushed' | 'on-merge') =>
      check({
        workspace: { uuid: CONSOLE_PR.workspace },
        repository: { uuid: CONSOLE_PR.repository },
        pullrequest: { id: CONSOLE_PR.id },
        trigger: { type: trigger },
      }),
    invoke(view: 'panel' | 'file', key: string, payload: unknown) {
      if (!(VIEW_FUNCTIONS as readonly string[]).includes(key)) return undefined;
      return views[key as (typeof VIEW_FUNCTIONS)[number]](contexts[view], payload);
    },
  };
}
