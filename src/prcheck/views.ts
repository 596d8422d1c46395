/**
 * The pull-request overview panel and the pipeline file viewer, minus Forge: resolver handlers that answer
 * only about the pull request or file of their own Forge context (never a payload's), only to a user Bitbucket
 * lets read that repository (asked as the user), and that share nothing with the settings handlers. The panel
 * shows every run the merge makes possible; the file viewer one chosen branch, tag or custom pipeline of the
 * file at its commit.
 */
import * as z from 'zod';
import type { RepositoryIdentity } from '../policy/repository';
import type { Policy } from '../policy/schema';
import { identityOfResolved, type RepositoryLookup } from '../provider/repository-lookup';
import type { RunComparison, RunSide } from '../pullrequest/compare';
import { resolvePipelineFile, type ImportProblem, type ResolvedFile } from '../pullrequest/imports';
import { violationText } from '../pullrequest/message';
import type { SimulationTarget } from '../simulate/selection';
import {
  simulate,
  SimulationInputError,
  type SimulatedStep,
  type SimulationResult,
  type Violation,
} from '../simulate/simulate';
import type { KeyValueStore } from '../storage/kv';
import {
  cachedFiles,
  CheckFault,
  evaluatePullRequest,
  loadPolicy,
  type Evaluation,
  type FileSource,
  type LoadedPolicy,
} from './evaluate';
import { BitbucketFault, createRestClient, type BitbucketRequest, type RestClient } from './rest';

/** Can the person at the page read this repository? Asked of Bitbucket as that person. */
export type RepositoryReadCheck = (workspace: string, repository: string) => Promise<boolean>;

export interface ViewDependencies {
  readonly kv: KeyValueStore;
  /** Bitbucket as the app: reads go through the same cache as the merge check's. */
  readonly bitbucket: BitbucketRequest;
  readonly canRead: RepositoryReadCheck;
  readonly repositories?: RepositoryLookup;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

const Uuid = z.string().regex(/^\{[0-9a-f-]{36}\}$/i);
const PanelContext = z.looseObject({
  workspaceId: Uuid,
  extension: z.looseObject({
    repository: z.looseObject({ uuid: Uuid }),
    pullRequest: z.looseObject({ id: z.coerce.number().int().min(1) }),
  }),
});
const FileContext = z.looseObject({
  workspaceId: Uuid,
  extension: z.looseObject({
    repository: z.looseObject({ uuid: Uuid }),
    file: z.looseObject({ path: z.string().min(1).max(1_000) }),
    commit: z.looseObject({ hash: z.string().regex(/^[0-9a-f]{7,64}$/i) }),
  }),
});
const Name = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[^\u0000-\u001f\s]+$/);
const FilePayload = z.strictObject({
  target: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('branch'), name: Name }),
      z.strictObject({ kind: z.literal('tag'), name: Name }),
      z.strictObject({ kind: z.literal('custom'), name: z.string().min(1).max(500), branch: Name }),
    ])
    .optional(),
});

export interface StepView {
  readonly name?: string;
  readonly path: string;
  readonly line?: number;
  readonly environment?: string;
  readonly runsOn?: string[];
  /** The cloud identity the step gets (role, service account, Vault role), or "-" without OIDC. */
  readonly identity: string;
  readonly changes: string[];
}

export interface ViolationView {
  readonly rule: string;
  readonly mode: 'enforce' | 'warn';
  readonly line?: number;
  readonly file?: string;
  readonly text: string;
}

export interface RunView {
  readonly id: string;
  readonly label: string;
  readonly outcome: string;
  readonly outcomeBefore?: string;
  readonly fails: boolean;
  readonly steps: StepView[];
  readonly introduced: ViolationView[];
  readonly existing: ViolationView[];
  readonly fixed: ViolationView[];
  readonly warnings: ViolationView[];
  /** What Pipeline Guard changes in the configuration, as a unified diff; absent when the run is blocked. */
  readonly diff?: string;
  readonly note?: string;
}

export type ViewAnswer<T> = { readonly ok: true; readonly view: T } | { readonly ok: false; readonly error: string };

function identityOf(policy: Policy | undefined, environment: string | undefined, oidc: boolean): string {
  if (!oidc) return '-';
  const identity = policy?.environments.find((candidate) => candidate.name === environment)?.oidc;
  if (!identity) return 'none granted';
  if (identity.provider === 'gcp') return `GCP ${identity.serviceAccount}`;
  if (identity.provider === 'vault') return `Vault role ${identity.role}`;
  return `AWS ${identity.roleArn}`;
}

