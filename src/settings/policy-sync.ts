/**
 * Policy as code: loads the policy from a file in a Bitbucket repository when its branch moves.
 *
 * A push to the source branch (`avi:bitbucket:push:repository`), the hourly catch-up and the page's
 * "Load now" all end in `syncHead`: read the branch head (as the app), and unless its commit is
 * already the active revision, read the policy file and the tests file at that commit, validate the
 * policy, run the tests, replay the draft (injected; see `ReplayDraft`), and only when everything
 * passes commit it as the next revision, recorded with the commit's hash, author and message. A
 * failure leaves the active policy alone, is kept for the page with its commit, and is reported on
 * the commit as a build status where Bitbucket accepts one.
 *
 * Loading the head rather than the event's `push.after`: events can arrive late and out of order,
 * and an old event must never bring back an older policy. When they agree (the usual case) it is
 * the same commit. Pure: Bitbucket comes in through a port (src/forge/bitbucket-app-request.ts in
 * Forge, dev/bitbucket-stub.ts in the console), storage through the KVS port.
 */
import * as z from 'zod';
import { compilePolicy } from '../engine/compiled-policy';
import type { Policy } from '../policy/schema';
import { parsePolicyText } from '../policy/text';
import { createGrantStore } from '../storage/grant-store';
import type { KeyValueStore } from '../storage/kv';
import { createPolicyRepository, type RevisionRecord } from '../storage/policy-repo';
import {
  createPolicySourceStore,
  type CommitInfo,
  type RepositorySource,
  type SyncFailureKind,
  type SyncStatus,
} from '../storage/policy-source';
import { parseYaml } from '../yaml/document';
import { runPolicyTest } from './policy-test-run';
import { parseTestsFile } from './policy-tests-file';
import { bareUuid } from '../primitives/uuid';

/** One answer of Bitbucket REST as the app: status and body text. */
export interface AppRestAnswer {
  readonly status: number;
  readonly text: string;
}

/** Bitbucket REST as the app (`api.asApp().requestBitbucket`); `path` is built and encoded here. */
export type BitbucketAppRequest = (
  path: string,
  init?: { method: 'GET' | 'POST'; body?: unknown },
) => Promise<AppRestAnswer>;

/** What a replay of the draft against the stored run samples found (the `replay` work of issue 19). */
export interface ReplayResult {
  readonly newlyBlocked: number;
  readonly summary: string;
}

/** Replays a draft policy against the run samples; absent until replay is wired (the load then skips it). */
export type ReplayDraft = (draft: Policy) => Promise<ReplayResult>;

export interface PolicySyncDependencies {
  readonly kv: KeyValueStore;
  readonly request: BitbucketAppRequest;
  readonly replay?: ReplayDraft;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

export type SyncTrigger = 'push' | 'hourly' | 'manual' | 'switch';

export type SyncOutcome =
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'unchanged'; readonly hash: string }
  | { readonly outcome: 'loaded'; readonly hash: string; readonly revision: number }
  | { readonly outcome: 'failed'; readonly hash?: string; readonly kind: SyncFailureKind; readonly message: string };

/** A policy file far above any real policy and far below the KVS value limit (as the page's text limit). */
export const MAX_POLICY_FILE = 128 * 1024;
export const MAX_TESTS_FILE = 512 * 1024;
/** The build status key on the commit; one per app, so a later result replaces an earlier one. */
export const BUILD_STATUS_KEY = 'pipeline-guard-policy';
/**
 * A commit that newly blocks runs (per replay) loads only when its message confirms it, as a save
 * on the page needs a confirmation: `Pipeline-Guard-Accept-Newly-Blocked: 14` (at least the count).
 */
export const ACCEPT_TRAILER = 'Pipeline-Guard-Accept-Newly-Blocked';

export class SyncFailure extends Error {
  constructor(
    readonly kind: SyncFailureKind,
    message: string,
    readonly details: string[] = [],
    readonly retryable = false,
  ) {
    super(message);
  }
}

