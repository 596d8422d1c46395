/**
 * `npm run bench` (table) or `npm run bench -- --json` (one JSON object): the provider function
 * in-process, built the way `forge deploy` builds it (webpack with Forge's settings, bench/forge-build.ts),
 * on the fixtures and on synthetic 100- and 1,000-step pipelines, each against one structuredClone
 * of the same request measured in the same loop (the floor for any provider that returns a
 * rewritten copy); then cold start: the Forge-built entry's size and the time a fresh Node process
 * takes to require it, beside the same entry minified by esbuild for comparison; then the CLI's
 * start (`pipeline-guard --help`, built as `npm run build` builds it). A benchmark, not a test: it
 * reports, it asserts nothing except the targets it prints as met or missed.
 */
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'fs';
import { builtinModules } from 'module';
import os from 'os';
import path from 'path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { createProvider, PolicyStore } from '../src/provider/handler';
import type { createCachedRepositoryLookup } from '../src/provider/repository-lookup';
import type { DecisionSink } from '../src/storage/decision-record';
import type { JsonObject } from '../src/engine/types';
import type { ProviderResponse } from '../src/engine/request';
import { parseYaml } from '../src/yaml/document';
import { buildCli } from '../scripts/build-cli';
import { coldLoadMs, forgeBuild, type ForgeBuiltEntry } from './forge-build';
import { configFor, referencePolicyInput, request, step, T } from '../test/adversarial/harness';
import { createMemoryKv } from '../src/storage/memory-kv';
import { policyInputFrom } from '../test/support/requests';

const ROOT = path.resolve(__dirname, '..');
const JSON_OUTPUT = process.argv.includes('--json');
/** `--cross-check`: also run ../shared/tools/forge-built-size (Forge's own bundler package) and compare. */
const CROSS_CHECK = process.argv.includes('--cross-check');
const TARGETS = { ratio100: 2, forgeBundleBytes: 300_000, forgeLoadMs: 25, cliStartMs: 150, scopedRatio: 1.5 };
const AIMS = { forgeBundleBytes: 150 * 1024, forgeLoadMs: 15 };

// ---- inputs ----

function fixtureInputs(): Array<[string, JsonObject]> {
  const inputs: Array<[string, JsonObject]> = [];
  const requestsDir = path.join(ROOT, 'fixtures/requests');
  for (const file of readdirSync(requestsDir)
    .filter((f) => f.endsWith('.json'))
    .sort())
    inputs.push([`fixtures/requests/${file}`, JSON.parse(readFileSync(path.join(requestsDir, file), 'utf8'))]);
  // Each entry of the rule-breakers fixture is a pipeline plus the target it runs for.
  const breakers = parseYaml(readFileSync(path.join(ROOT, 'fixtures/provider/rule-breakers.yml'), 'utf8'))
    .value as Record<string, { target: { branch: string; pattern?: string }; pipeline: unknown[]; policy?: string }>;
  for (const [rule, { target, pipeline, policy }] of Object.entries(breakers)) {
    // A breaker for another policy (scopes) would only measure the reference policy here; the scoped section covers it.
    if (policy) continue;
    const t = T.branch(target.branch, target.pattern ?? target.branch);
    inputs.push([`rule-breakers.yml#${rule}`, request(t, configFor(t, pipeline))]);
  }
  return inputs;
}

