/**
 * The `bitbucket:mergeCheck` function, minus Forge. `on-code-pushed` evaluates the pull request, writes the
 * Code Insights report on the source commit and caches the answer by everything it depends on (the pull request,
 * both branches and commits, the source repository, the policy revision and the grants in force); `on-merge`
 * answers from that cache when it can (one call: the pull request), so a merge click is not kept waiting. An
 * answer that read an import from another repository at a branch or tag is never cached: that branch may have
 * moved since. It never throws and never says "passed" for a run it did not simulate: a fault answers with a
 * failure that says so and how to re-run, unless the policy says `pullRequests.onFault: pass`.
 */
import * as z from 'zod';
import { comparisonInsights, annotationBatches, REPORT_ID, type CodeInsights } from '../pullrequest/formats';
import { comparisonMessage } from '../pullrequest/message';
import type { RepositoryLookup } from '../provider/repository-lookup';
import type { KeyValueStore } from '../storage/kv';
import {
  CheckFault,
  checkKey,
  evaluatePullRequest,
  loadPolicy,
  readPullRequest,
  type Evaluation,
  type LoadedPolicy,
  type PullRequestInfo,
  type PullRequestRef,
} from './evaluate';
import { BitbucketFault, createRestClient, paths, type BitbucketRequest, type RestClient } from './rest';
import { bareUuid } from '../primitives/uuid';

export interface MergeCheckAnswer {
  readonly success: boolean;
  readonly message: string;
}

export interface MergeCheckDependencies {
  readonly kv: KeyValueStore;
  readonly bitbucket: BitbucketRequest;
  readonly repositories?: RepositoryLookup;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (message: string) => void;
  /** Well inside Forge's 25 s: 429 waits stop here, leaving time to answer. */
  readonly budgetMs?: number;
}

export const DEFAULT_BUDGET_MS = 18_000;
/** On-merge answers come from this cache; a day covers any review. */
export const RESULT_TTL_SECONDS = 24 * 3_600;

const Payload = z.looseObject({
  workspace: z.looseObject({ uuid: z.string().min(1).max(100) }),
  repository: z.looseObject({ uuid: z.string().min(1).max(100) }),
  pullrequest: z.looseObject({ id: z.number().int().min(1) }),
  trigger: z.looseObject({ type: z.string().max(100) }).optional(),
});

/**
 * Everything a verdict depends on that the merge click can see. Commits alone are not enough: a second pull request
 * from the same commit into a branch where nothing runs would store a pass that the first one's merge then reads.
 */
const resultKey = (repository: string, pr: PullRequestInfo, policy: LoadedPolicy | undefined) => {
  const parts = [
    bareUuid(repository),
    pr.id,
    bareUuid(pr.sourceRepository),
    pr.sourceBranch,
    pr.sourceCommit,
    pr.destinationBranch,
    pr.destinationCommit,
    policy?.revision ?? 'none',
    policy?.grants.map((grant) => grant.id).sort() ?? [],
  ];
  return checkKey('result', parts);
};

/** Imports read at another repository's branch or tag: their text can change without a new commit here. */
const readsMovableImports = (evaluation: Evaluation) =>
  evaluation.kind === 'compared' &&
  [...evaluation.source.imports, ...(evaluation.destination?.imports ?? [])].some(
    (resolved) => resolved.location.repository !== undefined,
  );

const short = (hash: string) => hash.slice(0, 12);
const RERUN =
  'Re-run the check from the pull request (its merge checks list has Re-run), or push again; ' +
  'at a merge, try the merge again.';

function faultAnswer(error: unknown, onFault: 'fail' | 'pass'): MergeCheckAnswer {
  const what =
    error instanceof CheckFault
      ? `${error.source} could not be read: ${error.message}`
      : error instanceof BitbucketFault
        ? `Bitbucket could not be read: ${error.message}`
        : `an internal fault: ${(error as Error)?.message ?? String(error)}`;
  if (onFault === 'pass')
    return {
      success: true,
      message:
        `Pipeline Guard could not check this pull request (${what}). This is a fault, not a verdict: ` +
        'the workspace policy lets pull requests merge on a fault (pullRequests.onFault: pass), ' +
        `and Pipeline Guard still checks every pipeline when it runs. ${RERUN}`,
    };
  return {
    success: false,
    message:
      `Pipeline Guard could not check this pull request (${what}). ` +
      `This is a fault, not a verdict on your pipeline, and nothing was simulated. ${RERUN}`,
  };
}