const short = (hash: string) => hash.slice(0, 12);
const enc = (segment: string) => encodeURIComponent(segment);
const repoPath = (source: RepositorySource) =>
  `/2.0/repositories/${enc(source.workspace)}/${enc(source.repository.uuid)}`;
const filePath = (path: string) => path.split('/').map(enc).join('/');
export const fileLink = (source: RepositorySource, ref: string = source.branch) =>
  `https://bitbucket.org/${source.repository.fullName}/src/${enc(ref)}/${filePath(source.path)}`;

const BranchAnswerSchema = z.looseObject({
  target: z.looseObject({
    hash: z.string().regex(/^[0-9a-f]{7,64}$/),
    message: z.string().optional(),
    date: z.string().max(100).optional(),
    author: z
      .looseObject({
        raw: z.string().optional(),
        user: z
          .looseObject({
            account_id: z.string().optional(),
            uuid: z.string().optional(),
            display_name: z.string().optional(),
          })
          .nullish(),
      })
      .nullish(),
  }),
});

const HINTS: Record<number, string> = {
  401: ' (is the app still allowed to read the repository?)',
  403: ' (is the app still allowed to read the repository?)',
  429: ' (rate limited)',
};

const bitbucketFailure = (what: string, answer: AppRestAnswer) =>
  new SyncFailure(
    'bitbucket',
    `Bitbucket answered ${answer.status} when Pipeline Guard read ${what}${HINTS[answer.status] ?? ''}. ` +
      'The hourly check tries again.',
    [],
    true,
  );

/** Reads the branch head as the app: the commit and its author and message. */
export async function readBranchHead(request: BitbucketAppRequest, source: RepositorySource): Promise<CommitInfo> {
  const what = `branch ${source.branch} of ${source.repository.fullName}`;
  let answer: AppRestAnswer;
  try {
    answer = await request(`${repoPath(source)}/refs/branches/${enc(source.branch)}`);
  } catch (error) {
    throw new SyncFailure(
      'bitbucket',
      `Pipeline Guard could not reach Bitbucket to read ${what}: ${(error as Error).message}. ` +
        'The hourly check tries again.',
      [],
      true,
    );
  }
  if (answer.status === 404)
    throw new SyncFailure(
      'bitbucket',
      `${what} does not exist (or the app cannot see it). Create it, or set another branch as the policy source.`,
      [],
      true,
    );
  if (answer.status !== 200) throw bitbucketFailure(what, answer);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  const parsed = BranchAnswerSchema.safeParse(body);
  if (!parsed.success)
    throw new SyncFailure('bitbucket', `Bitbucket's answer for ${what} is not a branch with a commit.`, [], true);
  const { hash, message, date, author } = parsed.data.target;
  const who = author?.user?.display_name ?? author?.raw;
  return {
    hash,
    ...(who ? { author: who.slice(0, 300) } : {}),
    ...(message ? { message: message.slice(0, 2_000) } : {}),
    ...(date ? { date } : {}),
  };
}

/** The file's text at the commit; undefined when the commit has no such file. */
async function readFile(
  request: BitbucketAppRequest,
  source: RepositorySource,
  hash: string,
  path: string,
  limit: number,
): Promise<string | undefined> {
  let answer: AppRestAnswer;
  try {
    answer = await request(`${repoPath(source)}/src/${hash}/${filePath(path)}`);
  } catch (error) {
    throw new SyncFailure(
      'bitbucket',
      `Pipeline Guard could not reach Bitbucket to read ${path} at commit ${short(hash)}: ` +
        `${(error as Error).message}. The hourly check tries again.`,
      [],
      true,
    );
  }
  if (answer.status === 404) return undefined;
  if (answer.status === 301 || answer.status === 302)
    throw new SyncFailure(
      'invalid-policy',
      `${path} at commit ${short(hash)} is stored in Git LFS (Bitbucket answered ${answer.status}); ` +
        'keep the file in the repository itself.',
    );
  if (answer.status !== 200) throw bitbucketFailure(`${path} at commit ${short(hash)}`, answer);
  if (answer.text.length > limit)
    throw new SyncFailure(
      'invalid-policy',
      `${path} at commit ${short(hash)} is ${Math.ceil(answer.text.length / 1024)} KiB; ` +
        `the limit is ${limit / 1024} KiB.`,
    );
  return answer.text;
}

