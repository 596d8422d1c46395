/**
 * A workspace with one repository, a pull request feature/x → main, a shared-pipelines repository and the example
 * policy.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { createPullRequestStub } from '../../dev/pullrequest-stub';
import { POLICY_KEY } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { parseYaml } from '../../src/yaml/document';
import { fixture } from '../pullrequest/support';

export const WS = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
export const REPO = '{0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9}';
export const SHARED = '{1c2d3e4f-5061-4728-93a4-b5c6d7e8f9a0}';
export const MAIN_COMMIT = 'a'.repeat(40);
export const PR_COMMIT = 'b'.repeat(40);

export const examplePolicy = () =>
  parseYaml(readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8')).value as Record<
    string,
    unknown
  >;

export function storedPolicy(policy: Record<string, unknown> = examplePolicy(), revision = 3) {
  return { revision, policy, savedAt: '2026-12-01T00:00:00.000Z', savedBy: '{c0ffee00-1234-4abc-9def-0123456789ab}' };
}

/** The destination has `destination` on main; the pull request's source commit has `source`. */
export function setup(
  source: string | undefined,
  destination: string | undefined,
  options: { latencyMs?: number; extraSource?: Record<string, string> } = {},
) {
  const file = (name: string | undefined): Record<string, string> =>
    name === undefined ? {} : { 'bitbucket-pipelines.yml': fixture(name) };
  const stub = createPullRequestStub({
    workspace: WS,
    latencyMs: options.latencyMs,
    repositories: [
      {
        uuid: REPO,
        slug: 'website',
        fullName: 'acme/website',
        project: 'WEB',
        commits: { [MAIN_COMMIT]: file(destination), [PR_COMMIT]: { ...file(source), ...options.extraSource } },
        refs: { main: MAIN_COMMIT, 'feature/x': PR_COMMIT },
      },
      {
        uuid: SHARED,
        slug: 'shared-pipelines',
        commits: {
          ['c'.repeat(40)]: { 'bitbucket-pipelines.yml': fixture('shared-pipelines.yml') },
          ['d'.repeat(40)]: { 'ci/standard.yml': fixture('shared-standard.yml') },
        },
        refs: { v2: 'c'.repeat(40), main: 'd'.repeat(40) },
      },
    ],
    pullRequests: [
      {
        id: 7,
        title: 'Add tools',
        repository: REPO,
        source: { branch: 'feature/x', commit: PR_COMMIT },
        destination: { branch: 'main', commit: MAIN_COMMIT },
      },
    ],
  });
  const kv = createMemoryKv();
  return { stub, kv };
}

export async function savePolicy(
  kv: ReturnType<typeof createMemoryKv>,
  policy?: Record<string, unknown>,
  revision?: number,
) {
  await kv.set(POLICY_KEY, storedPolicy(policy, revision));
}

export const pushEvent = {
  workspace: { uuid: WS },
  repository: { uuid: REPO },
  pullrequest: { id: 7 },
  trigger: { type: 'on-code-pushed' },
};
export const mergeEvent = {
  ...pushEvent,
  trigger: { type: 'on-merge' },
  mergeProperties: { mergeStrategy: 'merge_commit' },
};