/** A realistic mix: DEV steps with OIDC and pipes, parallel groups, a production stage; on main so PROD may run. */
function synthetic(steps: number): JsonObject {
  const items: unknown[] = [];
  let made = 0;
  const next = (i: number, inStage = false): JsonObject => {
    made++;
    if (inStage) return step(`Release step ${i}`, { oidc: true, script: ['./release.sh'] });
    if (i % 10 === 0)
      return step(`Upload ${i}`, {
        oidc: true,
        script: [
          'make dist',
          {
            pipe: 'atlassian/aws-s3-deploy:1.6.0',
            variables: { AWS_OIDC_ROLE_ARN: '$AWS_ROLE_ARN', S3_BUCKET: 'b', LOCAL_PATH: 'dist' },
          },
        ],
      });
    if (i % 7 === 0)
      return step(`Test ${i}`, {
        image: 'node:22.11.0',
        'runs-on': ['self.hosted', 'linux', 'dev', 'dev.large'],
        script: ['npm ci', 'npm test'],
        'after-script': ['echo done'],
      });
    return step(`Build ${i}`, {
      oidc: i % 3 === 0,
      script: ['make build', 'aws sts get-caller-identity'],
      caches: ['node'],
      artifacts: ['dist/**'],
    });
  };
  while (made < steps) {
    const left = steps - made;
    if (left >= 4 && items.length % 5 === 1)
      items.push({ parallel: { 'fail-fast': true, steps: [next(made), next(made), next(made)] } });
    else if (left >= 3 && items.length % 9 === 4)
      items.push({
        stage: { name: `Release ${made}`, deployment: 'production', steps: [next(made, true), next(made, true)] },
      });
    else items.push(next(made));
  }
  const target = T.branch('main');
  return request(target, configFor(target, items, { image: 'atlassian/default-image:4', options: { 'max-time': 60 } }));
}

// ---- the provider under test ----

const record = JSON.stringify({
  revision: 1,
  policy: referencePolicyInput(),
  savedAt: '2026-11-25T10:00:00.000Z',
  savedBy: '{bench}',
});
let reads = 0;
let writes = 0;
// KVS hands back a freshly deserialised value on every get; so does this store.
const store: PolicyStore = { read: async () => (reads++, JSON.parse(record)) };
const decisions: DecisionSink = { append: async () => void writes++ };
let cacheReads = 0;
let provider: ReturnType<typeof createProvider>;

/**
 * The same provider with a break-glass grant in force: the record carries the grant. A grant made on
 * the page carries the repository's UUID and is matched on the request's, with no lookup; one that
 * names only a slug (stored before UUIDs were recorded) needs the cached lookup (cache warm, as on
 * every run but the first of the hour). Counts the policy reads, the repository cache reads and the
 * decision writes.
 */
const NOW = Date.parse('2026-12-02T10:00:00.000Z');
const SLUG_ONLY_GRANT = {
  id: 'INC-4711',
  reason: 'Payment outage, hotfix cannot wait',
  repository: 'payments-api',
  refs: ['incident/*'],
  environments: ['prod'],
  rules: ['branch-gate'],
  expires: '2026-12-02T12:00:00.000Z',
  grantedBy: '{bench}',
  grantedAt: '2026-12-02T09:00:00.000Z',
};
const grantRecordWith = (grant: object) => JSON.stringify({ ...JSON.parse(record), grants: [grant] });
async function grantsProvider(
  bundled: Bundled,
  grant: object = { ...SLUG_ONLY_GRANT, repositoryUuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}' },
) {
  const grantRecord = grantRecordWith(grant);
  const cache = createMemoryKv({ now: () => NOW });
  const repositories = bundled.createCachedRepositoryLookup({
    kv: { get: (key) => (cacheReads++, cache.get(key)), set: (key, value, options) => cache.set(key, value, options) },
    fetch: async (_workspace, uuid) => ({
      uuid,
      slug: 'payments-api',
      full_name: 'acme/payments-api',
      project: { key: 'PAY' },
    }),
    now: () => NOW,
    log: () => {},
  });
  const req = request(
    T.branch('incident/42', 'incident/*'),
    configFor(T.branch('incident/42', 'incident/*'), [step('Build'), step('PROD deploy', { oidc: true })]),
  );
  await repositories.resolve(req.workspace as string, req.repository as string);
  const granted = bundled.createProvider({
    store: { read: async () => (reads++, JSON.parse(grantRecord)) },
    decisions,
    repositories,
    now: () => new Date(NOW),
    log: () => {},
  });
  return { granted, req };
}