/** What the check says when there was nothing to compare. */
function plainAnswer(evaluation: Exclude<Evaluation, { kind: 'compared' }>): MergeCheckAnswer {
  const pr = evaluation.pullRequest;
  switch (evaluation.kind) {
    case 'no-policy':
      return {
        success: true,
        message: 'Pipeline Guard: no workspace policy has been saved yet, so there is nothing to check.',
      };
    case 'no-pipelines':
      return {
        success: true,
        message:
          `Pipeline Guard: neither ${pr.sourceBranch} nor ${pr.destinationBranch} has a bitbucket-pipelines.yml, ` +
          'so no pipeline would run.',
      };
    case 'source-missing':
      return {
        success: false,
        message:
          'Pipeline Guard could not find bitbucket-pipelines.yml at the source commit ' +
          `${short(pr.sourceCommit)}, though ${pr.destinationBranch} has one. ` +
          'If this pull request deletes the file on purpose, ask a workspace admin to mark the check as not required ' +
          `for this merge. ${RERUN}`,
      };
    case 'unusable':
      return {
        success: false,
        message:
          `Pipeline Guard cannot use bitbucket-pipelines.yml at ${short(pr.sourceCommit)}` +
          `${evaluation.line !== undefined ? `, line ${evaluation.line}` : ''}: ${evaluation.reason}. ` +
          'Bitbucket would not run it either. Fix the file and push again.',
      };
  }
}

/** Writes the report, then the annotations in batches; returns why it could not, or undefined. */
async function writeReport(
  client: RestClient,
  ref: PullRequestRef,
  commit: string,
  insights: CodeInsights,
): Promise<string | undefined> {
  try {
    const report = await client.send(
      'PUT',
      paths.report(ref.workspace, ref.repository, commit, REPORT_ID),
      insights.report,
    );
    if (report.status < 200 || report.status >= 300) return `Bitbucket answered ${report.status}`;
    for (const batch of annotationBatches(insights.annotations)) {
      const answer = await client.send(
        'POST',
        paths.annotations(ref.workspace, ref.repository, commit, REPORT_ID),
        batch,
      );
      if (answer.status < 200 || answer.status >= 300) return `the annotations were refused (${answer.status})`;
    }
    return undefined;
  } catch (error) {
    return (error as Error)?.message ?? String(error);
  }
}

function seeMore(commit: string, reportProblem: string | undefined, written: boolean): string {
  const panel = 'the Pipeline Guard panel on the Overview tab of this pull request';
  if (reportProblem)
    return `Every run, step and change: ${panel}. (The Code Insights report could not be written: ${reportProblem}.)`;
  return written
    ? `Every run, step and change: ${panel}, and the Code Insights report "Pipeline Guard" on commit ${short(commit)}.`
    : `Every run, step and change: ${panel}.`;
}

export interface CheckOutcome extends MergeCheckAnswer {
  /** Bitbucket calls this answer cost (what the rate limit counts). */
  readonly calls: number;
  readonly cached: boolean;
}

/** What the parts of one merge check share: the dependencies, with their defaults filled in. */
interface CheckContext {
  readonly deps: MergeCheckDependencies;
  readonly now: () => Date;
  readonly log: (message: string) => void;
}

const INVALID_PAYLOAD: MergeCheckAnswer = {
  success: false,
  message:
    'Pipeline Guard could not check this pull request: the request from Bitbucket does not name a workspace, ' +
    'repository and pull request. This is a fault. ' +
    RERUN,
};