const violationView = (violation: Violation): ViolationView => ({
  rule: violation.rule,
  mode: violation.mode,
  line: violation.line,
  file: violation.file,
  text: violationText(violation),
});
const stepView =
  (policy: Policy | undefined) =>
  (step: SimulatedStep): StepView => ({
    name: step.name,
    path: step.path,
    line: step.line,
    environment: step.environment,
    runsOn: step.runsOn,
    identity: identityOf(policy, step.environment, step.oidc),
    changes: step.changes,
  });

function sideNote(side: RunSide): string | undefined {
  if (side.kind === 'absent') return 'not defined in this file';
  if (side.kind === 'unusable')
    return `cannot be simulated${side.line !== undefined ? ` (line ${side.line})` : ''}: ${side.reason}`;
  return side.result.outcome === 'none' ? side.result.target.selection.reason : undefined;
}

export function runView(run: RunComparison, policy: Policy | undefined): RunView {
  const result = run.after.kind === 'simulated' ? run.after.result : undefined;
  return {
    id: run.id,
    label: run.label,
    outcome: run.outcomeAfter,
    outcomeBefore: run.outcomeBefore,
    fails: run.fails,
    steps: result ? result.steps.map(stepView(policy)) : [],
    introduced: run.introduced.map(violationView),
    existing: run.existing.map(violationView),
    fixed: run.fixed.map(violationView),
    warnings: run.warnings.map(violationView),
    ...(result?.diff ? { diff: result.diff } : {}),
    ...(sideNote(run.after) ? { note: sideNote(run.after) } : {}),
  };
}

export interface PullRequestView {
  readonly pullRequest: {
    readonly id: number;
    readonly title?: string;
    readonly source: string;
    readonly destination: string;
    readonly sourceCommit: string;
  };
  readonly verdict: 'passed' | 'failed' | 'no-policy' | 'no-pipelines' | 'unusable' | 'source-missing';
  readonly summary: string;
  readonly policyRevision?: number;
  readonly runs: RunView[];
  readonly problems: string[];
}

const importProblemText = (p: ImportProblem) =>
  `import "${p.import}"${p.line !== undefined ? ` (line ${p.line})` : ''}: ${p.reason}`;

function pullRequestView(evaluation: Evaluation): PullRequestView {
  const pr = evaluation.pullRequest;
  const head = {
    id: pr.id,
    title: pr.title,
    source: pr.sourceBranch,
    destination: pr.destinationBranch,
    sourceCommit: pr.sourceCommit,
  };
  if (evaluation.kind === 'no-policy')
    return {
      pullRequest: head,
      verdict: 'no-policy',
      summary: 'No workspace policy has been saved yet: pipelines run unchanged.',
      runs: [],
      problems: [],
    };
  const revision = evaluation.policy.revision;
  if (evaluation.kind === 'no-pipelines')
    return {
      pullRequest: head,
      verdict: 'no-pipelines',
      summary: 'Neither branch has a bitbucket-pipelines.yml: no pipeline would run.',
      policyRevision: revision,
      runs: [],
      problems: [],
    };
  if (evaluation.kind === 'source-missing')
    return {
      pullRequest: head,
      verdict: 'source-missing',
      summary: `bitbucket-pipelines.yml was not found at the source commit, though ${pr.destinationBranch} has one.`,
      policyRevision: revision,
      runs: [],
      problems: [],
    };
  if (evaluation.kind === 'unusable')
    return {
      pullRequest: head,
      verdict: 'unusable',
      summary:
        'bitbucket-pipelines.yml cannot be used' +
        `${evaluation.line !== undefined ? ` (line ${evaluation.line})` : ''}: ${evaluation.reason}`,
      policyRevision: revision,
      runs: [],
      problems: [],
    };
  const { comparison } = evaluation;
  const failing = comparison.runs.filter((run) => run.fails).length;
  return {
    pullRequest: head,
    verdict: comparison.passed ? 'passed' : 'failed',
    summary: comparison.passed
      ? `This pull request makes no pipeline run on ${pr.destinationBranch} worse.`
      : `This pull request makes ${failing || 'its'} run${failing === 1 ? '' : 's'} on ${pr.destinationBranch} worse.`,
    policyRevision: revision,
    runs: comparison.runs.map((run) => runView(run, evaluation.policy.policy.policy)),
    problems: [
      ...comparison.sourceProblems.map(importProblemText),
      ...(evaluation.destinationNote ? [evaluation.destinationNote] : []),
    ],
  };
}

