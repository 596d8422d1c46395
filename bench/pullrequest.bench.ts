/**
 * `npx tsx bench/pullrequest.bench.ts` (`-- --json` for one JSON object): the merge check against the
 * Bitbucket stand-in answering every call after 100 ms, as Bitbucket might from a Forge function. For an
 * unchanged pipeline file, a changed one and one with two imports from another repository: p95 of
 * `on-code-pushed` (each push a new source commit) and of `on-merge` (from the cache, except for the imports
 * from another repository's branch, which a merge reads afresh), and Bitbucket calls per push. Then Forge's
 * bundler settings build every function entry (bench/forge-build.ts), so the check's and the views' bundles
 * are weighed beside the provider's. A benchmark, not a test: it asserts nothing.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { createPullRequestStub } from '../dev/pullrequest-stub';
import { createMergeCheck } from '../src/prcheck/check';
import { POLICY_KEY } from '../src/storage/keys';
import { createMemoryKv } from '../src/storage/memory-kv';
import { parseYaml } from '../src/yaml/document';
import { forgeBuild } from './forge-build';

const ROOT = path.resolve(__dirname, '..');
const JSON_OUTPUT = process.argv.includes('--json');
const LATENCY_MS = 100;
const PUSHES = 20;
const fixture = (name: string) => readFileSync(path.join(ROOT, 'fixtures/pullrequest', name), 'utf8');
const WS = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const REPO = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const MAIN = 'a'.repeat(40);

const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)];
const commitOf = (i: number) => i.toString(16).padStart(8, '0').repeat(5);

interface Case {
  readonly name: string;
  /** The source file of push i. */
  readonly source: (i: number) => string;
  /** Whether on-merge may answer from the cache: not when an import from another repository's branch was read. */
  readonly mergeCached: boolean;
}

const CASES: Case[] = [
  { name: 'unchanged file', source: () => fixture('main.yml'), mergeCached: true },
  // Each push changes the file again, so nothing of the source side can come from a cache.
  { name: 'changed file', source: (i) => `${fixture('newly-blocks-main.yml')}\n# push ${i}\n`, mergeCached: true },
  { name: 'file with two imports', source: (i) => `${fixture('with-imports.yml')}\n# push ${i}\n`, mergeCached: false },
];

async function runCase(entry: Case) {
  const stub = createPullRequestStub({
    workspace: WS,
    latencyMs: LATENCY_MS,
    repositories: [
      {
        uuid: REPO,
        slug: 'website',
        commits: { [MAIN]: { 'bitbucket-pipelines.yml': fixture('main.yml') } },
        refs: { main: MAIN },
      },
      {
        uuid: '{b2c3d4e5-0009-4a00-8000-00000000b009}',
        slug: 'shared-pipelines',
        commits: {
          ['c'.repeat(40)]: {
            'bitbucket-pipelines.yml': fixture('shared-pipelines.yml'),
            'ci/standard.yml': fixture('shared-standard.yml'),
          },
        },
        refs: { main: 'c'.repeat(40), v2: 'c'.repeat(40) },
      },
    ],
    pullRequests: [
      {
        id: 1,
        title: 'bench',
        repository: REPO,
        source: { branch: 'feature/x', commit: MAIN },
        destination: { branch: 'main', commit: MAIN },
      },
    ],
  });
  const kv = createMemoryKv();
  const policy = parseYaml(readFileSync(path.join(ROOT, 'examples/policy.yaml'), 'utf8')).value;
  await kv.set(POLICY_KEY, { revision: 1, policy, savedAt: '2026-12-01T00:00:00.000Z', savedBy: 'bench' });
  const check = createMergeCheck({ kv, bitbucket: stub.request, log: () => undefined });
  const event = (type: string) => ({
    workspace: { uuid: WS },
    repository: { uuid: REPO },
    pullrequest: { id: 1 },
    trigger: { type },
  });
  const pushed: number[] = [];
  const merged: number[] = [];
  const calls: number[] = [];
  const mergeCalls: number[] = [];
  for (let i = 1; i <= PUSHES; i++) {
    const commit = commitOf(i);
    stub.commit(REPO, commit, { 'bitbucket-pipelines.yml': entry.source(i) }, 'feature/x');
    stub.push(REPO, 1, commit);
    let start = performance.now();
    const answer = await check(event('on-code-pushed'));
    pushed.push(performance.now() - start);
    calls.push(answer.calls);
    start = performance.now();
    const merge = await check(event('on-merge'));
    merged.push(performance.now() - start);
    mergeCalls.push(merge.calls);
    if (merge.cached !== entry.mergeCached)
      throw new Error(`${entry.name}: on-merge ${merge.cached ? 'answered from' : 'missed'} the cache`);
  }
  // The first push also reads the destination's file (and the imports); later pushes find them cached.
  return {
    case: entry.name,
    pushP95Ms: Math.round(p95(pushed)),
    mergeP95Ms: Math.round(p95(merged)),
    callsFirstPush: calls[0],
    callsPerPush: calls.slice(1).reduce((a, b) => a + b, 0) / (calls.length - 1),
    callsPerMerge: mergeCalls.reduce((a, b) => a + b, 0) / mergeCalls.length,
  };
}

async function main() {
  const results = [];
  for (const entry of CASES) results.push(await runCase(entry));
  const built = await forgeBuild(['index', 'pullrequests', 'resolver', 'triggers']);
  const bundles = Object.fromEntries(built.map((entry) => [entry.name, entry.bytes]));
  if (JSON_OUTPUT) {
    console.log(JSON.stringify({ latencyMs: LATENCY_MS, pushes: PUSHES, results, forgeBundleBytes: bundles }, null, 2));
    return;
  }
  console.log(
    `Merge check against a Bitbucket stand-in answering in ${LATENCY_MS} ms, ${PUSHES} pushes each ` +
      '(each push: on-code-pushed, then on-merge):',
  );
  console.log(
    'case                    on-code-pushed p95   on-merge p95           ' +
      'calls, first push   calls per push   calls per merge',
  );
  for (const r of results)
    console.log(
      `${r.case.padEnd(24)}${`${r.pushP95Ms} ms`.padEnd(21)}${`${r.mergeP95Ms} ms`.padEnd(23)}` +
        `${String(r.callsFirstPush).padEnd(20)}${r.callsPerPush.toFixed(1).padEnd(17)}${r.callsPerMerge.toFixed(1)}`,
    );
  console.log('\nForge-built entries (webpack, Forge settings):');
  for (const entry of built) console.log(`  ${entry.name.padEnd(14)} ${entry.bytes.toLocaleString('en')} bytes`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
