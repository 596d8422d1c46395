/**
 * Replay in the background, on Forge's async events queue. A job is a chain of events, one at a
 * time, so that a batch never races another for the job's record:
 *
 *   start (resolver)  -> job record, the policies it compares, and a `plan` event
 *   plan  (consumer)  -> lists the samples of the last N days; if the same draft was already replayed
 *                        against the same samples, the job ends with that result; otherwise it writes
 *                        the samples in chunks and pushes the first `batch` event
 *   batch (consumer)  -> replays one chunk (at most 500 samples: a few seconds, far inside the
 *                        consumer's time limit), folds it into the job's summary, records progress
 *                        and pushes the next batch, or stores the result
 *
 * One event per push and one push per batch stay far inside the queue's limits (50 events per push,
 * 500 a minute, a chain of at most 1,000 events: 500,000 samples). Cancelling marks the job; the next
 * batch sees the mark and stops. The last job and its result stay until the next replay.
 * The queue is a port: Forge's @forge/events Queue (src/forge/replay-queue.ts), or the console's
 * in-process stand-in.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { digestOf } from '../engine/digest';
import { validatePolicy } from '../policy/load';
import type { Policy } from '../policy/schema';
import {
  createReplayer,
  EMPTY_SUMMARY,
  fitSummary,
  mergeReplaySummaries,
  type ReplaySummary,
} from '../simulate/replay';
import type { KeyValueStore } from '../storage/kv';
import { listAll } from '../storage/list-all';
import type { ReplayBrief } from '../storage/replay-brief';
import {
  addGaps,
  loadSamples,
  listSamplePointers,
  NO_GAPS,
  SamplePointerSchema,
  type SampleGaps,
  type StoredSample,
} from '../storage/sample-store';
import type { SamplePointer } from '../storage/sample-writer';

export const REPLAY_QUEUE_KEY = 'pipeline-guard-replay';
export const REPLAY_PREFIX = 'replay:';
const LATEST_KEY = 'replay:latest';
const jobKey = (id: string) => `replay:job:${id}`;
const inputKey = (id: string) => `replay:job:${id}:input`;
const chunkKey = (id: string, index: number) => `replay:job:${id}:chunk:${String(index).padStart(5, '0')}`;
const resultKey = (key: string) => `replay:result:${key}`;
const verdictKey = (draftDigest: string) => `replay:verdict:${draftDigest}`;

/** Samples per batch: each batch replays them twice in about a second, and its chunk fits one value. */
export const BATCH_SAMPLES = 500;
const CHUNK_BYTES = 180 * 1024;
/** The queue's cyclic chain limit (1,000 events) bounds a job: the plan event plus this many batches. */
export const MAX_BATCHES = 990;
/** A summary shares its record with the job's own fields; the rest of the 240 KiB value limit is theirs. */
const MAX_SUMMARY_BYTES = 200 * 1024;
const JOB_TTL_SECONDS = 7 * 86_400;
const RESULT_TTL_SECONDS = 30 * 86_400;

export type ReplayEvent =
  | { readonly jobId: string; readonly step: 'plan' }
  | { readonly jobId: string; readonly step: 'batch'; readonly index: number };

export interface ReplayQueue {
  push(events: readonly ReplayEvent[]): Promise<void>;
}

export const ReplayEventSchema = z.discriminatedUnion('step', [
  z.strictObject({ jobId: z.string().regex(/^[a-z0-9]{6,40}$/), step: z.literal('plan') }),
  z.strictObject({
    jobId: z.string().regex(/^[a-z0-9]{6,40}$/),
    step: z.literal('batch'),
    index: z.number().int().min(0).max(MAX_BATCHES),
  }),
]);

export type ReplayStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface ReplayResult {
  readonly key: string;
  readonly days: number;
  readonly draftDigest: string;
  readonly baselineRevision: number;
  readonly finishedAt: string;
  readonly gaps: SampleGaps;
  readonly summary: ReplaySummary;
}

