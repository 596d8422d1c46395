/**
 * Replay and run samples (`npx tsx bench/replay.bench.ts [--json] [--samples N]`):
 *
 * - storage per run with sampling on: policy reads, decision-log writes and sample writes (one KVS
 *   transaction: the pointer and the configuration), over the corpus's pipelines;
 * - replay throughput of the engine alone, samples per second on one core (both policies per sample);
 * - the console's replay of 20,000 samples of the corpus's size, end to end: the console's store
 *   (dev/server.ts openStore), the settings handlers and the in-process stand-in for Forge's queue,
 *   from startReplay to the stored result. Target: under 60 s on 2 cores.
 *
 * The samples are the ~70 corpus pipelines (../shared/corpus/pipelines) on main and feature/x, each in
 * many repositories, so every sample is a real file's size; a replay reads each distinct configuration once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../dev/server';
import { parsePolicyText } from '../src/policy/text';
import type { Policy, PolicyInput } from '../src/policy/schema';
import { createProvider } from '../src/provider/handler';
import { createHandlers } from '../src/settings/handlers';
import type { ReplayView } from '../src/settings/replay-api';
import { replayDraft } from '../src/simulate/replay';
import { simulate } from '../src/simulate/simulate';
import { POLICY_KEY } from '../src/storage/keys';
import type { KeyValueStore } from '../src/storage/kv';
import { createKvSampleSink, readSamples } from '../src/storage/sample-store';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/pipelines');
const JSON_OUTPUT = process.argv.includes('--json');
const SAMPLES = Number(process.argv[process.argv.indexOf('--samples') + 1]) || 20_000;
const TARGET_CONSOLE_MS = 60_000;
const ADMIN = {
  workspaceId: '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}',
  accountId: 'bench-admin',
  extension: { type: 'bitbucket:workspaceSettingsMenuPage' },
};

function policyFrom(text: string): Policy {
  const result = parsePolicyText(text);
  if (!result.ok) throw new Error('the policy does not load');
  return result.policy;
}

/** The corpus's runs: each file on main and on feature/x, as the request Bitbucket would send. */
function corpusRequests(): Record<string, unknown>[] {
  const requests: Record<string, unknown>[] = [];
  for (const file of readdirSync(CORPUS)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()) {
    const yamlText = readFileSync(path.join(CORPUS, file), 'utf8');
    for (const name of ['main', 'feature/x']) {
      try {
        const { request } = simulate({ yamlText, policy: undefined, target: { kind: 'branch', name } });
        if (request && Object.keys(request.pipelines_configuration).length)
          requests.push(request as unknown as Record<string, unknown>);
      } catch {
        // A file the simulator refuses is not a run Bitbucket would send.
      }
    }
  }
  return requests;
}

const repository = (n: number) => `{00000000-0000-4000-8000-${String(n).padStart(12, '0')}}`;

async function seed(kv: KeyValueStore, requests: Record<string, unknown>[], count: number) {
  let reads = 0;
  let decisionWrites = 0;
  let sampleWrites = 0;
  const sink = createKvSampleSink(kv);
  const provider = createProvider({
    store: { read: async () => (reads++, kv.get(POLICY_KEY)) },
    decisions: { append: async () => void decisionWrites++ },
    samples: { write: async (sample) => (sampleWrites++, sink.write(sample)) },
    log: () => undefined,
  });
  for (let n = 0; n < count; n++) await provider({ ...requests[n % requests.length], repository: repository(n) });
  return {
    readsPerRun: reads / count,
    decisionWritesPerRun: decisionWrites / count,
    sampleWritesPerRun: sampleWrites / count,
  };
}

