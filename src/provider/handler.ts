/**
 * The Dynamic Pipelines provider, minus Forge: reads the stored policy through a port, runs the
 * engine, logs the decision, and never throws. src/index.ts plugs in Forge's KVS.
 */
import { compilePolicy } from '../engine/compiled-policy';
import { blockMessage } from '../engine/message';
import { refOf } from '../engine/ref';
import type { ProviderResponse } from '../engine/request';
import { checkProviderRequest } from '../engine/request-check';
import { runEngine } from '../rules/chain';
import {
  definitionsResponse,
  looksLikeDefinitions,
  type EngineResult,
  type PolicyState,
  type RunOptions,
} from '../engine/run';
import type { CompiledPolicy, Finding } from '../engine/types';
import { instantMs, storedGrants } from '../policy/grant-guard';
import { formatPolicyProblems } from '../policy/problems';
import { checkPolicy } from '../policy/policy-check';
import { checkStoredPolicy } from '../storage/stored-policy-check';
import { decisionRecord, type DecisionSink } from '../storage/decision-record';
import { BRACED_UUID, isRepositoryIdentity, type RepositoryIdentity } from '../policy/repository';
import {
  isStaleRepository,
  RepositoryLookupError,
  type LookupFailure,
  type RepositoryLookup,
} from './repository-lookup';
import { sampleWriteOf, type SampleSink, type SampleWrite } from '../storage/sample-writer';

export interface PolicyStore {
  /** The stored policy record, or undefined when none was ever saved. */
  read(): Promise<unknown>;
}