/** How the comparison bundle is built: minified by esbuild, the smallest this code gets. */
const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // Forge bundles @forge/* into the deployed function as well, so they count; only Node's own modules stay outside.
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
  logLevel: 'silent',
} as const satisfies BuildOptions;

interface Bundled {
  createProvider: typeof createProvider;
  createCachedRepositoryLookup: typeof createCachedRepositoryLookup;
}

/**
 * The Forge builds: the provider's entry (manifest: `handler: index.provider`), and the provider's modules for the
 * timed runs.
 */
async function forgeBuilt(): Promise<{ entry: ForgeBuiltEntry; bundled: Bundled }> {
  const [entry, modules] = await forgeBuild([
    'index',
    { name: 'provider-modules', source: path.join(ROOT, 'bench/provider-modules.ts') },
  ]);
  return { entry, bundled: require(modules.file) as Bundled };
}

// ---- timing ----

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

interface Timing {
  medianMs: number;
  p99Ms: number;
  cloneMedianMs: number;
  ratio: number;
}

async function measure(
  req: JsonObject,
  run: (request: unknown) => Promise<ProviderResponse> = (r) => provider(r),
): Promise<
  Timing & { outcome: string; runs: number; readsPerRun: number; writesPerRun: number; cacheReadsPerRun: number }
> {
  const once = async () => {
    const copy = structuredClone(req);
    const t0 = performance.now();
    const response = await run(copy);
    return { ms: performance.now() - t0, response };
  };
  const cloneOnce = () => {
    const t0 = performance.now();
    structuredClone(req);
    return performance.now() - t0;
  };
  // Warm up until the JIT settles, then measure for a fixed budget so big inputs do not take minutes.
  const warm = performance.now();
  let warmups = 0;
  while (warmups < 20 || (performance.now() - warm < 300 && warmups < 200)) {
    await once();
    cloneOnce();
    warmups++;
  }
  const times: number[] = [];
  const clones: number[] = [];
  let outcome = '';
  const r0 = reads;
  const w0 = writes;
  const c0 = cacheReads;
  const start = performance.now();
  while (times.length < 30 || (performance.now() - start < 1_500 && times.length < 2_000)) {
    const { ms, response } = await once();
    times.push(ms);
    clones.push(cloneOnce());
    outcome = 'error' in response ? `blocked (${response.error.key.replace('pipeline-guard.', '')})` : 'allowed';
  }
  times.sort((a, b) => a - b);
  clones.sort((a, b) => a - b);
  const medianMs = quantile(times, 0.5);
  const cloneMedianMs = quantile(clones, 0.5);
  return {
    medianMs,
    p99Ms: quantile(times, 0.99),
    cloneMedianMs,
    ratio: medianMs / cloneMedianMs,
    outcome,
    runs: times.length,
    readsPerRun: (reads - r0) / times.length,
    writesPerRun: (writes - w0) / times.length,
    cacheReadsPerRun: (cacheReads - c0) / times.length,
  };
}

// ---- scoped policies: the repository lookup on top of the run ----

const REPOSITORY_UUID = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
/** The Bitbucket answer the stubbed REST call returns at once, so the REST call itself is not counted. */
const ANSWER = {
  type: 'repository',
  uuid: REPOSITORY_UUID,
  full_name: 'acme/website',
  slug: 'website',
  project: { key: 'WEB' },
};

/** The multi-team example with its scopes taken out (one default): the same environments, unscoped. */
function unscopedVariant(): unknown {
  const policy = policyInputFrom('examples/policy-multi-team.yaml') as { environments: Array<Record<string, unknown>> };
  for (const env of policy.environments) {
    delete env.scope;
    if (env.name !== 'dev') delete env.default;
  }
  return policy;
}

interface ScopedResults {
  unscoped: Awaited<ReturnType<typeof measure>>;
  hit: Awaited<ReturnType<typeof measure>>;
  miss: Awaited<ReturnType<typeof measure>>;
  cacheReadsPerRun: { hit: number; miss: number };
  restCallsPerRun: { hit: number; miss: number };
}

