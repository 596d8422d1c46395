/**
 * One pull request, evaluated: read it, read `bitbucket-pipelines.yml` at its source and destination commits
 * (and every file they import), load the policy, and compare. Shared by the merge check and the pull-request
 * views. Files are cached in KVS by what makes them immutable (commit) or for a few minutes (a branch or tag an
 * import names), so a push that leaves the pipeline file alone costs two Bitbucket calls: the pull request and
 * the source file; the destination's file comes from the cache of its commit.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { CompiledPolicy } from '../engine/types';
import { instantMs, storedGrants, type Grant } from '../policy/grant-guard';
import type { RepositoryIdentity } from '../policy/repository';
import { policyStateFrom } from '../provider/handler';
import { identityOfResolved, type RepositoryLookup } from '../provider/repository-lookup';
import { comparePullRequest, type Comparison } from '../pullrequest/compare';
import {
  PIPELINE_FILE,
  resolvePipelineFile,
  type FileReader,
  type ImportLocation,
  type ResolvedFile,
} from '../pullrequest/imports';
import { SimulationInputError } from '../simulate/simulate';
import { POLICY_KEY } from '../storage/keys';
import type { KeyValueStore } from '../storage/kv';
import { bareUuid } from '../primitives/uuid';
import { paths, type RestClient } from './rest';

/** A fault: something had to be read and could not be. Never a verdict on the pipeline. */
export class CheckFault extends Error {
  constructor(
    readonly source: 'Bitbucket' | 'storage' | 'the policy',
    message: string,
  ) {
    super(message);
  }
}

export interface PullRequestRef {
  readonly workspace: string;
  readonly repository: string;
  readonly id: number;
}

const BranchSide = z.looseObject({
  branch: z.looseObject({ name: z.string().min(1).max(500) }),
  commit: z.looseObject({ hash: z.string().regex(/^[0-9a-f]{7,64}$/i) }),
  repository: z
    .looseObject({ uuid: z.string().max(100).optional(), full_name: z.string().max(300).optional() })
    .nullish(),
});
const PullRequestAnswer = z.looseObject({
  id: z.number().int(),
  source: BranchSide,
  destination: BranchSide,
  title: z.string().max(2_000).optional(),
  state: z.string().max(50).optional(),
});

export interface PullRequestInfo {
  readonly id: number;
  readonly title?: string;
  readonly sourceBranch: string;
  readonly sourceCommit: string;
  /** The repository the source branch lives in: another one for a pull request from a fork. */
  readonly sourceRepository: string;
  readonly destinationBranch: string;
  readonly destinationCommit: string;
}

export async function readPullRequest(client: RestClient, ref: PullRequestRef): Promise<PullRequestInfo> {
  const answer = PullRequestAnswer.safeParse(
    await client.getJson(paths.pullRequest(ref.workspace, ref.repository, ref.id)),
  );
  if (!answer.success)
    throw new CheckFault(
      'Bitbucket',
      `Bitbucket's answer for pull request #${ref.id} is not a pull request ` +
        'with source and destination branches and commits',
    );
  const { source, destination } = answer.data;
  return {
    id: answer.data.id,
    title: answer.data.title,
    sourceBranch: source.branch.name,
    sourceCommit: source.commit.hash,
    sourceRepository: source.repository?.uuid ?? ref.repository,
    destinationBranch: destination.branch.name,
    destinationCommit: destination.commit.hash,
  };
}

export interface LoadedPolicy {
  readonly policy: CompiledPolicy;
  readonly revision: number;
  readonly grants: readonly Grant[];
  readonly onFault: 'fail' | 'pass';
  /** Whether the run's repository must be known: scoped environments, or a grant that names only a slug. */
  readonly needsRepository: boolean;
}

/** The workspace policy, as the provider reads it; undefined while none has been saved. Throws CheckFault. */
export async function loadPolicy(kv: KeyValueStore, now: Date): Promise<LoadedPolicy | undefined> {
  let stored: unknown;
  try {
    stored = await kv.get(POLICY_KEY);
  } catch (error) {
    throw new CheckFault(
      'storage',
      `the policy could not be read from storage (${(error as Error)?.message ?? String(error)})`,
    );
  }
  const loaded = policyStateFrom(stored);
  if (!loaded.ok) throw new CheckFault('the policy', loaded.reason);
  if (loaded.state.kind === 'none') return undefined;
  const record = stored as { revision: number; policy: { pullRequests?: { onFault?: string } }; grants?: unknown };
  const grants = storedGrants(record.grants).filter((grant) => now.getTime() < instantMs(grant.expires));
  return {
    policy: loaded.state.policy,
    revision: record.revision,
    grants,
    onFault: record.policy.pullRequests?.onFault === 'pass' ? 'pass' : 'fail',
    needsRepository: loaded.state.policy.scoped || grants.some((grant) => grant.repositoryUuid === undefined),
  };
}

