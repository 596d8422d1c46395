import { createProvider } from '../../src/provider/handler';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { createKvSampleSink, readSamples } from '../../src/storage/sample-store';
import {
  SAMPLE_CONFIG_PREFIX,
  SAMPLE_RUN_PREFIX,
  type SampleSink,
  type SampleWrite,
} from '../../src/storage/sample-writer';
import { createHash } from 'node:crypto';
import { branchRun, referencePolicyInput } from '../support/requests';

const NOW = new Date('2026-11-25T12:00:00Z');
const record = (extra: Record<string, unknown> = {}) => ({
  revision: 4,
  policy: referencePolicyInput(),
  savedAt: '2026-11-20T10:00:00Z',
  savedBy: 'acc-admin',
  ...extra,
});
const build = { step: { name: 'Build', script: ['npm test'] } };

function setup(options: { sink?: SampleSink; stored?: unknown } = {}) {
  const kv = createMemoryKv({ now: () => NOW.getTime() });
  const decisions: DecisionRecord[] = [];
  const logs: string[] = [];
  let reads = 0;
  let sampleWrites = 0;
  const sink = options.sink ?? createKvSampleSink(kv);
  const provider = createProvider({
    store: { read: async () => (reads++, options.stored === undefined ? record() : options.stored) },
    decisions: { append: async (decision) => void decisions.push(decision) },
    samples: { write: async (sample) => (sampleWrites++, sink.write(sample)) },
    now: () => NOW,
    log: (line) => logs.push(line),
  });
  return { kv, decisions, logs, provider, counts: () => ({ reads, decisionWrites: decisions.length, sampleWrites }) };
}

describe('run samples on the provider path', () => {
  it('stores the same configuration once, and one pointer per repository and definition', async () => {
    const { kv, provider, decisions, counts } = setup();
    await provider(branchRun('main', [build]));
    await provider(branchRun('main', [build]));
    await provider({ ...branchRun('main', [build]), repository: '{11111111-2222-4333-8444-555555555555}' });
    expect(kv.keys().filter((key) => key.startsWith(SAMPLE_CONFIG_PREFIX))).toHaveLength(1);
    expect(kv.keys().filter((key) => key.startsWith(SAMPLE_RUN_PREFIX))).toHaveLength(2);
    // One policy read per run; the decision write and one sample write (a single transaction in Forge).
    expect(counts()).toEqual({ reads: 3, decisionWrites: 3, sampleWrites: 3 });
    const digest = kv
      .keys()
      .find((key) => key.startsWith(SAMPLE_CONFIG_PREFIX))!
      .slice(SAMPLE_CONFIG_PREFIX.length);
    expect(decisions.map((d) => d.sample)).toEqual([digest, digest, digest]);
  });

  it('keys the configuration by the SHA-256 of its JSON (node:crypto, loaded on the first sampled run)', async () => {
    const { kv, provider } = setup();
    const run = branchRun('main', [build]);
    await provider(run);
    const sha256 = createHash('sha256').update(JSON.stringify(run.pipelines_configuration)).digest('hex');
    expect(kv.keys().filter((key) => key.startsWith(SAMPLE_CONFIG_PREFIX))).toEqual([
      `${SAMPLE_CONFIG_PREFIX}${sha256}`,
    ]);
  });

  it('keeps the latest configuration of a definition, with its target, trigger and ref', async () => {
    const { kv, provider } = setup();
    await provider(branchRun('main', [build]));
    const later = branchRun('main', [build, { step: { name: 'Lint', script: ['npm run lint'] } }]);
    await provider({ ...later, trigger: 'manual' });
    const { samples } = await readSamples(kv, { now: NOW });
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({
      ref: 'branch:main',
      selector: 'branches:main',
      request: { trigger: 'manual', target: later.target, pipelines_configuration: later.pipelines_configuration },
    });
  });

  it('never stores a variable value: keys and scopes only', async () => {
    const { kv, provider } = setup();
    const variables = [
      { key: 'DEPLOY_TOKEN', value: 's3cr3t-value', scope: 'REPOSITORY' },
      { key: 'REGION', value: 'eu-west-1', scope: 'WORKSPACE', secured: false },
    ];
    await provider({
      ...branchRun('main', [build]),
      variables,
      variables_truncated: true,
      trigger_context: { note: 'x' },
    });
    const stored = JSON.stringify(kv.snapshot());
    expect(stored).not.toContain('s3cr3t-value');
    expect(stored).not.toContain('eu-west-1');
    const { samples } = await readSamples(kv, { now: NOW });
    expect(samples[0].request.variables).toEqual([
      { key: 'DEPLOY_TOKEN', scope: 'REPOSITORY' },
      { key: 'REGION', scope: 'WORKSPACE' },
    ]);
    expect(samples[0].request.trigger_context).toBeUndefined();
  });

  it('leaves the run allowed when the sample write fails, and logs it', async () => {
    const { provider, decisions, logs } = setup({
      sink: {
        write: async () => {
          throw new Error('KVS transaction refused');
        },
      },
    });
    const request = branchRun('main', [build]);
    const response = await provider(request);
    expect(response).toHaveProperty('pipelines_configuration');
    expect(decisions[0].outcome).toBe('allowed');
    expect(logs.join('\n')).toContain(
      "run sample write failed (the run's outcome is unaffected): KVS transaction refused",
    );
  });

  it('leaves the run answered when the sample write hangs', async () => {
    jest.useFakeTimers();
    try {
      const { provider } = setup({ sink: { write: () => new Promise(() => {}) } });
      const pending = provider(branchRun('main', [build]));
      await jest.advanceTimersByTimeAsync(1_500);
      expect(await pending).toHaveProperty('pipelines_configuration');
    } finally {
      jest.useRealTimers();
    }
  });

  it('skips a configuration over the storage value limit and counts it', async () => {
    const written: SampleWrite[] = [];
    const { kv, provider, decisions } = setup();
    const big = branchRun('main', [{ step: { name: 'Build', script: ['x'.repeat(250 * 1024)] } }]);
    const sink = createKvSampleSink(kv);
    const recording = createProvider({
      store: { read: async () => record() },
      samples: { write: async (s) => (written.push(s), sink.write(s)) },
      decisions: { append: async (d) => void decisions.push(d) },
      now: () => NOW,
      log: () => {},
    });
    await recording(big);
    await provider(branchRun('develop', [build]));
    expect(written[0].config).toBeUndefined();
    expect(written[0].pointer).toMatchObject({ skipped: 'too-large' });
    expect(decisions[0].sample).toBeUndefined();
    const { samples, gaps } = await readSamples(kv, { now: NOW });
    expect(samples.map((s) => s.ref)).toEqual(['branch:develop']);
    expect(gaps).toEqual({ tooLarge: 1, missing: 0, invalid: 0 });
  });

  it('keeps nothing when the admin switched sampling off, or the switch is damaged', async () => {
    for (const sampling of [false, 'no']) {
      const { kv, provider, counts } = setup({ stored: record({ sampling }) });
      await provider(branchRun('main', [build]));
      expect(kv.keys()).toEqual([]);
      expect(counts().sampleWrites).toBe(0);
    }
  });

  it('keeps no sample of the Run-pipeline dialog', async () => {
    const { kv, provider } = setup();
    await provider({ ...branchRun('main', [build]), trigger: 'definitions' });
    expect(kv.keys()).toEqual([]);
  });
});