async function waitForReplay(handlers: ReturnType<typeof createHandlers>): Promise<ReplayView> {
  for (;;) {
    const view = (await handlers.replayStatus(ADMIN, {})) as { ok: true } & ReplayView;
    if (view.job && !['queued', 'running'].includes(view.job.status)) return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CPU time of this process since `start`: on a shared machine, wall time also counts other people's work. */
function cpuMsSince(start: NodeJS.CpuUsage) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function main() {
  const loadAtStart = os.loadavg().map((n) => Number(n.toFixed(2)));
  const baselineText = readFileSync(path.join(ROOT, 'examples/policy.yaml'), 'utf8');
  const baseline = policyFrom(baselineText);
  const draftInput: PolicyInput = JSON.parse(JSON.stringify(baseline));
  draftInput.rules = { ...draftInput.rules, 'deny-image': 'enforce' };
  const draft = policyFrom(JSON.stringify(draftInput));
  const requests = corpusRequests();

  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'pg-replay-bench-'));
  try {
    const kv = openStore(storeDir);
    let clock = Date.now();
    const now = () => new Date((clock += 1));
    const handlers = createHandlers({ kv, adminCheck: async () => true, now });
    const saved = await handlers.savePolicy(ADMIN, {
      expectedRevision: 0,
      policy: JSON.parse(JSON.stringify(baseline)),
    });
    if (!saved.ok) throw new Error(`the baseline policy was not saved: ${saved.error.message}`);
    const storage = await seed(kv, requests, SAMPLES);

    // The engine alone, one core: the samples read once, then replayed under both policies.
    const { samples } = await readSamples(kv, { now: new Date(clock) });
    const engineStart = performance.now();
    const engineCpu = process.cpuUsage();
    const engineSummary = replayDraft({ samples, current: baseline, draft });
    const engineMs = performance.now() - engineStart;
    const engineCpuMs = cpuMsSince(engineCpu);

    const consoleStart = performance.now();
    const consoleCpu = process.cpuUsage();
    const started = await handlers.startReplay(ADMIN, { policy: draftInput, days: 30 });
    if (!started.ok) throw new Error(started.error.message);
    const done = await waitForReplay(handlers);
    const consoleMs = performance.now() - consoleStart;
    const consoleCpuMs = cpuMsSince(consoleCpu);
    kv.flush();
    const configBytes = requests.map((request) => JSON.stringify(request.pipelines_configuration).length);

    const results = {
      samples: samples.length,
      distinctConfigurations: new Set(requests.map((request) => JSON.stringify(request.pipelines_configuration))).size,
      medianConfigurationBytes: configBytes.sort((a, b) => a - b)[Math.floor(configBytes.length / 2)],
      storage: { ...storage, ok: storage.readsPerRun === 1 && storage.sampleWritesPerRun <= 1 },
      engine: {
        ms: Math.round(engineMs),
        cpuMs: Math.round(engineCpuMs),
        samplesPerSecondPerCore: Math.round(samples.length / (engineMs / 1000)),
        samplesPerCpuSecond: Math.round(samples.length / (engineCpuMs / 1000)),
        newlyBlocked: engineSummary.totals.newlyBlocked,
      },
      console: {
        ms: Math.round(consoleMs),
        cpuMs: Math.round(consoleCpuMs),
        samplesPerCpuSecond: Math.round(samples.length / (consoleCpuMs / 1000)),
        status: done.job?.status,
        newlyBlocked: done.result?.summary.totals.newlyBlocked,
        batches: done.job?.batches,
        targetMs: TARGET_CONSOLE_MS,
        ok: consoleMs < TARGET_CONSOLE_MS && done.job?.status === 'done',
      },
      cores: os.cpus().length,
      loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((n) => Number(n.toFixed(2))) },
      node: process.version,
    };
    if (JSON_OUTPUT) return console.log(JSON.stringify(results, null, 2));
    console.log(
      `Replay bench: ${results.samples} samples of the corpus's ${requests.length} runs ` +
        `(${results.distinctConfigurations} distinct configurations, median ${results.medianConfigurationBytes} bytes)`,
    );
    console.log(
      `  storage per run, sampling on: ${storage.readsPerRun} policy read, ` +
        `${storage.decisionWritesPerRun} decision write, ${storage.sampleWritesPerRun} sample write ` +
        `(one transaction) — ${results.storage.ok ? 'met' : 'MISSED'}`,
    );
    console.log(
      `  engine alone: ${results.engine.ms} ms, ${results.engine.samplesPerSecondPerCore} samples/s per core ` +
        `(each sample under both policies; ${results.engine.samplesPerCpuSecond} per CPU second); ` +
        `${results.engine.newlyBlocked} newly blocked`,
    );
    console.log(
      `  console, startReplay to stored result: ${(consoleMs / 1000).toFixed(1)} s ` +
        `in ${results.console.batches} batches (${results.console.status}, ` +
        `${results.console.newlyBlocked} newly blocked) — ` +
        `target under 60 s: ${results.console.ok ? 'met' : 'MISSED'}; ${(consoleCpuMs / 1000).toFixed(1)} s of CPU`,
    );
    const load = results.loadAverage;
    console.log(
      `  load average (1, 5, 15 min) on ${results.cores} cores: ${load.atStart.join(', ')} at the start, ` +
        `${load.atEnd.join(', ')} at the end`,
    );
  } finally {
    rmSync(storeDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? String(error));
    process.exit(1);
  },
);