async function measureScoped(bundled: Bundled, req: JsonObject): Promise<ScopedResults> {
  const storeOf = (policy: unknown): PolicyStore => {
    const text = JSON.stringify({ revision: 1, policy, savedAt: '2026-11-25T10:00:00.000Z', savedBy: '{bench}' });
    return { read: async () => JSON.parse(text) };
  };
  let cacheReads = 0;
  let restCalls = 0;
  const lookupWith = (cached: boolean) => {
    const slot = new Map<string, string>();
    return bundled.createCachedRepositoryLookup({
      // Like KVS: every get deserialises; the miss store forgets every write, so each run misses.
      kv: {
        get: async (key) => (cacheReads++, slot.has(key) ? JSON.parse(slot.get(key)!) : undefined),
        set: async (key, value) => void (cached && slot.set(key, JSON.stringify(value))),
      },
      fetch: async () => (restCalls++, structuredClone(ANSWER)),
      log: () => {},
    });
  };
  const scopedPolicy = policyInputFrom('examples/policy-multi-team.yaml');
  const unscoped = bundled.createProvider({
    store: storeOf(unscopedVariant()),
    decisions,
    repositories: lookupWith(true),
    log: () => {},
  });
  const hitProvider = bundled.createProvider({
    store: storeOf(scopedPolicy),
    decisions,
    repositories: lookupWith(true),
    log: () => {},
  });
  const missProvider = bundled.createProvider({
    store: storeOf(scopedPolicy),
    decisions,
    repositories: lookupWith(false),
    log: () => {},
  });
  const perRun = async (run: () => Promise<Awaited<ReturnType<typeof measure>>>) => {
    const [c0, r0] = [cacheReads, restCalls];
    const result = await run();
    // measure() also runs warm-ups; count per provider call over everything it made.
    return { result, reads: cacheReads - c0, rest: restCalls - r0 };
  };
  const u = await measure(req, unscoped);
  if (cacheReads !== 0 || restCalls !== 0) throw new Error('an unscoped policy looked the repository up');
  const calls = { n: 0 };
  const counting = (p: typeof hitProvider) => (r: unknown) => (calls.n++, p(r));
  calls.n = 0;
  const hit = await perRun(() => measure(req, counting(hitProvider)));
  const hitCalls = calls.n;
  calls.n = 0;
  const miss = await perRun(() => measure(req, counting(missProvider)));
  const missCalls = calls.n;
  return {
    unscoped: u,
    hit: hit.result,
    miss: miss.result,
    cacheReadsPerRun: { hit: hit.reads / hitCalls, miss: miss.reads / missCalls },
    restCallsPerRun: { hit: hit.rest / hitCalls, miss: miss.rest / missCalls },
  };
}

// ---- cold start ----