export interface Evaluation {
  readonly raw: unknown;
  readonly text: string;
  readonly policy: Policy;
  readonly testsRun: number;
  readonly replay?: ReplayResult;
}

const acceptedBlocks = (message: string | undefined): number => {
  const match = new RegExp(`^${ACCEPT_TRAILER}:\\s*(\\d{1,6})\\s*$`, 'mi').exec(message ?? '');
  return match ? Number(match[1]) : 0;
};

async function runTestsAt(
  deps: PolicySyncDependencies,
  source: RepositorySource,
  hash: string,
  policy: Policy,
): Promise<number> {
  const testsText = await readFile(deps.request, source, hash, source.testsPath, MAX_TESTS_FILE);
  if (testsText === undefined) return 0;
  const tests = parseTestsFile(testsText);
  if (!tests.ok)
    throw new SyncFailure(
      'invalid-tests',
      `${source.testsPath} at commit ${short(hash)} is not a valid policy tests file.`,
      tests.problems,
    );
  const compiled = compilePolicy(policy);
  const failures = tests.tests
    .map((test, index) => runPolicyTest({ ...test, id: `file${index + 1}` }, compiled))
    .filter((outcome) => !outcome.passed);
  if (failures.length)
    throw new SyncFailure(
      'tests-failed',
      `The policy at commit ${short(hash)} breaks ` +
        `${failures.length === 1 ? 'a policy test' : `${failures.length} policy tests`} of ${source.testsPath}.`,
      failures.map((f) => `"${f.name}" expects ${f.expect} but got ${f.actual}${f.detail ? ` (${f.detail})` : ''}`),
    );
  return tests.tests.length;
}

/**
 * Everything a commit must pass before its policy may be enforced, without storing anything: the
 * push and hourly loads use it, and so can the policy repository's pull-request check (issue 18)
 * on a pull request's source commit. Throws SyncFailure.
 */