export interface ReplayJob {
  readonly id: string;
  readonly status: ReplayStatus;
  readonly startedAt: string;
  readonly startedBy: string;
  readonly days: number;
  readonly draftDigest: string;
  readonly baselineRevision: number;
  /** Samples to replay, once planned. */
  readonly total?: number;
  readonly done: number;
  readonly batches?: number;
  readonly finishedAt?: string;
  /** The result came from an earlier replay of the same draft and samples. */
  readonly reused?: boolean;
  readonly resultKey?: string;
  readonly error?: string;
  /** The summary so far, folded batch by batch. */
  readonly partial?: ReplaySummary;
  readonly gaps?: SampleGaps;
}

interface JobInput {
  readonly draft: unknown;
  readonly current: unknown;
}

export interface ReplayJobDependencies {
  readonly kv: KeyValueStore;
  readonly queue: ReplayQueue;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly log?: (message: string) => void;
}

export interface StartInput {
  readonly draft: Policy;
  /** The enforced policy, undefined when none is saved. */
  readonly current: Policy | undefined;
  readonly baselineRevision: number;
  readonly days: number;
  readonly startedBy: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The policy identity replays and saves agree on: the validated policy's digest. */
export const policyDigest = (policy: Policy | undefined) => (policy ? digestOf(policy) : 'none');

function policyOf(raw: unknown): Policy | undefined {
  if (raw === null || raw === undefined) return undefined;
  const result = validatePolicy(raw);
  if (!result.ok) throw new Error('the stored replay input no longer validates');
  return result.policy;
}

/** Cuts the planned samples into chunks of at most BATCH_SAMPLES and about CHUNK_BYTES each. */
function chunksOf(samples: readonly StoredSample[]): StoredSample[][] {
  const chunks: StoredSample[][] = [];
  let current: StoredSample[] = [];
  let bytes = 0;
  for (const sample of samples) {
    const size = JSON.stringify(sample).length;
    if (current.length && (current.length >= BATCH_SAMPLES || bytes + size > CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(sample);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

export function briefOf(result: ReplayResult, confirmed: boolean): ReplayBrief {
  const { totals, stepChanges } = result.summary;
  return {
    key: result.key,
    days: result.days,
    finishedAt: result.finishedAt,
    samples: totals.runs,
    newlyBlocked: totals.newlyBlocked,
    newlyAllowed: totals.newlyAllowed,
    changedSteps: stepChanges,
    newWarnings: totals.newWarnings,
    repositories: result.summary.byRepository
      .filter((r) => r.newlyBlocked > 0)
      .slice(0, 10)
      .map((r) => r.repository.slice(0, 200)),
    ...(totals.newlyBlocked > 0 ? { confirmed } : {}),
  };
}

/** The job functions' dependencies, with their defaults filled in. */
interface JobContext {
  readonly kv: KeyValueStore;
  readonly queue: ReplayQueue;
  readonly now: () => Date;
  readonly log: (message: string) => void;
}

const readJob = async ({ kv }: JobContext, id: string): Promise<ReplayJob | undefined> =>
  (await kv.get(jobKey(id))) as ReplayJob | undefined;
const writeJob = ({ kv }: JobContext, job: ReplayJob) => kv.set(jobKey(job.id), job, { ttlSeconds: JOB_TTL_SECONDS });
const readResult = async ({ kv }: JobContext, key: string) =>
  (await kv.get(resultKey(key))) as ReplayResult | undefined;

async function dropChunks({ kv }: JobContext, id: string): Promise<void> {
  const { entries } = await listAll(kv, `replay:job:${id}:chunk:`);
  for (const entry of entries) await kv.delete(entry.key);
}

async function finish(context: JobContext, job: ReplayJob, result: ReplayResult, reused: boolean): Promise<void> {
  const { kv } = context;
  if (!reused) await kv.set(resultKey(result.key), result, { ttlSeconds: RESULT_TTL_SECONDS });
  await kv.set(
    verdictKey(result.draftDigest),
    { baselineRevision: result.baselineRevision, resultKey: result.key },
    { ttlSeconds: RESULT_TTL_SECONDS },
  );
  const { partial: _partial, ...rest } = job;
  await writeJob(context, {
    ...rest,
    status: 'done',
    finishedAt: context.now().toISOString(),
    resultKey: result.key,
    reused,
    total: result.summary.totals.runs + result.summary.unusable,
    done: result.summary.totals.runs + result.summary.unusable,
    gaps: result.gaps,
  });
  await dropChunks(context, job.id);
}

async function fail(context: JobContext, job: ReplayJob, error: string): Promise<void> {
  context.log(`pipeline-guard: replay ${job.id} failed: ${error}`);
  await writeJob(context, { ...job, status: 'failed', error, finishedAt: context.now().toISOString() });
  await dropChunks(context, job.id);
}

/** Ends the job with the reused result of the same replay, or writes its chunks and queues the first batch. */
async function plan(context: JobContext, job: ReplayJob): Promise<void> {
  const { kv } = context;
  const listed = await listSamplePointers(kv, { days: job.days, now: new Date(job.startedAt) });
  const samples = [...listed.samples].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const samplesDigest = sha256(samples.map((s) => `${s.key}\u0000${JSON.stringify(s.pointer)}`).join('\n'));
  const input = (await kv.get(inputKey(job.id))) as JobInput;
  const key = sha256([job.draftDigest, policyDigest(policyOf(input.current)), samplesDigest, job.days].join('\n'));
  // A cancel that came while the samples were listed (or written below) stands: planning writes nothing over it.
  const cancelledMeanwhile = async () => (await readJob(context, job.id))?.status === 'cancelled';
  const earlier = await readResult(context, key);
  if (earlier && (await cancelledMeanwhile())) return;
  if (earlier) return finish(context, job, { ...earlier, baselineRevision: job.baselineRevision }, true);
  const chunks = chunksOf(samples);
  if (chunks.length > MAX_BATCHES)
    return fail(context, job, `${samples.length} samples need more than ${MAX_BATCHES} batches; replay fewer days`);
  for (const [index, chunk] of chunks.entries())
    await kv.set(chunkKey(job.id, index), chunk, { ttlSeconds: JOB_TTL_SECONDS });
  if (await cancelledMeanwhile()) return dropChunks(context, job.id);
  const planned: ReplayJob = {
    ...job,
    status: 'running',
    total: samples.length,
    batches: chunks.length,
    done: 0,
    partial: EMPTY_SUMMARY,
    gaps: listed.gaps,
    resultKey: key,
  };
  await writeJob(context, planned);
  if (chunks.length === 0) return finishBatches(context, planned);
  await context.queue.push([{ jobId: job.id, step: 'batch', index: 0 }]);
}

async function finishBatches(context: JobContext, job: ReplayJob): Promise<void> {
  const result: ReplayResult = {
    key: job.resultKey!,
    days: job.days,
    draftDigest: job.draftDigest,
    baselineRevision: job.baselineRevision,
    finishedAt: context.now().toISOString(),
    gaps: job.gaps ?? NO_GAPS,
    summary: job.partial ?? EMPTY_SUMMARY,
  };
  await finish(context, job, result, false);
}

/** Replays one chunk, folds it into the job and queues the next batch, or finishes after the last. */
async function batch(context: JobContext, job: ReplayJob, index: number): Promise<void> {
  const { kv } = context;
  const chunk = z
    .array(z.strictObject({ key: z.string(), pointer: SamplePointerSchema }))
    .safeParse(await kv.get(chunkKey(job.id, index)));
  if (!chunk.success) return fail(context, job, `batch ${index + 1} of the replay is missing or damaged`);
  const input = (await kv.get(inputKey(job.id))) as JobInput;
  const replayer = createReplayer({
    current: policyOf(input.current),
    draft: policyOf(input.draft)!,
    currentRevision: job.baselineRevision || undefined,
  });
  const loaded = await loadSamples(
    kv,
    chunk.data.map((s) => ({ key: s.key, pointer: s.pointer as SamplePointer })),
  );
  const summary = replayer.replay(loaded.samples);
  // Cancelled while this batch ran: drop its work rather than write over the cancellation.
  const latest = await readJob(context, job.id);
  if (latest?.status !== 'running') return;
  const next: ReplayJob = {
    ...job,
    done: job.done + chunk.data.length,
    partial: fitSummary(mergeReplaySummaries(job.partial ?? EMPTY_SUMMARY, summary), MAX_SUMMARY_BYTES),
    gaps: addGaps(job.gaps ?? NO_GAPS, loaded.gaps),
  };
  await writeJob(context, next);
  await kv.delete(chunkKey(job.id, index));
  if (index + 1 < (job.batches ?? 0)) await context.queue.push([{ jobId: job.id, step: 'batch', index: index + 1 }]);
  else await finishBatches(context, next);
}

async function startJob(context: JobContext, id: string, input: StartInput): Promise<ReplayJob> {
  const { kv } = context;
  const job: ReplayJob = {
    id,
    status: 'queued',
    startedAt: context.now().toISOString(),
    startedBy: input.startedBy,
    days: input.days,
    draftDigest: policyDigest(input.draft),
    baselineRevision: input.baselineRevision,
    done: 0,
  };
  await kv.set(inputKey(id), { draft: input.draft, current: input.current ?? null }, { ttlSeconds: JOB_TTL_SECONDS });
  await writeJob(context, job);
  await kv.set(LATEST_KEY, id);
  try {
    await context.queue.push([{ jobId: id, step: 'plan' }]);
  } catch (error) {
    await fail(context, job, `the job could not be queued: ${(error as Error)?.message ?? String(error)}`);
    return (await readJob(context, id))!;
  }
  return job;
}

async function handleEvent(context: JobContext, body: unknown): Promise<void> {
  const event = ReplayEventSchema.safeParse(body);
  if (!event.success) return context.log('pipeline-guard: replay event ignored: not a replay event');
  const job = await readJob(context, event.data.jobId);
  if (!job || job.status === 'cancelled' || job.status === 'done' || job.status === 'failed') return;
  try {
    if (event.data.step === 'plan') await plan(context, { ...job, status: 'running' });
    else await batch(context, job, event.data.index);
  } catch (error) {
    await fail(context, job, (error as Error)?.message ?? String(error));
  }
}

async function cancelJob(context: JobContext, id: string): Promise<ReplayJob | undefined> {
  const job = await readJob(context, id);
  if (!job || (job.status !== 'queued' && job.status !== 'running')) return job;
  const { partial: _partial, ...rest } = job;
  const cancelled: ReplayJob = { ...rest, status: 'cancelled', finishedAt: context.now().toISOString() };
  await writeJob(context, cancelled);
  await dropChunks(context, id);
  return cancelled;
}

async function latestJob(context: JobContext): Promise<{ job?: ReplayJob; result?: ReplayResult }> {
  const id = (await context.kv.get(LATEST_KEY)) as string | undefined;
  const job = typeof id === 'string' ? await readJob(context, id) : undefined;
  if (!job) return {};
  const { partial: _partial, ...shown } = job;
  const result = job.status === 'done' && job.resultKey ? await readResult(context, job.resultKey) : undefined;
  return { job: shown, ...(result ? { result } : {}) };
}

async function resultFor(
  context: JobContext,
  draft: Policy,
  baselineRevision: number,
): Promise<ReplayResult | undefined> {
  const verdict = (await context.kv.get(verdictKey(policyDigest(draft)))) as
    { baselineRevision?: unknown; resultKey?: unknown } | undefined;
  if (!verdict || verdict.baselineRevision !== baselineRevision || typeof verdict.resultKey !== 'string')
    return undefined;
  return readResult(context, verdict.resultKey);
}

export function createReplayJobs(deps: ReplayJobDependencies) {
  const context: JobContext = {
    kv: deps.kv,
    queue: deps.queue,
    now: deps.now ?? (() => new Date()),
    log: deps.log ?? ((message: string) => console.log(message)),
  };
  const newId = deps.newId ?? (() => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`);

  return {
    /** Records the job and queues its first event; the caller has checked the admin and the draft. */
    async start(input: StartInput): Promise<ReplayJob> {
      return startJob(context, newId(), input);
    },

    /** The consumer: one event of a job. Never throws, so that Forge does not retry a failed batch. */
    async handle(body: unknown): Promise<void> {
      return handleEvent(context, body);
    },

    async cancel(id: string): Promise<ReplayJob | undefined> {
      return cancelJob(context, id);
    },

    /** The latest job, and its result when it has one. */
    async latest(): Promise<{ job?: ReplayJob; result?: ReplayResult }> {
      return latestJob(context);
    },

    /** The latest replay of this draft against this enforced revision, for the save's check. */
    async resultFor(draft: Policy, baselineRevision: number): Promise<ReplayResult | undefined> {
      return resultFor(context, draft, baselineRevision);
    },
  };
}

export type ReplayJobs = ReturnType<typeof createReplayJobs>;