export interface ProviderDependencies {
  readonly store: PolicyStore;
  readonly decisions?: DecisionSink;
  /** Run samples for replaying policy drafts; one write per run, never able to fail it. */
  readonly samples?: SampleSink;
  /**
   * Resolves the run's repository for policies with scoped environments (never asked otherwise).
   * Without it, a scoped policy treats every run as a repository that no scope includes.
   */
  readonly repositories?: RepositoryLookup;
  /** Bounds the repository lookup (cache read plus, on a miss, at most two Bitbucket calls). */
  readonly lookupTimeoutMs?: number;
  /** Well inside Forge's 25 s limit, so that a hung read still ends in an answer. */
  readonly readTimeoutMs?: number;
  readonly decisionTimeoutMs?: number;
  readonly sampleTimeoutMs?: number;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

export const DEFAULT_READ_TIMEOUT_MS = 8_000;
export const DEFAULT_DECISION_TIMEOUT_MS = 1_500;
export const DEFAULT_LOOKUP_TIMEOUT_MS = 6_000;
/** The lookup's own budget ends this much before the backstop timeout, so that its fallback wins the race. */
const LOOKUP_MARGIN_MS = 500;

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Loaded = { ok: true; state: PolicyState } | { ok: false; reason: string };

/**
 * Sampling is on by default and off when the policy record says `sampling: false` (the admin's
 * switch, kept in the record the run reads anyway). Any value but `true` or absent counts as off:
 * a damaged switch must not start keeping pipeline files an admin asked not to keep.
 */
export function samplingOn(stored: unknown): boolean {
  if (typeof stored !== 'object' || stored === null) return true;
  const sampling = (stored as { sampling?: unknown }).sampling;
  return sampling === undefined || sampling === true;
}

/** Compiling is cached per stored record: a warm Forge container skips re-validating an unchanged policy. */
let cached: { raw: string; policy: CompiledPolicy } | undefined;

export function policyStateFrom(stored: unknown): Loaded {
  if (stored === undefined || stored === null) return { ok: true, state: { kind: 'none' } };
  const record = checkStoredPolicy(stored);
  if (!record.success)
    return { ok: false, reason: 'the stored policy record is damaged (it is not a policy revision)' };
  const raw = JSON.stringify(record.data.policy) + `#${record.data.revision}`;
  if (cached?.raw === raw) return { ok: true, state: { kind: 'active', policy: cached.policy } };
  const result = checkPolicy(record.data.policy);
  if (!result.ok)
    return {
      ok: false,
      reason:
        `the stored policy (revision ${record.data.revision}) is invalid: ` +
        formatPolicyProblems(result.problems.slice(0, 3)).replace(/\n/g, '; '),
    };
  const policy = compilePolicy(result.policy, record.data.revision);
  cached = { raw, policy };
  return { ok: true, state: { kind: 'active', policy } };
}

/** Why the policy could not be used: a passing storage fault, or a stored policy only an admin can mend. */
type Unavailability = { kind: 'transient' | 'invalid'; reason: string };

function unavailable(request: unknown, { kind, reason }: Unavailability): EngineResult {
  const finding: Finding = {
    rule: 'policy-unavailable',
    mode: 'enforce',
    severity: 'high',
    path: '',
    segments: [],
    message:
      `Pipeline Guard could not load the workspace policy (${reason}), ` +
      'so it blocked the run rather than let unchecked steps through.',
    fix:
      kind === 'transient'
        ? 'Re-run the pipeline in a minute. If it keeps failing, ' +
          'a workspace admin should open the Pipeline Guard settings page and check the policy.'
        : 'Re-running will not help: every run is blocked until a workspace admin fixes or rolls back the policy ' +
          'on the Pipeline Guard settings page.',
  };
  const parsed = checkProviderRequest(request);
  const isDefinitions = looksLikeDefinitions(request);
  const response: ProviderResponse = isDefinitions
    ? definitionsResponse(request)
    : {
        error: {
          key: 'pipeline-guard.policy-unavailable',
          message: blockMessage([finding], parsed.success ? refOf(parsed.data.target) : undefined),
        },
      };
  return {
    response,
    report: { outcome: isDefinitions ? 'passthrough' : 'blocked', steps: [], findings: [finding], configChanges: [] },
    request: parsed.success ? parsed.data : undefined,
  };
}

/** What the developer reads, by why the repository is unknown: re-running helps only with a passing fault. */
const REPOSITORY_UNKNOWN_FIX: Record<LookupFailure, string> = {
  transient:
    'Re-run the pipeline in a minute; this is usually a passing Bitbucket or storage fault. ' +
    'If it keeps failing, a workspace admin should check that Pipeline Guard is still installed ' +
    'with access to repositories (scope read:repository:bitbucket).',
  'not-visible':
    'Re-running will not help: Pipeline Guard cannot see this repository. ' +
    'A workspace admin should check, in Bitbucket, that Pipeline Guard is installed on the workspace ' +
    'this repository belongs to (a repository moved to another workspace needs the app there too), ' +
    'that the app still has its permission to read repositories ' +
    "(read:repository:bitbucket; approve the app's updated permissions if Bitbucket asks), " +
    'and that the repository was not deleted; then press Refresh for the repository ' +
    'on the Pipeline Guard settings page (Scopes) and re-run.',
  invalid:
    'Re-run the pipeline in a minute. If it keeps failing, a workspace admin should press Refresh ' +
    'for this repository on the Pipeline Guard settings page (Scopes) ' +
    "and send the message it shows to the app's maintainers.",
};

/** The lookup failed while scoped environments depend on it: blocked, with advice by kind of failure. */
function repositoryUnknown(request: unknown, reason: string, kind: LookupFailure): EngineResult {
  const finding: Finding = {
    rule: 'repository-unknown',
    mode: 'enforce',
    severity: 'high',
    path: '',
    segments: [],
    message:
      `Pipeline Guard could not find out which repository this run is for (${reason}). ` +
      'The workspace policy gives some environments to certain repositories only, ' +
      'so without the repository it cannot tell which environments, runners and roles this pipeline may use, ' +
      'and it blocked the run rather than guess.',
    fix: REPOSITORY_UNKNOWN_FIX[kind],
  };
  const parsed = checkProviderRequest(request);
  const response: ProviderResponse = {
    error: {
      key: 'pipeline-guard.repository-unknown',
      message: blockMessage([finding], parsed.success ? refOf(parsed.data.target) : undefined),
    },
  };
  return {
    response,
    report: { outcome: 'blocked', steps: [], findings: [finding], configChanges: [] },
    request: parsed.success ? parsed.data : undefined,
  };
}

type LookedUp =
  { ok: true; identity: RepositoryIdentity; staleAsOf?: number } | { ok: false; reason: string; kind: LookupFailure };

/**
 * The run's repository from the lookup, checked to be the repository asked about. The lookup keeps
 * within its budget (and falls back on the last good identity when Bitbucket is slow); the timeout
 * here is the backstop for a lookup that does not.
 */
async function lookUp(
  lookup: RepositoryLookup,
  workspace: string,
  repository: string,
  timeoutMs: number,
  log: (message: string) => void,
): Promise<LookedUp> {
  let resolved: unknown;
  try {
    const budgetMs = Math.max(0, timeoutMs - LOOKUP_MARGIN_MS);
    resolved = await withTimeout(
      lookup.resolve(workspace, repository, { budgetMs }),
      timeoutMs,
      'the repository lookup',
    );
  } catch (error) {
    if (error instanceof TimeoutError) return { ok: false, reason: error.message, kind: 'transient' };
    const kind = error instanceof RepositoryLookupError ? error.kind : 'transient';
    return { ok: false, reason: `the repository lookup failed: ${(error as Error)?.message ?? String(error)}`, kind };
  }
  const stale = isStaleRepository(resolved) ? resolved : undefined;
  const identity = stale ? stale.identity : resolved;
  // Whatever sits behind the port, the engine decides on this identity: it must be the repository asked about.
  if (!isRepositoryIdentity(identity, repository))
    return { ok: false, reason: `the repository lookup gave no valid identity for ${repository}`, kind: 'invalid' };
  if (!stale) return { ok: true, identity };
  log(
    `pipeline-guard: repository ${identity.fullName} as Bitbucket named it at ` +
      `${new Date(stale.confirmedAt).toISOString()} (stale: ${stale.reason})`,
  );
  return { ok: true, identity, staleAsOf: stale.confirmedAt };
}

type Resolved = { ok: true; options: RunOptions } | { ok: false; result: EngineResult };

/** The dependencies with their defaults filled in, shared by the provider's parts. */
interface ProviderEnvironment {
  readonly deps: ProviderDependencies;
  readonly log: (message: string) => void;
  readonly now: () => Date;
}

const messageOf = (error: unknown): string => (error as Error)?.message ?? String(error);

export function createProvider(deps: ProviderDependencies) {
  const env: ProviderEnvironment = {
    deps,
    log: deps.log ?? ((message: string) => console.log(message)),
    now: deps.now ?? (() => new Date()),
  };

  /** Forge calls this with the module payload; it resolves to the provider response and never rejects. */
  return async function provider(request: unknown): Promise<ProviderResponse> {
    try {
      const { result, sampling } = await evaluate(env, request);
      env.log(runSummary(result));
      const at = env.now();
      const sample = sampleOf(env, result, sampling, at);
      // Side by side: the sample write adds no wait to the decision log's, and neither can fail the run.
      await Promise.all([record(env, result, sample, at), keepSample(env, sample)]);
      return result.response;
    } catch (error) {
      // runEngine never throws, so only a fault in this adapter lands here. Still fail closed.
      return internalFaultResponse(request, error);
    }
  };
}

function internalFaultResponse(request: unknown, error: unknown): ProviderResponse {
  const message =
    'Pipeline Guard blocked this run: 1 violation.\n' +
    `1. [internal-error] Pipeline Guard hit an internal fault (${messageOf(error)}), ` +
    'so it blocked the run rather than let unchecked steps through. ' +
    'Fix: Re-run the pipeline; if it fails again, send this message to your workspace admin.';
  if (looksLikeDefinitions(request)) return definitionsResponse(request);
  return { error: { key: 'pipeline-guard.internal-error', message } };
}

/** The one log line per run: outcome, repository, ref and the rules that spoke. */
function runSummary(result: EngineResult): string {
  const { report } = result;
  const repository = report.repository ? ` ${report.repository.fullName}` : '';
  const ref = report.ref ? ` ${report.ref.description}` : '';
  const rules = [...new Set(report.findings.map((f) => `${f.rule}(${f.mode})`))].join(', ') || 'none';
  return `pipeline-guard: ${report.outcome}${repository}${ref}; rules: ${rules}`;
}

async function evaluate(
  env: ProviderEnvironment,
  request: unknown,
): Promise<{ result: EngineResult; sampling: boolean }> {
  const { deps } = env;
  let stored: unknown;
  try {
    stored = await withTimeout(deps.store.read(), deps.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, 'the storage read');
  } catch (error) {
    const reason = error instanceof TimeoutError ? error.message : `the storage read failed: ${messageOf(error)}`;
    return { result: unavailable(request, { kind: 'transient', reason }), sampling: false };
  }
  const sampling = samplingOn(stored);
  const loaded = policyStateFrom(stored);
  if (!loaded.ok) return { result: unavailable(request, { kind: 'invalid', reason: loaded.reason }), sampling };
  const resolved = await resolveRepository(env, request, loaded.state, stored);
  if (!resolved.ok) return { result: resolved.result, sampling };
  return { result: runEngine(request, loaded.state, resolved.options), sampling };
}

/**
 * The run's repository, asked for only when the answer can change the outcome: the policy has
 * scoped environments, or a break-glass grant in force names its repository by slug only. Never for
 * an unscoped policy whose grants carry repository UUIDs, never for the Run-pipeline dialog.
 */
async function resolveRepository(
  env: ProviderEnvironment,
  request: unknown,
  state: PolicyState,
  stored: unknown,
): Promise<Resolved> {
  if (state.kind !== 'active') return { ok: true, options: {} };
  const { deps, log } = env;
  // The grants come with the policy record, in the same read. They are checked on every run
  // (never cached), so a revocation or an expiry applies to the next run.
  const at = env.now();
  const grants = storedGrants((stored as { grants?: unknown }).grants).filter(
    (grant) => at.getTime() < instantMs(grant.expires),
  );
  const base: RunOptions = grants.length ? { grants, now: at } : {};
  // Grants made on the page carry the repository's UUID and match the request's own; only a grant
  // that names just a slug (stored before UUIDs were recorded) needs the lookup.
  const slugOnlyGrant = grants.some((grant) => grant.repositoryUuid === undefined);
  if ((!state.policy.scoped && !slugOnlyGrant) || !deps.repositories || looksLikeDefinitions(request))
    return { ok: true, options: base };
  const scoped = state.policy.scoped;
  const withoutRepository = (reason: string, kind: LookupFailure = 'transient'): Resolved => {
    if (scoped) return { ok: false, result: repositoryUnknown(request, reason, kind) };
    // Only grants wanted the repository: without it none applies, which fails closed.
    log(`pipeline-guard: ${reason}; break-glass grants cannot apply to this run`);
    return { ok: true, options: base };
  };
  const { workspace, repository } = (typeof request === 'object' && request !== null ? request : {}) as {
    workspace?: unknown;
    repository?: unknown;
  };
  // A request without these fields is refused by the engine's own validation. One that names them in
  // another form cannot be looked up, and must not run as "a repository no scope includes": that would
  // tell an in-scope repository it is out of scope.
  if (typeof workspace !== 'string' || typeof repository !== 'string') return { ok: true, options: base };
  if (!BRACED_UUID.test(workspace) || !BRACED_UUID.test(repository))
    return withoutRepository(notUuidReason(workspace, repository), 'invalid');
  const timeoutMs = deps.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
  const looked = await lookUp(deps.repositories, workspace, repository, timeoutMs, log);
  if (!looked.ok) return withoutRepository(looked.reason, looked.kind);
  return {
    ok: true,
    options: {
      ...base,
      repository: looked.identity,
      ...(looked.staleAsOf !== undefined ? { repositoryStaleAsOf: looked.staleAsOf } : {}),
    },
  };
}

function notUuidReason(workspace: string, repository: string): string {
  const named = BRACED_UUID.test(repository)
    ? `workspace "${workspace.slice(0, 80)}"`
    : `repository "${repository.slice(0, 80)}"`;
  return `the request names ${named}, which is not a Bitbucket UUID in its {…} form, so it cannot be looked up`;
}

function sampleOf(
  env: ProviderEnvironment,
  result: EngineResult,
  sampling: boolean,
  at: Date,
): SampleWrite | undefined {
  const request = result.request;
  if (!env.deps.samples || !sampling || !request || request.trigger === 'definitions') return undefined;
  try {
    return sampleWriteOf(request, result.report, at);
  } catch (error) {
    env.log(`pipeline-guard: run sample skipped (the run's outcome is unaffected): ${messageOf(error)}`);
    return undefined;
  }
}

async function keepSample(env: ProviderEnvironment, sample: SampleWrite | undefined): Promise<void> {
  const { deps, log } = env;
  if (!deps.samples || !sample) return;
  if (sample.pointer.skipped)
    log(
      `pipeline-guard: run sample kept without its configuration (${sample.pointer.bytes} bytes, ` +
        'over the storage value limit)',
    );
  const samples = deps.samples;
  await writeBestEffort(env, () => samples.write(sample), deps.sampleTimeoutMs, 'the run sample write');
}

async function record(
  env: ProviderEnvironment,
  result: EngineResult,
  sample: SampleWrite | undefined,
  at: Date,
): Promise<void> {
  const { deps } = env;
  const { decisions } = deps;
  const request = result.request;
  if (!decisions || !request || request.trigger === 'definitions') return;
  await writeBestEffort(
    env,
    () => decisions.append(decisionRecord(request, result.report, at, result.response, sample?.pointer.digest)),
    deps.decisionTimeoutMs,
    'the decision log append',
  );
}

/** A write the run's outcome does not depend on: bounded in time; a failure is logged, never thrown. */
async function writeBestEffort(
  env: ProviderEnvironment,
  write: () => Promise<unknown>,
  timeoutMs: number | undefined,
  what: string,
): Promise<void> {
  try {
    await withTimeout(write(), timeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS, what);
  } catch (error) {
    env.log(`pipeline-guard: ${what} failed (the run's outcome is unaffected): ${messageOf(error)}`);
  }
}
