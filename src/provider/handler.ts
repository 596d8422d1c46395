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
import { definitionsResponse, looksLikeDefinitions, type EngineResult, type PolicyState } from '../engine/run';
import type { CompiledPolicy, Finding } from '../engine/types';
import { formatPolicyProblems } from '../policy/problems';
import { checkPolicy } from '../policy/policy-check';
import { checkStoredPolicy } from '../storage/stored-policy-check';
import { decisionRecord, type DecisionSink } from '../storage/decision-record';

export interface PolicyStore {
  /** The stored policy record, or undefined when none was ever saved. */
  read(): Promise<unknown>;
}

export interface ProviderDependencies {
  readonly store: PolicyStore;
  readonly decisions?: DecisionSink;
  /** Well inside Forge's 25 s limit, so that a hung read still ends in an answer. */
  readonly readTimeoutMs?: number;
  readonly decisionTimeoutMs?: number;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

export const DEFAULT_READ_TIMEOUT_MS = 8_000;
export const DEFAULT_DECISION_TIMEOUT_MS = 1_500;

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Loaded = { ok: true; state: PolicyState } | { ok: false; reason: string };

/** Compiling is cached per stored record: a warm Forge container skips re-validating an unchanged policy. */
let cached: { raw: string; policy: CompiledPolicy } | undefined;

export function policyStateFrom(stored: unknown): Loaded {
  if (stored === undefined || stored === null) return { ok: true, state: { kind: 'none' } };
  const record = checkStoredPolicy(stored);
  if (!record.success) return { ok: false, reason: 'the stored policy record is damaged (it is not a policy revision)' };
  const raw = JSON.stringify(record.data.policy) + `#${record.data.revision}`;
  if (cached?.raw === raw) return { ok: true, state: { kind: 'active', policy: cached.policy } };
  const result = checkPolicy(record.data.policy);
  if (!result.ok) return { ok: false, reason: `the stored policy (revision ${record.data.revision}) is invalid: ${formatPolicyProblems(result.problems.slice(0, 3)).replace(/\n/g, '; ')}` };
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
    message: `Pipeline Guard could not load the workspace policy (${reason}), so it blocked the run rather than let unchecked steps through.`,
    fix:
      kind === 'transient'
        ? 'Re-run the pipeline in a minute. If it keeps failing, a workspace admin should open the Pipeline Guard settings page and check the policy.'
        : 'Re-running will not help: every run is blocked until a workspace admin fixes or rolls back the policy on the Pipeline Guard settings page.',
  };
  const parsed = checkProviderRequest(request);
  const isDefinitions = looksLikeDefinitions(request);
  const response: ProviderResponse = isDefinitions
    ? definitionsResponse(request)
    : { error: { key: 'pipeline-guard.policy-unavailable', message: blockMessage([finding], parsed.success ? refOf(parsed.data.target) : undefined) } };
  return { response, report: { outcome: isDefinitions ? 'passthrough' : 'blocked', steps: [], findings: [finding], configChanges: [] }, request: parsed.success ? parsed.data : undefined };
}

export function createProvider(deps: ProviderDependencies) {
  const log = deps.log ?? ((message: string) => console.log(message));
  const now = deps.now ?? (() => new Date());

  const evaluate = async (request: unknown): Promise<EngineResult> => {
    let stored: unknown;
    try {
      stored = await withTimeout(deps.store.read(), deps.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, 'the storage read');
    } catch (error) {
      return unavailable(request, { kind: 'transient', reason: error instanceof TimeoutError ? error.message : `the storage read failed: ${(error as Error)?.message ?? String(error)}` });
    }
    const loaded = policyStateFrom(stored);
    if (!loaded.ok) return unavailable(request, { kind: 'invalid', reason: loaded.reason });
    return runEngine(request, loaded.state);
  };

  const record = async (result: EngineResult): Promise<void> => {
    const request = result.request;
    if (!deps.decisions || !request || request.trigger === 'definitions') return;
    try {
      await withTimeout(deps.decisions.append(decisionRecord(request, result.report, now())), deps.decisionTimeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS, 'the decision log');
    } catch (error) {
      log(`pipeline-guard: decision log append failed (the run's outcome is unaffected): ${(error as Error)?.message ?? String(error)}`);
    }
  };

  /** Forge calls this with the module payload; it resolves to the provider response and never rejects. */
  return async function provider(request: unknown): Promise<ProviderResponse> {
    try {
      const result = await evaluate(request);
      const summary = `pipeline-guard: ${result.report.outcome}${result.report.ref ? ` ${result.report.ref.description}` : ''}; rules: ${[...new Set(result.report.findings.map((f) => `${f.rule}(${f.mode})`))].join(', ') || 'none'}`;
      log(summary);
      await record(result);
      return result.response;
    } catch (error) {
      // runEngine never throws, so only a fault in this adapter lands here. Still fail closed.
      const message = `Pipeline Guard blocked this run: 1 violation.\n1. [internal-error] Pipeline Guard hit an internal fault (${(error as Error)?.message ?? String(error)}), so it blocked the run rather than let unchecked steps through. Fix: Re-run the pipeline; if it fails again, send this message to your workspace admin.`;
      if (looksLikeDefinitions(request)) return definitionsResponse(request);
      return { error: { key: 'pipeline-guard.internal-error', message } };
    }
  };
}