/** KVS keys may not hold `/` or braces; a digest of what the key stands for keeps every key short and legal. */
export const checkKey = (kind: 'file' | 'result', parts: readonly unknown[]) =>
  `prcheck:${kind}:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
/** A file at a commit never changes; at a branch or tag it may, so that is re-read after a few minutes. */
export const COMMIT_FILE_TTL_SECONDS = 7 * 24 * 3_600;
export const REF_FILE_TTL_SECONDS = 600;

interface CachedFile {
  readonly text: string | null;
}

export interface FileSource {
  read(repository: string, commitOrRef: string, path: string, immutable: boolean): Promise<string | undefined>;
  /** Files read from the cache instead of Bitbucket. */
  readonly hits: () => number;
}

/** Files through the KVS cache: a cache fault is logged and Bitbucket asked; a Bitbucket fault throws CheckFault. */
export function cachedFiles(
  client: RestClient,
  kv: KeyValueStore,
  workspace: string,
  log: (message: string) => void,
  freshRefs = false,
): FileSource {
  let hits = 0;
  return {
    async read(repository, commitOrRef, path, immutable) {
      const key = checkKey('file', [repository, commitOrRef, path]);
      try {
        const cached = freshRefs && !immutable ? undefined : ((await kv.get(key)) as CachedFile | undefined);
        if (cached && (typeof cached.text === 'string' || cached.text === null)) {
          hits++;
          return cached.text ?? undefined;
        }
      } catch (error) {
        log(`pipeline-guard: file cache read failed, asking Bitbucket: ${(error as Error)?.message ?? String(error)}`);
      }
      const text = await client.getText(paths.file(workspace, repository, commitOrRef, path));
      try {
        await kv.set(key, { text: text ?? null } satisfies CachedFile, {
          ttlSeconds: immutable ? COMMIT_FILE_TTL_SECONDS : REF_FILE_TTL_SECONDS,
        });
      } catch (error) {
        // Over 240 KiB, or storage failing: the next push reads the file again.
        log(`pipeline-guard: could not cache ${path}: ${(error as Error)?.message ?? String(error)}`);
      }
      return text;
    },
    hits: () => hits,
  };
}

/** Imports of a file in `repository` at `commit`: its own files at that commit, other repositories at their ref. */
function importReader(files: FileSource, repository: string, commit: string): FileReader {
  return (location: ImportLocation) =>
    location.repository === undefined
      ? files.read(repository, commit, location.path, true)
      : files.read(location.repository, location.ref!, location.path, false);
}

export type Evaluation =
  | { readonly kind: 'no-policy'; readonly pullRequest: PullRequestInfo }
  | { readonly kind: 'no-pipelines'; readonly pullRequest: PullRequestInfo; readonly policy: LoadedPolicy }
  | { readonly kind: 'source-missing'; readonly pullRequest: PullRequestInfo; readonly policy: LoadedPolicy }
  | {
      readonly kind: 'unusable';
      readonly pullRequest: PullRequestInfo;
      readonly policy: LoadedPolicy;
      readonly reason: string;
      readonly line?: number;
    }
  | {
      readonly kind: 'compared';
      readonly pullRequest: PullRequestInfo;
      readonly policy: LoadedPolicy;
      readonly comparison: Comparison;
      readonly source: ResolvedFile;
      readonly destination: ResolvedFile | undefined;
      /** The source's file and its imports read the same as the destination's. */
      readonly unchanged: boolean;
      /** Why the destination's file could not serve as the baseline, when it could not. */
      readonly destinationNote?: string;
    };

export interface EvaluateDependencies {
  readonly client: RestClient;
  readonly kv: KeyValueStore;
  readonly repositories?: RepositoryLookup;
  readonly now: Date;
  readonly log: (message: string) => void;
  /** Read files at a branch or tag from Bitbucket, not the few-minute cache (the merge click's verdict). */
  readonly freshRefs?: boolean;
}

async function resolveSide(
  text: string | undefined,
  read: FileReader,
): Promise<{ file?: ResolvedFile; error?: SimulationInputError }> {
  if (text === undefined) return {};
  try {
    return { file: await resolvePipelineFile(text, read) };
  } catch (error) {
    if (error instanceof SimulationInputError) return { error };
    throw error;
  }
}

async function repositoryOf(
  deps: EvaluateDependencies,
  ref: PullRequestRef,
  policy: LoadedPolicy,
): Promise<RepositoryIdentity | undefined> {
  if (!policy.needsRepository || !deps.repositories) return undefined;
  try {
    return identityOfResolved(await deps.repositories.resolve(ref.workspace, ref.repository));
  } catch (error) {
    throw new CheckFault(
      'Bitbucket',
      `the repository could not be looked up (${(error as Error)?.message ?? String(error)}), ` +
        "and the policy's scoped environments depend on it",
    );
  }
}

/**
 * "No file at either commit" passes the check, so it is confirmed on the destination branch by name (cached for a
 * few minutes): Bitbucket not reading a file by the pull request's short commit hash must be a fault, not a pass.
 */
async function confirmNoPipelines(files: FileSource, ref: PullRequestRef, pullRequest: PullRequestInfo): Promise<void> {
  if ((await files.read(ref.repository, pullRequest.destinationBranch, PIPELINE_FILE, false)) === undefined) return;
  throw new CheckFault(
    'Bitbucket',
    `Bitbucket found no ${PIPELINE_FILE} at commit ${pullRequest.destinationCommit.slice(0, 12)} ` +
      `of ${pullRequest.destinationBranch}, yet the branch has one: ` +
      "the file could not be read at the pull request's commits",
  );
}

/** Reads and compares; throws CheckFault when anything it needs cannot be read. */
export async function evaluatePullRequest(
  deps: EvaluateDependencies,
  ref: PullRequestRef,
  known?: PullRequestInfo,
): Promise<Evaluation> {
  const pullRequest = known ?? (await readPullRequest(deps.client, ref));
  const policy = await loadPolicy(deps.kv, deps.now);
  if (!policy) return { kind: 'no-policy', pullRequest };
  const files = cachedFiles(deps.client, deps.kv, ref.workspace, deps.log, deps.freshRefs);
  const [sourceText, destinationText] = await Promise.all([
    files.read(pullRequest.sourceRepository, pullRequest.sourceCommit, PIPELINE_FILE, true),
    files.read(ref.repository, pullRequest.destinationCommit, PIPELINE_FILE, true),
  ]);
  if (sourceText === undefined && bareUuid(pullRequest.sourceRepository) !== bareUuid(ref.repository))
    throw new CheckFault(
      'Bitbucket',
      `the pull request comes from another repository (a fork), and its ${PIPELINE_FILE} could not be read at ` +
        `commit ${pullRequest.sourceCommit.slice(0, 12)}: Pipeline Guard cannot tell a fork it may not read ` +
        'from one that has no pipeline file (a pull request from a branch of this repository avoids this)',
    );
  if (sourceText === undefined && destinationText === undefined) await confirmNoPipelines(files, ref, pullRequest);
  if (sourceText === undefined)
    return { kind: destinationText === undefined ? 'no-pipelines' : 'source-missing', pullRequest, policy };
  const [source, destination] = await Promise.all([
    resolveSide(sourceText, importReader(files, pullRequest.sourceRepository, pullRequest.sourceCommit)),
    resolveSide(destinationText, importReader(files, ref.repository, pullRequest.destinationCommit)),
  ]);
  if (!source.file)
    return { kind: 'unusable', pullRequest, policy, reason: source.error!.reason, line: source.error!.position?.line };
  const faults = [...source.file.problems, ...(destination.file?.problems ?? [])].filter((problem) => problem.fault);
  if (faults.length) throw new CheckFault('Bitbucket', `import "${faults[0].import}": ${faults[0].reason}`);
  const repository = await repositoryOf(deps, ref, policy);
  const comparison = comparePullRequest({
    source: source.file,
    destination: destination.file,
    sourceBranch: pullRequest.sourceBranch,
    destinationBranch: pullRequest.destinationBranch,
    policy: policy.policy,
    repository,
    grants: policy.grants,
    now: deps.now,
  });
  const sameImports = JSON.stringify(source.file.parsed.config) === JSON.stringify(destination.file?.parsed.config);
  const destinationNote = destination.error
    ? `the file on ${pullRequest.destinationBranch} cannot be used (${destination.error.message}), ` +
      'so every violation counts as new'
    : undefined;
  return {
    kind: 'compared',
    pullRequest,
    policy,
    comparison,
    source: source.file,
    destination: destination.file,
    unchanged: sourceText === destinationText && sameImports,
    ...(destinationNote ? { destinationNote } : {}),
  };
}