/** The provider's Forge entry minified by esbuild: what it would weigh if Forge let us ship our own bundle. */
async function minifiedEntry(entryPoint: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-'));
  const outfile = path.join(dir, 'index.js');
  try {
    const result = await build({ ...BUNDLE_OPTIONS, entryPoints: [entryPoint], outfile, metafile: true });
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    return {
      bytes: readFileSync(outfile).length,
      loadMs: coldLoadMs(outfile),
      yamlInputs: inputs.filter((i) => i.includes('node_modules/yaml/')).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall time of a fresh process, spawn to exit. */
function processMs(args: string[], runs = 15): number {
  const samples = Array.from({ length: runs }, () => {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  });
  samples.sort((a, b) => a - b);
  return quantile(samples, 0.5);
}

/** `pipeline-guard --help` from the CLI as `npm run build` builds it, beside a bare `node -e 0` on the same machine. */
async function cliStart() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-cli-'));
  try {
    const cli = await buildCli(path.join(dir, 'pipeline-guard.js'));
    processMs([cli, '--help'], 3);
    return {
      cliStartMs: processMs([cli, '--help']),
      nodeStartMs: processMs(['-e', '0']),
      cliBytes: readFileSync(cli).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same entry built by Forge's own bundler configuration (the shared measuring tool), as a check
 * on forge-build.ts. Bytes are deterministic; load times follow the machine's load from one second
 * to the next, so this build is timed again right after the tool, with the tool's own method (9 runs).
 */
function forgeToolFigures(file: string, bytes: number) {
  const tool = path.resolve(ROOT, '../shared/tools/forge-built-size');
  const out = execFileSync(tool, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const loadMs = coldLoadMs(file, 9);
  const index = (JSON.parse(out.trim().split('\n').pop()!) as Record<string, { bytes: number; loadMs: number }>).index;
  const bytesRatio = bytes / index.bytes;
  const loadRatio = loadMs / index.loadMs;
  return {
    toolBytes: index.bytes,
    toolLoadMs: index.loadMs,
    loadMs,
    bytesRatio,
    loadRatio,
    agree: Math.abs(bytesRatio - 1) <= 0.1 && Math.abs(loadRatio - 1) <= 0.1,
  };
}

const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

// ---- report ----

async function main() {
  const forge = await forgeBuilt();
  const bundled = forge.bundled;
  provider = bundled.createProvider({ store, decisions, log: () => {} });
  const inputs: Array<[string, JsonObject]> = [
    ...fixtureInputs(),
    ['synthetic 100 steps (99 + the scan step)', synthetic(99)],
    ['synthetic 1,000 steps', synthetic(1_000)],
  ];
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const [name, req] of inputs) results[name] = await measure(req);
  const { granted, req: incidentRequest } = await grantsProvider(bundled);
  const GRANTED = 'grant INC-4711 in force (incident/42, matched on the repository UUID)';
  results[GRANTED] = await measure(incidentRequest, granted);
  const grantStorage = results[GRANTED];
  const grantsOk =
    grantStorage.readsPerRun === 1 &&
    grantStorage.writesPerRun === 1 &&
    grantStorage.cacheReadsPerRun === 0 &&
    grantStorage.outcome === 'allowed';
  const slugOnly = await grantsProvider(bundled, SLUG_ONLY_GRANT);
  const SLUG_ONLY = 'slug-only grant in force (incident/42, repository cache warm)';
  results[SLUG_ONLY] = await measure(slugOnly.req, slugOnly.granted);

  const scoped = await measureScoped(bundled, synthetic(99));
  const scopedRatio = {
    hit: scoped.hit.medianMs / scoped.unscoped.medianMs,
    miss: scoped.miss.medianMs / scoped.unscoped.medianMs,
  };

  const forgeLoadMs = coldLoadMs(forge.entry.file, 21);
  const crossCheck = CROSS_CHECK ? forgeToolFigures(forge.entry.file, forge.entry.bytes) : undefined;
  const forgePackages = forge.entry.packages.filter(([name]) => !name.startsWith('webpack/runtime'));
  const forbidden = forgePackages.filter(
    ([name]) => ['zod', 'ajv', 'yaml', 'react', 'react-dom'].includes(name) || name.startsWith('@atlaskit/'),
  );
  const minified = await minifiedEntry(path.join(ROOT, 'src/index.ts'));
  const cli = await cliStart();

  const hundred = results['synthetic 100 steps (99 + the scan step)'];
  const storageOk = Object.values(results).every((r) => r.readsPerRun === 1 && r.writesPerRun <= 1);
  if (JSON_OUTPUT) {
    const pick = ({ medianMs, p99Ms, cloneMedianMs, ratio }: Timing) => ({ medianMs, p99Ms, cloneMedianMs, ratio });
    console.log(
      JSON.stringify(
        {
          inputs: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, pick(r)])),
          forgeBundleBytes: forge.entry.bytes,
          forgeLoadMs,
          ...(crossCheck ? { crossCheck } : {}),
          forgePackages: Object.fromEntries(forgePackages),
          bundleBytes: minified.bytes,
          loadMs: minified.loadMs,
          cliStartMs: cli.cliStartMs,
          nodeStartMs: cli.nodeStartMs,
          zodOrAjvInBundle: forbidden.some(([name]) => name === 'zod' || name === 'ajv'),
          yamlInBundle: forbidden.some(([name]) => name === 'yaml'),
          uiInBundle: forbidden.some(([name]) => name !== 'zod' && name !== 'ajv' && name !== 'yaml'),
          storage: { readsPerRun: 1, decisionWritesPerRun: 1, ok: storageOk },
          grants: {
            outcome: grantStorage.outcome,
            policyReadsPerRun: grantStorage.readsPerRun,
            repositoryCacheReadsPerRun: grantStorage.cacheReadsPerRun,
            decisionWritesPerRun: grantStorage.writesPerRun,
            ok: grantsOk,
            slugOnlyRepositoryCacheReadsPerRun: results[SLUG_ONLY].cacheReadsPerRun,
          },
          scoped: {
            input: 'synthetic 100 steps, examples/policy-multi-team.yaml as acme/website (project WEB)',
            unscopedMedianMs: scoped.unscoped.medianMs,
            cacheHitMedianMs: scoped.hit.medianMs,
            cacheMissMedianMs: scoped.miss.medianMs,
            ratio: scopedRatio,
            cacheReadsPerRun: scoped.cacheReadsPerRun,
            restCallsPerRun: scoped.restCallsPerRun,
          },
          node: process.version,
        },
        null,
        2,
      ),
    );
    return;
  }

  const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
  const rows = Object.entries(results).map(([name, r]) => [
    name,
    r.outcome,
    String(r.runs),
    fmt(r.medianMs),
    fmt(r.p99Ms),
    fmt(r.cloneMedianMs),
    `${r.ratio.toFixed(2)}×`,
    `${r.readsPerRun}/${r.writesPerRun}`,
  ]);
  const header = ['input', 'outcome', 'runs', 'median ms', 'p99 ms', 'clone ms', 'ratio', 'reads/writes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `Pipeline Guard provider benchmark (node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, ` +
      `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)\n`,
  );
  console.log('Provider runs (the Forge-built handler)');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(
    '\nScoped policy (synthetic 100 steps, examples/policy-multi-team.yaml as acme/website in WEB; ' +
      'the REST call is a stub that answers at once)',
  );
  console.log(
    `  same environments unscoped (no lookup): median ${fmt(scoped.unscoped.medianMs)} ms, ${scoped.unscoped.outcome}`,
  );
  console.log(
    `  scoped, cache hit:  median ${fmt(scoped.hit.medianMs)} ms (${scopedRatio.hit.toFixed(2)}× unscoped), ` +
      `${scoped.hit.outcome}; cache reads/run ${scoped.cacheReadsPerRun.hit.toFixed(2)}, ` +
      `REST calls/run ${scoped.restCallsPerRun.hit.toFixed(3)}`,
  );
  console.log(
    `  scoped, cache miss: median ${fmt(scoped.miss.medianMs)} ms (${scopedRatio.miss.toFixed(2)}× unscoped), ` +
      `${scoped.miss.outcome}; cache reads/run ${scoped.cacheReadsPerRun.miss.toFixed(2)}, ` +
      `REST calls/run ${scoped.restCallsPerRun.miss.toFixed(2)}`,
  );
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    '\nCold start, src/index.ts built as forge deploy builds it (webpack, production, not minified): ' +
      `${kb(forge.entry.bytes)} (${forge.entry.bytes} bytes), ` +
      `require ${forgeLoadMs.toFixed(1)} ms (median of 21 fresh processes)`,
  );
  console.log(`  packages: ${forgePackages.map(([name, size]) => `${name} ${kb(size)}`).join(', ')}`);
  console.log(
    `  heaviest modules: ${forge.entry.modules
      .slice(0, 6)
      .map(([name, size]) => `${name.replace(/^\.\//, '')} ${kb(size)}`)
      .join(', ')}`,
  );
  if (crossCheck)
    console.log(
      `  cross-check, ../shared/tools/forge-built-size (Forge's own bundler): ${crossCheck.toolBytes} bytes ` +
        `(this build ${forge.entry.bytes}, ${pct(crossCheck.bytesRatio)}), require ${crossCheck.toolLoadMs} ms ` +
        `(this build, timed right after it: ${crossCheck.loadMs.toFixed(1)} ms, ${pct(crossCheck.loadRatio)}) — ` +
        `${crossCheck.agree ? 'agree within 10%' : 'DISAGREE by more than 10%'}`,
    );
  console.log(
    `Same entry minified by esbuild, for comparison: ${kb(minified.bytes)}, require ${minified.loadMs.toFixed(1)} ms`,
  );
  console.log(
    `CLI start, pipeline-guard --help (bundled, ${kb(cli.cliBytes)}): ${cli.cliStartMs.toFixed(0)} ms median of 15; ` +
      `a bare node -e 0 takes ${cli.nodeStartMs.toFixed(0)} ms here`,
  );
  console.log('\nTargets');
  console.log(
    `  100-step median ≤ ${TARGETS.ratio100}× clone: ` +
      `${hundred.ratio.toFixed(2)}× — ${verdict(hundred.ratio <= TARGETS.ratio100)}`,
  );
  console.log(
    `  Forge-built entry ≤ 300,000 bytes (aim ${kb(AIMS.forgeBundleBytes)}), no zod, Ajv, YAML parser or UI code: ` +
      kb(forge.entry.bytes) +
      (forbidden.length ? `, carries ${forbidden.map(([name]) => name).join(', ')}` : '') +
      ` — ${verdict(forge.entry.bytes <= TARGETS.forgeBundleBytes && forbidden.length === 0)}` +
      (forge.entry.bytes <= AIMS.forgeBundleBytes ? ' (aim met)' : ''),
  );
  console.log(
    `  Forge-built entry load ≤ ${TARGETS.forgeLoadMs} ms (aim ${AIMS.forgeLoadMs} ms): ` +
      `${forgeLoadMs.toFixed(1)} ms — ${verdict(forgeLoadMs <= TARGETS.forgeLoadMs)}` +
      (forgeLoadMs <= AIMS.forgeLoadMs ? ' (aim met)' : ''),
  );
  console.log(
    `  pipeline-guard --help < ${TARGETS.cliStartMs} ms: ` +
      `${cli.cliStartMs.toFixed(0)} ms — ${verdict(cli.cliStartMs < TARGETS.cliStartMs)}`,
  );
  console.log(`  one storage read per run plus the decision-log write: ${storageOk ? 'met' : 'MISSED'}`);
  console.log(
    `  scoped run ≤ ${TARGETS.scopedRatio}× unscoped (cache hit; miss without the REST call): ` +
      `${scopedRatio.hit.toFixed(2)}× / ${scopedRatio.miss.toFixed(2)}× — ` +
      verdict(scopedRatio.hit <= TARGETS.scopedRatio && scopedRatio.miss <= TARGETS.scopedRatio),
  );
  console.log(
    '  with a grant in force (unscoped policy, grant matched on the repository UUID): ' +
      `${grantStorage.readsPerRun} policy read (grants included), ` +
      `${grantStorage.cacheReadsPerRun} repository cache reads, ` +
      `${grantStorage.writesPerRun} decision write per run — ${verdict(grantsOk)}`,
  );
  console.log(
    `  (a slug-only grant stored before UUIDs were recorded: ${results[SLUG_ONLY].readsPerRun} policy read, ` +
      `${results[SLUG_ONLY].cacheReadsPerRun} repository cache read, ` +
      `${results[SLUG_ONLY].writesPerRun} decision write per run)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