/** The line above "see more": the destination's note and how many annotations were left out. */
function comparedNote(evaluation: Extract<Evaluation, { kind: 'compared' }>, insights: CodeInsights): string {
  return [
    evaluation.destinationNote ? `Note: ${evaluation.destinationNote}.` : '',
    insights.omitted ? `(${insights.omitted} annotations did not fit the report's 1,000.)` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

async function answerCompared(
  { log }: CheckContext,
  client: RestClient,
  ref: PullRequestRef,
  evaluation: Extract<Evaluation, { kind: 'compared' }>,
  writeInsights: boolean,
): Promise<MergeCheckAnswer> {
  const { comparison, pullRequest } = evaluation;
  const summary = comparisonMessage(comparison, { maxLength: 2_000 });
  const insights = comparisonInsights(comparison, summary, 'bitbucket-pipelines.yml', evaluation.source.imports);
  // An unchanged file with nothing to show needs no report: that is what keeps a busy repository at two
  // calls a push.
  const worthWriting = writeInsights && !(evaluation.unchanged && insights.annotations.length === 0);
  const problem = worthWriting ? await writeReport(client, ref, pullRequest.sourceCommit, insights) : undefined;
  if (problem)
    log(
      `pipeline-guard: the Code Insights report for ${short(pullRequest.sourceCommit)} ` +
        `could not be written: ${problem}`,
    );
  const note = comparedNote(evaluation, insights);
  const message = comparisonMessage(comparison, {
    seeMore: `${note ? `${note}\n` : ''}${seeMore(pullRequest.sourceCommit, problem, worthWriting)}`,
  });
  return { success: comparison.passed, message };
}

/** Keeps the answer for the merge click; a cache that cannot be written only costs a slower merge. */
async function cacheAnswer(
  { deps, log }: CheckContext,
  ref: PullRequestRef,
  evaluation: Evaluation,
  answer: MergeCheckAnswer,
): Promise<void> {
  if (readsMovableImports(evaluation)) return;
  const policy = evaluation.kind === 'no-policy' ? undefined : evaluation.policy;
  try {
    await deps.kv.set(resultKey(ref.repository, evaluation.pullRequest, policy), answer, {
      ttlSeconds: RESULT_TTL_SECONDS,
    });
  } catch (error) {
    log(`pipeline-guard: could not cache the check's answer: ${(error as Error)?.message ?? String(error)}`);
  }
}

async function evaluateAndAnswer(
  context: CheckContext,
  client: RestClient,
  ref: PullRequestRef,
  onMerge: boolean,
  known?: PullRequestInfo,
): Promise<MergeCheckAnswer> {
  const { deps, now, log } = context;
  // At a merge, imports from other branches are read afresh: the verdict must be about what they hold now.
  const evaluation = await evaluatePullRequest(
    { client, kv: deps.kv, repositories: deps.repositories, now: now(), log, freshRefs: onMerge },
    ref,
    known,
  );
  const answer =
    evaluation.kind === 'compared'
      ? await answerCompared(context, client, ref, evaluation, !onMerge)
      : plainAnswer(evaluation);
  await cacheAnswer(context, ref, evaluation, answer);
  return answer;
}

/** On merge: the answer cached for exactly this pull request, its commits, the policy and grants, if there is one. */
async function fromCache(
  { deps, now }: CheckContext,
  client: RestClient,
  ref: PullRequestRef,
): Promise<{ answer?: MergeCheckAnswer; pullRequest: PullRequestInfo }> {
  const pullRequest = await readPullRequest(client, ref);
  const policy = await loadPolicy(deps.kv, now());
  const cached = await deps.kv.get(resultKey(ref.repository, pullRequest, policy)).catch(() => undefined);
  const valid = z.strictObject({ success: z.boolean(), message: z.string().max(10_000) }).safeParse(cached);
  return { answer: valid.success ? valid.data : undefined, pullRequest };
}

/** The cached answer on merge when there is one, else a fresh evaluation; logs the verdict. */
async function checkPullRequest(
  context: CheckContext,
  client: RestClient,
  ref: PullRequestRef,
  onMerge: boolean,
): Promise<CheckOutcome> {
  let known: PullRequestInfo | undefined;
  if (onMerge) {
    const hit = await fromCache(context, client, ref);
    if (hit.answer) return { ...hit.answer, calls: client.calls(), cached: true };
    known = hit.pullRequest;
  }
  const answer = await evaluateAndAnswer(context, client, ref, onMerge, known);
  context.log(
    `pipeline-guard: merge check #${ref.id} ${answer.success ? 'passed' : 'failed'} ` +
      `(${client.calls()} Bitbucket calls)`,
  );
  return { ...answer, calls: client.calls(), cached: false };
}

/** What the policy says to answer on a fault; fail when the policy itself cannot be read. */
async function onFaultPolicy({ deps, now }: CheckContext): Promise<'fail' | 'pass'> {
  try {
    return (await loadPolicy(deps.kv, now()))?.onFault ?? 'fail';
  } catch {
    // The policy itself is unreadable: the default, fail, applies.
    return 'fail';
  }
}

export function createMergeCheck(deps: MergeCheckDependencies) {
  const context: CheckContext = {
    deps,
    now: deps.now ?? (() => new Date()),
    log: deps.log ?? ((message: string) => console.log(message)),
  };

  return async function mergeCheck(payload: unknown): Promise<CheckOutcome> {
    const client = createRestClient(deps.bitbucket, {
      deadline: Date.now() + (deps.budgetMs ?? DEFAULT_BUDGET_MS),
      sleep: deps.sleep,
    });
    const parsed = Payload.safeParse(payload);
    if (!parsed.success) return { ...INVALID_PAYLOAD, calls: 0, cached: false };
    const ref: PullRequestRef = {
      workspace: parsed.data.workspace.uuid,
      repository: parsed.data.repository.uuid,
      id: parsed.data.pullrequest.id,
    };
    try {
      return await checkPullRequest(context, client, ref, parsed.data.trigger?.type === 'on-merge');
    } catch (error) {
      context.log(`pipeline-guard: merge check #${ref.id} fault: ${(error as Error)?.message ?? String(error)}`);
      const onFault = await onFaultPolicy(context);
      return { ...faultAnswer(error, onFault), calls: client.calls(), cached: false };
    }
  };
}
