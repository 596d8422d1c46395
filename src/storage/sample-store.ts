/**
 * Run samples for the settings page, the replay jobs and the CLI export (sample-writer.ts writes
 * them on the provider's path): read the samples of the last N days, export them as JSON Lines,
 * delete them all, and switch sampling on or off.
 *
 * The stored records are a boundary: every pointer is validated, and a pointer whose configuration
 * is gone (expired a little earlier, or deleted) is counted, never guessed at.
 */
import * as z from 'zod';
import type { RunSample } from '../engine/sample';
import { POLICY_KEY } from './keys';
import { MAX_PAGE_SIZE, type KeyValueStore } from './kv';
import { listAll } from './list-all';
import type { PolicyRepository } from './policy-repo';
import {
  SAMPLE_CONFIG_PREFIX,
  SAMPLE_PREFIX,
  SAMPLE_RUN_PREFIX,
  SAMPLE_TTL_SECONDS,
  sampleConfigKey,
  type SamplePointer,
  type SampleSink,
} from './sample-writer';

export const DEFAULT_REPLAY_DAYS = 30;
export const MAX_REPLAY_DAYS = 90;
const DAY_MS = 86_400_000;
/** Parallel reads of configurations: well inside KVS's per-installation request rate. */
const READ_CONCURRENCY = 16;

export const SamplePointerSchema = z.strictObject({
  v: z.literal(1),
  at: z.number().int().min(0),
  request: z.looseObject({
    repository: z.string().max(200),
    trigger: z.string().max(40),
    target: z.looseObject({ type: z.string() }),
  }),
  ref: z.string().max(1_100),
  selector: z.string().max(1_100),
  digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  skipped: z.literal('too-large').optional(),
  bytes: z.number().int().min(0).optional(),
  repository: z
    .strictObject({ fullName: z.string().max(300), slug: z.string().max(128), project: z.string().max(80).optional() })
    .optional(),
});

const SampleConfigSchema = z.strictObject({ v: z.literal(1), configuration: z.record(z.string(), z.unknown()) });

export interface StoredSample {
  readonly key: string;
  readonly pointer: SamplePointer;
}

/** Samples that could not be replayed, by reason; every one is counted in the replay's summary. */
export interface SampleGaps {
  /** The configuration was over the storage value limit, so only the run's request was kept. */
  readonly tooLarge: number;
  /** The configuration record is gone or damaged. */
  readonly missing: number;
  /** The pointer record is damaged. */
  readonly invalid: number;
}

export const NO_GAPS: SampleGaps = { tooLarge: 0, missing: 0, invalid: 0 };

export const addGaps = (a: SampleGaps, b: SampleGaps): SampleGaps => ({
  tooLarge: a.tooLarge + b.tooLarge,
  missing: a.missing + b.missing,
  invalid: a.invalid + b.invalid,
});

/** A sample the provider stored, as a replay or the export takes it. */
export interface LoadedSample extends RunSample {
  readonly key: string;
  readonly at: number;
  readonly ref: string;
  readonly selector: string;
}

