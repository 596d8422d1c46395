/**
 * The settings page's replay and run-sample actions, all for workspace admins only (samples hold
 * pipeline files, and a replay reads every one): start, follow and cancel a replay; see, export,
 * switch off and delete the samples. Registered by createHandlers next to the policy actions; the
 * save's replay check (`replayCheck`) is called from its commit.
 */
import * as z from 'zod';
import type { Policy } from '../policy/schema';
import type { KeyValueStore } from '../storage/kv';
import type { PolicyRepository } from '../storage/policy-repo';
import type { ReplayBrief } from '../storage/replay-brief';
import {
  DEFAULT_REPLAY_DAYS,
  deleteSamples,
  loadSamples,
  MAX_REPLAY_DAYS,
  SamplePointerSchema,
  sampleLine,
  setSampling,
  type StoredSample,
} from '../storage/sample-store';
import { SAMPLE_RUN_PREFIX, type SamplePointer } from '../storage/sample-writer';
import type { ReplayView, SamplesExportView, SamplesView } from './replay-api';
import { briefOf, createReplayJobs, type ReplayJobs, type ReplayQueue } from './replay-jobs';
import type { HandlerKit } from './scope-handlers';

export interface ReplayDependencies {
  readonly kv: KeyValueStore;
  /** Forge's async events queue; without it (tests), events run in-process. */
  readonly replayQueue?: ReplayQueue;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** As the other actions that take a draft. */
const MAX_POLICY_TEXT = 128 * 1024;
/** Samples counted for the page; beyond this it says "at least". */
const COUNT_CAP = 5_000;
/** Samples per export call: 20 configurations at the 240 KiB limit still fit Forge's 5 MB answer. */
const EXPORTED_SAMPLES_PER_CALL = 20;
/** A delete call stops well inside the resolver's 25 s; the page calls again until none remain. */
const DELETE_BUDGET_MS = 15_000;

/** Runs events one after another in this process: the console's and the tests' stand-in for Forge's queue. */
export function createInProcessQueue(
  handle: () => (body: unknown) => Promise<void>,
): ReplayQueue & { idle(): Promise<void> } {
  let tail: Promise<void> = Promise.resolve();
  return {
    async push(events) {
      for (const event of events)
        tail = tail.then(
          () => new Promise<void>((resolve) => setImmediate(() => handle()(event).then(resolve, resolve))),
        );
    },
    idle: async () => {
      let seen: Promise<void> | undefined;
      while (seen !== tail) await (seen = tail);
    },
  };
}

const Payloads = {
  start: z
    .strictObject({
      days: z.number().int().min(1).max(MAX_REPLAY_DAYS).optional(),
      policy: z.unknown().optional(),
      policyText: z.string().max(MAX_POLICY_TEXT).optional(),
    })
    .refine(
      (v) => (v.policy === undefined) !== (v.policyText === undefined),
      'send the draft as `policy` or `policyText`',
    ),
  none: z.strictObject({}),
  cancel: z.strictObject({ jobId: z.string().regex(/^[a-z0-9]{6,40}$/) }),
  sampling: z.strictObject({ enabled: z.boolean() }),
  export: z.strictObject({ cursor: z.string().max(4_000).optional() }),
};

type ReplayKit = HandlerKit & {
  repo: PolicyRepository;
  savedPolicy(): Promise<{ policy: Policy | undefined; revision: number }>;
};

/** Whether the saved policy keeps sampling on, and how many samples are stored (counted up to COUNT_CAP). */
async function sampleCounts(kv: KeyValueStore, repo: PolicyRepository): Promise<SamplesView> {
  const current = await repo.current();
  const sampling =
    current.state !== 'ok' ||
    [undefined, true].includes((current.record as { sampling?: unknown }).sampling as boolean | undefined);
  let stored = 0;
  let cursor: string | undefined;
  do {
    const page = await kv.list(SAMPLE_RUN_PREFIX, { limit: 100, cursor });
    stored += page.entries.length;
    cursor = page.cursor;
  } while (cursor !== undefined && stored < COUNT_CAP);
  return { sampling, stored, countCap: COUNT_CAP, policySaved: current.state === 'ok' };
}

/** One page of samples as JSON lines; `cursor` continues. */
async function exportedSamples(
  kv: KeyValueStore,
  cursor: string | undefined,
  now: () => Date,
): Promise<SamplesExportView> {
  const page = await kv.list(SAMPLE_RUN_PREFIX, { limit: EXPORTED_SAMPLES_PER_CALL, cursor });
  const stored: StoredSample[] = page.entries.flatMap((entry) => {
    const parsed = SamplePointerSchema.safeParse(entry.value);
    return parsed.success ? [{ key: entry.key, pointer: parsed.data as SamplePointer }] : [];
  });
  const { samples } = await loadSamples(kv, stored);
  return {
    filename: `pipeline-guard-samples-${now().toISOString().slice(0, 10)}.jsonl`,
    jsonl: samples.map((sample) => sampleLine(sample)).join(''),
    lines: samples.length,
    ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
  };
}

/**
 * The save's check: when the draft was replayed against the enforced revision and newly blocks
 * runs, the save needs the admin's confirmation. Returns the brief to record with the revision.
 */
async function checkReplay(
  jobs: ReplayJobs,
  kit: ReplayKit,
  draft: Policy,
  baselineRevision: number,
  confirmed: boolean,
): Promise<ReplayBrief | undefined> {
  const result = await jobs.resultFor(draft, baselineRevision);
  if (!result) return undefined;
  const brief = briefOf(result, confirmed);
  if (brief.newlyBlocked > 0 && !confirmed) {
    const blockingRepositories = result.summary.byRepository.filter((r) => r.newlyBlocked > 0).length;
    const more = blockingRepositories > brief.repositories.length ? ' and more' : '';
    const where = brief.repositories.length ? ` in ${brief.repositories.join(', ')}${more}` : '';
    kit.refuse({
      code: 'newly-blocks',
      message:
        `Not saved: replayed against the run samples of the last ${brief.days} days, this draft newly blocks ` +
        `${brief.newlyBlocked} ${brief.newlyBlocked === 1 ? 'run' : 'runs'}${where}. ` +
        'Confirm that these runs should be blocked, and save again.',
      replay: brief,
    });
  }
  return brief;
}

export function createReplayHandlers(deps: ReplayDependencies, kit: ReplayKit) {
  const now = deps.now ?? (() => new Date());
  const queue = deps.replayQueue ?? createInProcessQueue(() => jobs.handle);
  const jobs = createReplayJobs({ kv: deps.kv, queue, now, newId: deps.newId });

  const admin = <T>(body: (payload: unknown, accountId: string) => Promise<T>) =>
    kit.handler<T>(async (identity, payload) => {
      await kit.requireAdmin(identity);
      return body(payload, identity.accountId);
    });

  const handlers = {
    startReplay: admin<ReplayView>(async (payload, accountId) => {
      const input = kit.parsePayload(Payloads.start, payload);
      const { policy: draft } = await kit.policyFor(input);
      const saved = await kit.savedPolicy();
      const job = await jobs.start({
        draft: draft!,
        current: saved.policy,
        baselineRevision: saved.revision,
        days: input.days ?? DEFAULT_REPLAY_DAYS,
        startedBy: accountId,
      });
      return jobs.latest().then((latest) => (latest.job?.id === job.id ? latest : { job }));
    }),

    replayStatus: admin<ReplayView>(async (payload) => {
      kit.parsePayload(Payloads.none, payload);
      return jobs.latest();
    }),

    cancelReplay: admin<ReplayView>(async (payload) => {
      const { jobId } = kit.parsePayload(Payloads.cancel, payload);
      const job = await jobs.cancel(jobId);
      if (!job) return kit.refuse({ code: 'not-found', message: 'That replay is no longer kept; start a new one.' });
      return jobs.latest();
    }),

    samples: admin<SamplesView>(async (payload) => {
      kit.parsePayload(Payloads.none, payload);
      return sampleCounts(deps.kv, kit.repo);
    }),

    setSampling: admin<{ sampling: boolean }>(async (payload) => {
      const { enabled } = kit.parsePayload(Payloads.sampling, payload);
      const result = await setSampling(deps.kv, kit.repo, enabled);
      if (!result.ok)
        return kit.refuse({
          code: 'not-found',
          message:
            'Sampling is switched in the saved policy record, and no policy is saved yet. Save a policy first; ' +
            'until then the provider keeps samples so that the first policy can be replayed.',
        });
      return { sampling: enabled };
    }),

    deleteSamples: admin<{ deleted: number; remaining: boolean }>(async (payload) => {
      kit.parsePayload(Payloads.none, payload);
      return deleteSamples(deps.kv, { budgetMs: DELETE_BUDGET_MS });
    }),

    exportSamples: admin<SamplesExportView>(async (payload) => {
      const { cursor } = kit.parsePayload(Payloads.export, payload);
      return exportedSamples(deps.kv, cursor, now);
    }),
  };

  const replayCheck = (draft: Policy, baselineRevision: number, confirmed: boolean): Promise<ReplayBrief | undefined> =>
    checkReplay(jobs, kit, draft, baselineRevision, confirmed);

  return { handlers, replayCheck, jobs };
}