export interface FileView {
  readonly path: string;
  readonly commit: string;
  /** What can be chosen: the file's branch and tag keys and custom pipelines. */
  readonly choices: { readonly branches: string[]; readonly tags: string[]; readonly custom: string[] };
  readonly target: SimulationTarget;
  readonly run?: RunView;
  readonly problems: string[];
}

const keysOf = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];

function defaultTarget(choices: FileView['choices']): SimulationTarget {
  return { kind: 'branch', name: choices.branches.find((key) => !/[*?{]/.test(key)) ?? 'main' };
}

function fileRun(
  file: ResolvedFile,
  target: SimulationTarget,
  policy: Awaited<ReturnType<typeof loadPolicy>>,
  now: Date,
  repository: RepositoryIdentity | undefined,
): RunView {
  let result: SimulationResult;
  try {
    result = simulate({
      yamlText: '',
      parsed: file.parsed,
      policy: policy?.policy,
      target,
      grants: policy?.grants,
      now,
      repository,
    });
  } catch (error) {
    if (!(error instanceof SimulationInputError)) throw error;
    return {
      id: 'file',
      label: 'this file',
      outcome: 'unusable',
      fails: true,
      steps: [],
      introduced: [],
      existing: [],
      fixed: [],
      warnings: [],
      note: error.message,
    };
  }
  const enforce = result.violations.filter((v) => v.mode === 'enforce');
  return {
    id: 'file',
    label: result.target.selection.path ?? 'this file',
    outcome: result.outcome,
    fails: result.outcome === 'blocked',
    steps: result.steps.map(stepView(policy?.policy.policy)),
    introduced: enforce.map(violationView),
    existing: [],
    fixed: [],
    warnings: result.violations.filter((v) => v.mode === 'warn').map(violationView),
    ...(result.diff ? { diff: result.diff } : {}),
    ...(result.outcome === 'none' ? { note: result.target.selection.reason } : {}),
  };
}

function failure(error: unknown): { ok: false; error: string } {
  if (error instanceof CheckFault || error instanceof BitbucketFault)
    return { ok: false, error: `Pipeline Guard could not read what it needs (${error.message}). Reload to try again.` };
  throw error;
}

const DENIED = 'Pipeline Guard shows this only to people who can read the repository, and Bitbucket says you cannot.';

/** What the handlers share: the dependencies with their defaults filled in, and a fresh Bitbucket client. */
interface ViewRuntime {
  readonly deps: ViewDependencies;
  readonly now: () => Date;
  readonly log: (message: string) => void;
  readonly client: () => RestClient;
}

type FileExtension = z.infer<typeof FileContext>['extension'];
type PickedTarget = z.infer<typeof FilePayload>['target'];

async function getPullRequestView(runtime: ViewRuntime, context: unknown): Promise<ViewAnswer<PullRequestView>> {
  const { deps, now, log } = runtime;
  const parsed = PanelContext.safeParse(context);
  if (!parsed.success) return { ok: false, error: 'This view only works on a pull request page.' };
  const { workspaceId, extension } = parsed.data;
  if (!(await deps.canRead(workspaceId, extension.repository.uuid))) return { ok: false, error: DENIED };
  try {
    const evaluation = await evaluatePullRequest(
      { client: runtime.client(), kv: deps.kv, repositories: deps.repositories, now: now(), log },
      { workspace: workspaceId, repository: extension.repository.uuid, id: extension.pullRequest.id },
    );
    return { ok: true, view: pullRequestView(evaluation) };
  } catch (error) {
    return failure(error);
  }
}

/** The file with its imports read at the same commit (other repositories at their ref), or why it cannot be used. */
async function resolveFileAt(
  files: FileSource,
  extension: FileExtension,
  text: string,
): Promise<{ ok: true; file: ResolvedFile } | { ok: false; error: string }> {
  try {
    const file = await resolvePipelineFile(text, (location) =>
      location.repository === undefined
        ? files.read(extension.repository.uuid, extension.commit.hash, location.path, true)
        : files.read(location.repository, location.ref!, location.path, false),
    );
    return { ok: true, file };
  } catch (error) {
    if (error instanceof SimulationInputError)
      return { ok: false, error: `${extension.file.path} cannot be used: ${error.message}` };
    throw error;
  }
}

function choicesOf(file: ResolvedFile): FileView['choices'] {
  const pipelines = file.parsed.config.pipelines as Record<string, unknown>;
  return {
    branches: keysOf(pipelines.branches),
    tags: keysOf(pipelines.tags),
    custom: keysOf(pipelines.custom),
  };
}

/** The run the person picked; without a pick, the file's first plain branch. Custom pipelines run on a branch. */
function targetOf(picked: PickedTarget, choices: FileView['choices']): SimulationTarget {
  if (!picked) return defaultTarget(choices);
  return picked.kind === 'custom'
    ? { kind: 'custom', name: picked.name, ref: { kind: 'branch', name: picked.branch } }
    : picked;
}

/** The repository's identity, asked only when the policy needs it; undefined when it cannot be looked up. */
async function repositoryIdentityFor(
  deps: ViewDependencies,
  policy: LoadedPolicy | undefined,
  workspaceId: string,
  repositoryUuid: string,
): Promise<RepositoryIdentity | undefined> {
  if (!(policy?.needsRepository && deps.repositories)) return undefined;
  return deps.repositories.resolve(workspaceId, repositoryUuid).then(identityOfResolved, () => undefined);
}

/** The file of the context at its commit, simulated for the picked target. Throws CheckFault and BitbucketFault. */
async function simulateFileView(
  { deps, now, log, client }: ViewRuntime,
  workspaceId: string,
  extension: FileExtension,
  picked: PickedTarget,
): Promise<ViewAnswer<FileView>> {
  const files = cachedFiles(client(), deps.kv, workspaceId, log);
  const text = await files.read(extension.repository.uuid, extension.commit.hash, extension.file.path, true);
  if (text === undefined)
    return {
      ok: false,
      error: `${extension.file.path} does not exist at ${extension.commit.hash.slice(0, 12)}.`,
    };
  const policy = await loadPolicy(deps.kv, now());
  const resolved = await resolveFileAt(files, extension, text);
  if (!resolved.ok) return resolved;
  const { file } = resolved;
  const choices = choicesOf(file);
  const target = targetOf(picked, choices);
  const problems = file.problems.map(importProblemText);
  const repository = await repositoryIdentityFor(deps, policy, workspaceId, extension.repository.uuid);
  if (policy?.needsRepository && !repository)
    problems.push('the repository could not be looked up, so the run is shown as for a repository no scope includes');
  return {
    ok: true,
    view: {
      path: extension.file.path,
      commit: extension.commit.hash,
      choices,
      target,
      run: fileRun(file, target, policy, now(), repository),
      problems,
    },
  };
}

async function getFileView(runtime: ViewRuntime, context: unknown, payload: unknown): Promise<ViewAnswer<FileView>> {
  const parsed = FileContext.safeParse(context);
  if (!parsed.success) return { ok: false, error: 'This view only works on a file page.' };
  const chosen = FilePayload.safeParse(payload ?? {});
  if (!chosen.success) return { ok: false, error: 'Choose a branch, tag or custom pipeline by name (no spaces).' };
  const { workspaceId, extension } = parsed.data;
  if (!(await runtime.deps.canRead(workspaceId, extension.repository.uuid))) return { ok: false, error: DENIED };
  try {
    return await simulateFileView(runtime, workspaceId, extension, chosen.data.target);
  } catch (error) {
    return failure(error);
  }
}

export function createViewHandlers(deps: ViewDependencies) {
  const runtime: ViewRuntime = {
    deps,
    now: deps.now ?? (() => new Date()),
    log: deps.log ?? ((message: string) => console.log(message)),
    client: () => createRestClient(deps.bitbucket, { deadline: Date.now() + 15_000 }),
  };

  return {
    /** The panel: every run the pull request of the context makes possible. The payload is ignored. */
    getPullRequestView(context: unknown): Promise<ViewAnswer<PullRequestView>> {
      return getPullRequestView(runtime, context);
    },

    /** The file viewer: the file of the context at its commit, for a chosen branch, tag or custom pipeline. */
    getFileView(context: unknown, payload: unknown): Promise<ViewAnswer<FileView>> {
      return getFileView(runtime, context, payload);
    },
  };
}

export type ViewHandlers = ReturnType<typeof createViewHandlers>;
/** The view resolver's functions: none of them is a settings function, and the settings resolver has none of these. */
export const VIEW_FUNCTIONS = ['getPullRequestView', 'getFileView'] as const;