/** Every sample pointer written in the last `days` days, oldest key first; damaged ones counted. */
export async function listSamplePointers(
  kv: KeyValueStore,
  options: { days: number; now: Date },
): Promise<{ samples: StoredSample[]; gaps: SampleGaps }> {
  const since = options.now.getTime() - options.days * DAY_MS;
  const { entries } = await listAll(kv, SAMPLE_RUN_PREFIX);
  const samples: StoredSample[] = [];
  let invalid = 0;
  for (const entry of entries) {
    const parsed = SamplePointerSchema.safeParse(entry.value);
    if (!parsed.success) invalid += 1;
    else if (parsed.data.at >= since) samples.push({ key: entry.key, pointer: parsed.data as SamplePointer });
  }
  return { samples, gaps: { ...NO_GAPS, invalid } };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The samples with their configurations, each distinct configuration read once. */
export async function loadSamples(
  kv: KeyValueStore,
  stored: readonly StoredSample[],
): Promise<{ samples: LoadedSample[]; gaps: SampleGaps }> {
  const digests = [...new Set(stored.flatMap((s) => (s.pointer.digest ? [s.pointer.digest] : [])))];
  const configs = new Map<string, Record<string, unknown>>();
  await mapLimited(digests, READ_CONCURRENCY, async (digest) => {
    const parsed = SampleConfigSchema.safeParse(await kv.get(sampleConfigKey(digest)));
    if (parsed.success) configs.set(digest, parsed.data.configuration);
  });
  const samples: LoadedSample[] = [];
  let tooLarge = 0;
  let missing = 0;
  for (const { key, pointer } of stored) {
    if (pointer.skipped || !pointer.digest) {
      tooLarge += 1;
      continue;
    }
    const configuration = configs.get(pointer.digest);
    if (!configuration) {
      missing += 1;
      continue;
    }
    const repository = pointer.repository
      ? {
          slug: pointer.repository.slug,
          fullName: pointer.repository.fullName,
          ...(pointer.repository.project ? { project: pointer.repository.project } : {}),
        }
      : undefined;
    samples.push({
      key,
      at: pointer.at,
      ref: pointer.ref,
      selector: pointer.selector,
      request: { ...pointer.request, pipelines_configuration: configuration },
      ...(repository ? { repository } : {}),
    });
  }
  return { samples, gaps: { tooLarge, missing, invalid: 0 } };
}

/**
 * The samples of the last `days` days (default 30), ready to replay: the storage-side reader that
 * the replay jobs, the page's export and policy as code use.
 */
export async function readSamples(
  kv: KeyValueStore,
  options: { days?: number; now: Date },
): Promise<{ samples: LoadedSample[]; gaps: SampleGaps }> {
  const listed = await listSamplePointers(kv, { days: options.days ?? DEFAULT_REPLAY_DAYS, now: options.now });
  const loaded = await loadSamples(kv, listed.samples);
  return { samples: loaded.samples, gaps: addGaps(listed.gaps, loaded.gaps) };
}

/** One JSON Lines record of the export: what `pipeline-guard replay` reads. */
export function sampleLine(sample: RunSample): string {
  const repository = sample.repository
    ? { slug: sample.repository.slug, ...(sample.repository.project ? { project: sample.repository.project } : {}) }
    : undefined;
  return `${JSON.stringify({ request: sample.request, ...(repository ? { repository } : {}) })}\n`;
}

/**
 * Deletes stored samples, pointers first (so that nothing points at a deleted configuration), for
 * at most `budgetMs`; `remaining` says whether the caller must call again.
 */
export async function deleteSamples(
  kv: KeyValueStore,
  options: { budgetMs: number; clock?: () => number },
): Promise<{ deleted: number; remaining: boolean }> {
  const clock = options.clock ?? (() => Date.now());
  const started = clock();
  let deleted = 0;
  for (const prefix of [SAMPLE_RUN_PREFIX, SAMPLE_CONFIG_PREFIX]) {
    for (;;) {
      if (clock() - started > options.budgetMs) return { deleted, remaining: true };
      const page = await kv.list(prefix, { limit: MAX_PAGE_SIZE });
      if (page.entries.length === 0) break;
      await mapLimited(page.entries, READ_CONCURRENCY, (entry) => kv.delete(entry.key));
      deleted += page.entries.length;
    }
  }
  return { deleted, remaining: (await kv.list(SAMPLE_PREFIX, { limit: 1 })).entries.length > 0 };
}

export type SamplingSwitch = { ok: true } | { ok: false; reason: 'no-policy' };

/**
 * Sampling is switched in `policy:current`, the record every run reads anyway, so the switch costs
 * the provider no read. Saves and rollbacks carry it over (policy-repo.ts).
 */
export async function setSampling(
  kv: KeyValueStore,
  repo: PolicyRepository,
  enabled: boolean,
): Promise<SamplingSwitch> {
  const found = await repo.current();
  if (found.state !== 'ok') return { ok: false, reason: 'no-policy' };
  await kv.set(POLICY_KEY, { ...found.record, sampling: enabled });
  return { ok: true };
}

/** The sink the console and the tests give the provider: the same two records, written together. */
export function createKvSampleSink(kv: KeyValueStore): SampleSink {
  return {
    async write({ pointerKey, pointer, config }) {
      if (config) await kv.set(config.key, config.value, { ttlSeconds: SAMPLE_TTL_SECONDS });
      await kv.set(pointerKey, pointer, { ttlSeconds: SAMPLE_TTL_SECONDS });
    },
  };
}