export async function evaluatePolicyCommit(
  deps: PolicySyncDependencies,
  source: RepositorySource,
  commit: CommitInfo,
): Promise<Evaluation> {
  const { hash } = commit;
  const text = await readFile(deps.request, source, hash, source.path, MAX_POLICY_FILE);
  if (text === undefined)
    throw new SyncFailure(
      'missing-file',
      `${source.path} does not exist at commit ${short(hash)} of ${source.repository.fullName}. ` +
        'Add the policy file (export it from the settings page to start), or set the right path.',
    );
  const result = parsePolicyText(text);
  if (!result.ok)
    throw new SyncFailure(
      'invalid-policy',
      `${source.path} at commit ${short(hash)} is not a valid policy.`,
      result.problems.slice(0, 40).map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`),
    );
  const testsRun = await runTestsAt(deps, source, hash, result.policy);
  let replay: ReplayResult | undefined;
  if (deps.replay) {
    try {
      replay = await deps.replay(result.policy);
    } catch (error) {
      throw new SyncFailure(
        'replay-error',
        `The replay of commit ${short(hash)} against recent runs failed: ${(error as Error).message}. ` +
          'The hourly check tries again.',
        [],
        true,
      );
    }
    if (replay.newlyBlocked > acceptedBlocks(commit.message))
      throw new SyncFailure(
        'replay-blocks',
        `The policy at commit ${short(hash)} newly blocks ${replay.newlyBlocked} recent ` +
          `run${replay.newlyBlocked === 1 ? '' : 's'}. If that is intended, confirm it in a new commit whose ` +
          `message has the line "${ACCEPT_TRAILER}: ${replay.newlyBlocked}".`,
        [replay.summary.slice(0, 1_000)],
      );
  }
  return {
    raw: JSON.parse(JSON.stringify(parseYaml(text).value)),
    text,
    policy: result.policy,
    testsRun,
    ...(replay ? { replay } : {}),
  };
}

/** A push event's facts, as far as the trigger needs them; undefined for a tag push or an unreadable event. */
export interface PushFacts {
  readonly repositoryUuid: string;
  readonly branch: string;
  readonly after?: string;
}

const RefSchema = z.union([z.string(), z.looseObject({ name: z.string(), type: z.string().optional() })]);
const HashSchema = z
  .union([z.string(), z.looseObject({ hash: z.string() })])
  .transform((v) => (typeof v === 'string' ? v : v.hash));
const PushEventSchema = z.looseObject({
  repository: z.looseObject({ uuid: z.string().max(100) }),
  push: z.looseObject({
    ref: RefSchema.optional(),
    after: HashSchema.nullish(),
    closed: z.boolean().optional(),
    // The webhook's shape, in case the Forge event carries it too (not documented for it).
    changes: z
      .array(
        z.looseObject({
          new: z
            .looseObject({
              name: z.string(),
              type: z.string().optional(),
              target: z.looseObject({ hash: z.string() }).optional(),
            })
            .nullish(),
        }),
      )
      .optional(),
  }),
});

function branchOf(ref: z.output<typeof RefSchema>): string | undefined {
  if (typeof ref === 'string') return ref.startsWith('refs/tags/') ? undefined : ref.replace(/^refs\/heads\//, '');
  return ref.type !== undefined && ref.type !== 'branch' ? undefined : ref.name;
}

export function parsePushEvent(event: unknown): PushFacts | undefined {
  const parsed = PushEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { repository, push } = parsed.data;
  const change = push.changes?.find((c) => c.new);
  const branch = push.ref !== undefined ? branchOf(push.ref) : change?.new ? branchOf(change.new) : undefined;
  if (branch === undefined) return undefined;
  const after = push.after ?? change?.new?.target?.hash;
  return { repositoryUuid: repository.uuid, branch, ...(after && !push.closed ? { after } : {}) };
}

const sameUuid = (a: string, b: string) => bareUuid(a) === bareUuid(b);

interface SyncContext {
  readonly deps: PolicySyncDependencies;
  readonly now: () => Date;
  readonly log: (message: string) => void;
  readonly sources: ReturnType<typeof createPolicySourceStore>;
  readonly policies: ReturnType<typeof createPolicyRepository>;
  readonly grants: ReturnType<typeof createGrantStore>;
}

/** The commit of the active revision, when that revision came from this source. */
async function activeCommit(ctx: SyncContext, source: RepositorySource): Promise<RevisionRecord | undefined> {
  const current = await ctx.policies.current();
  if (current.state !== 'ok' || current.record.action !== 'commit' || !current.record.commit) return undefined;
  const { commit } = current.record;
  return commit.repository === source.repository.fullName &&
    commit.branch === source.branch &&
    commit.path === source.path
    ? current.record
    : undefined;
}

async function reportOnCommit(
  ctx: SyncContext,
  source: RepositorySource,
  hash: string,
  state: 'SUCCESSFUL' | 'FAILED',
  description: string,
): Promise<SyncStatus['report']> {
  const body = {
    key: BUILD_STATUS_KEY,
    state,
    name: 'Pipeline Guard policy',
    description: description.slice(0, 250),
    url: fileLink(source, hash),
  };
  try {
    const answer = await ctx.deps.request(`${repoPath(source)}/commit/${hash}/statuses/build`, {
      method: 'POST',
      body,
    });
    const posted = answer.status >= 200 && answer.status < 300;
    if (!posted)
      ctx.log(
        `pipeline-guard: Bitbucket refused the build status on ${short(hash)} (${answer.status}); ` +
          'the result shows on the settings page only',
      );
    return {
      hash,
      state,
      posted,
      detail: posted ? 'build status set on the commit' : `Bitbucket answered ${answer.status} to the build status`,
    };
  } catch (error) {
    ctx.log(`pipeline-guard: the build status on ${short(hash)} could not be set: ${(error as Error).message}`);
    return {
      hash,
      state,
      posted: false,
      detail: `the build status could not be set: ${(error as Error).message}`.slice(0, 500),
    };
  }
}

async function commitRevision(
  ctx: SyncContext,
  source: RepositorySource,
  commit: CommitInfo,
  evaluation: Evaluation,
): Promise<RevisionRecord | 'already'> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await ctx.policies.current();
    if (
      current.state === 'ok' &&
      current.record.commit?.hash === commit.hash &&
      current.record.commit.repository === source.repository.fullName
    )
      return 'already';
    const expectedRevision =
      current.state === 'none' ? 0 : current.state === 'ok' ? current.record.revision : current.revision;
    const result = await ctx.policies.commit({
      expectedRevision,
      policy: evaluation.raw,
      policyText: evaluation.text,
      savedAt: ctx.now().toISOString(),
      savedBy: (commit.author ?? `commit ${short(commit.hash)}`).slice(0, 200),
      action: 'commit',
      commit: {
        repository: source.repository.fullName,
        branch: source.branch,
        path: source.path,
        hash: commit.hash,
        ...(commit.author ? { author: commit.author } : {}),
        ...(commit.message ? { message: commit.message } : {}),
        ...(commit.date ? { date: commit.date } : {}),
        ...(evaluation.replay ? { replay: evaluation.replay.summary.slice(0, 2_000) } : {}),
      },
    });
    if (result.ok) return result.record;
  }
  throw new SyncFailure(
    'bitbucket',
    'The policy kept changing while this commit was being loaded (other saves); the hourly check tries again.',
    [],
    true,
  );
}

async function recordFailure(
  ctx: SyncContext,
  source: RepositorySource,
  status: SyncStatus,
  trigger: SyncTrigger,
  commit: CommitInfo | undefined,
  failure: SyncFailure,
): Promise<SyncOutcome> {
  const at = ctx.now().toISOString();
  const next: SyncStatus = {
    ...status,
    lastCheck: { at, trigger, outcome: 'failed', ...(commit ? { hash: commit.hash } : {}) },
  };
  if (commit) {
    const kept = (await activeCommit(ctx, source))?.commit?.hash;
    const stays = kept ? `The policy of commit ${short(kept)} stays in force.` : 'The active policy stays in force.';
    const message = `${failure.message} ${stays}`;
    next.failure = {
      ...commit,
      at,
      kind: failure.kind,
      message,
      details: failure.details.slice(0, 40).map((d) => d.slice(0, 1_000)),
      retryable: failure.retryable,
    };
    if (!failure.retryable)
      next.report = await reportOnCommit(ctx, source, commit.hash, 'FAILED', `Not loaded: ${failure.message}`);
  } else {
    // No commit to blame (the branch head could not be read): the last commit's failure, if any, stays shown.
    next.lastCheck = { ...next.lastCheck!, message: failure.message.slice(0, 1_000) };
  }
  await ctx.sources.setStatus(next);
  const message = next.failure && commit ? next.failure.message : failure.message;
  ctx.log(`pipeline-guard: policy source ${source.repository.fullName}@${source.branch}: ${message}`);
  return { outcome: 'failed', ...(commit ? { hash: commit.hash } : {}), kind: failure.kind, message };
}

async function loadCommit(
  ctx: SyncContext,
  source: RepositorySource,
  status: SyncStatus,
  trigger: SyncTrigger,
  commit: CommitInfo,
): Promise<SyncOutcome> {
  let evaluation: Evaluation;
  let record: RevisionRecord | 'already';
  try {
    evaluation = await evaluatePolicyCommit(ctx.deps, source, commit);
    record = await commitRevision(ctx, source, commit, evaluation);
  } catch (error) {
    if (error instanceof SyncFailure) return recordFailure(ctx, source, status, trigger, commit, error);
    throw error;
  }
  const at = ctx.now().toISOString();
  if (record === 'already') return { outcome: 'unchanged', hash: commit.hash };
  // A grant made or revoked while this load was in flight must not be lost with its old copy.
  await ctx.grants
    .syncActive(ctx.now())
    .catch((error: Error) => ctx.log(`pipeline-guard: re-syncing grants after a policy load failed: ${error.message}`));
  const tests = evaluation.testsRun
    ? `all ${evaluation.testsRun} policy tests pass`
    : `no policy tests (${source.testsPath} is absent)`;
  const next: SyncStatus = {
    source: status.source,
    active: { ...commit, revision: record.revision, loadedAt: at },
    lastCheck: { at, trigger, outcome: 'loaded', hash: commit.hash },
    report: await reportOnCommit(
      ctx,
      source,
      commit.hash,
      'SUCCESSFUL',
      `Loaded as revision ${record.revision}; ${tests}.`,
    ),
  };
  await ctx.sources.setStatus(next);
  ctx.log(
    `pipeline-guard: loaded the policy of ${source.repository.fullName}@${short(commit.hash)} ` +
      `as revision ${record.revision}`,
  );
  return { outcome: 'loaded', hash: commit.hash, revision: record.revision };
}

/** Loads the branch head unless it is already active (or already failed for good). */
async function syncHead(ctx: SyncContext, source: RepositorySource, trigger: SyncTrigger): Promise<SyncOutcome> {
  const status = await ctx.sources.status(source);
  let head: CommitInfo;
  try {
    head = await readBranchHead(ctx.deps.request, source);
  } catch (error) {
    if (error instanceof SyncFailure) return recordFailure(ctx, source, status, trigger, undefined, error);
    throw error;
  }
  const unchanged =
    (await activeCommit(ctx, source))?.commit?.hash === head.hash ||
    (status.failure?.hash === head.hash && !status.failure.retryable);
  if (!unchanged) return loadCommit(ctx, source, status, trigger, head);
  await ctx.sources.setStatus({
    ...status,
    lastCheck: {
      at: ctx.now().toISOString(),
      trigger,
      outcome: status.failure?.hash === head.hash ? 'failed' : 'unchanged',
      hash: head.hash,
    },
  });
  return status.failure?.hash === head.hash
    ? { outcome: 'failed', hash: head.hash, kind: status.failure.kind, message: status.failure.message }
    : { outcome: 'unchanged', hash: head.hash };
}

export function createPolicySync(deps: PolicySyncDependencies) {
  const policies = createPolicyRepository(deps.kv);
  const ctx: SyncContext = {
    deps,
    now: deps.now ?? (() => new Date()),
    log: deps.log ?? ((message: string) => console.log(message)),
    sources: createPolicySourceStore(deps.kv),
    policies,
    grants: createGrantStore(deps.kv, policies),
  };

  const repositorySource = async (): Promise<RepositorySource | undefined> => {
    const found = await ctx.sources.current();
    return found.state === 'ok' && found.record?.source.kind === 'repository' ? found.record.source : undefined;
  };

  return {
    syncHead: (source: RepositorySource, trigger: SyncTrigger) => syncHead(ctx, source, trigger),

    /** The push trigger: anything but a push to the source branch is ignored after one storage read. */
    async onPush(event: unknown): Promise<SyncOutcome> {
      const facts = parsePushEvent(event);
      if (!facts) return { outcome: 'ignored', reason: 'not a branch push' };
      const source = await repositorySource();
      if (!source) return { outcome: 'ignored', reason: 'the policy is kept on the settings page' };
      if (!sameUuid(facts.repositoryUuid, source.repository.uuid))
        return { outcome: 'ignored', reason: 'another repository' };
      if (facts.branch !== source.branch)
        return { outcome: 'ignored', reason: `branch ${facts.branch}, not ${source.branch}` };
      if (facts.after && (await activeCommit(ctx, source))?.commit?.hash === facts.after)
        return { outcome: 'unchanged', hash: facts.after };
      return syncHead(ctx, source, 'push');
    },

    /** The hourly job: catches up with a branch whose push event was late or lost. */
    async catchUp(trigger: SyncTrigger = 'hourly'): Promise<SyncOutcome> {
      const source = await repositorySource();
      if (!source) return { outcome: 'ignored', reason: 'the policy is kept on the settings page' };
      return syncHead(ctx, source, trigger);
    },
  };
}

export type PolicySync = ReturnType<typeof createPolicySync>;
