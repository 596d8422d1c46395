/**
 * The settings page's contract with its resolver: one function per action, each answering with
 * `{ ok: true, ... }` or `{ ok: false, error }`. Types only, so the UI bundle can import them.
 */
import type { PolicyProblem } from '../policy/load';
import type { SimulationResult } from '../simulate/simulate';
import type { BypassReport } from '../storage/bypass';
import type { DecisionPage } from '../storage/decision-query';
import type { StatsView } from '../storage/rollup';
import type { PolicyTest } from '../storage/policy-tests';

export type ErrorCode = 'identity' | 'forbidden' | 'invalid-request' | 'invalid-policy' | 'invalid-pipeline' | 'stale' | 'tests-failed' | 'not-found' | 'damaged' | 'storage';

export interface PolicyTestOutcome {
  readonly id: string;
  readonly name: string;
  readonly expect: PolicyTest['expect'];
  /** The simulator's outcome, or `error` when the case's pipeline cannot be simulated. */
  readonly actual: SimulationResult['outcome'] | 'error';
  readonly passed: boolean;
  readonly detail?: string;
}

export interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly problems?: PolicyProblem[];
  readonly failures?: PolicyTestOutcome[];
  readonly currentRevision?: number;
  readonly line?: number;
  readonly column?: number;
}

export type ApiResult<T> = ({ ok: true } & T) | { ok: false; error: ApiError };

export interface PolicyView {
  readonly canEdit: boolean;
  readonly state: 'none' | 'ok' | 'damaged';
  /** 0 before the first save. Send it back as `expectedRevision`. */
  readonly revision: number;
  readonly policy?: unknown;
  readonly savedAt?: string;
  readonly savedBy?: string;
  readonly message: string;
}

export interface HistoryEntry {
  readonly revision: number;
  readonly savedAt: string;
  readonly savedBy: string;
  readonly action: 'save' | 'rollback';
  readonly restoredFrom?: number;
  readonly policy: unknown;
}

export interface SavedView {
  readonly revision: number;
  readonly savedAt: string;
  readonly testsRun: number;
}

export interface PreviewView {
  /** Exactly what `pipeline-guard simulate --format json` prints for the same input. */
  readonly result: SimulationResult;
  /** Which policy the preview ran: the unsaved draft, a saved revision, or none. */
  readonly policySource: string;
}

export interface TrustPolicyView {
  readonly environment: string;
  readonly roleArn?: string;
  readonly trustPolicy?: unknown;
  readonly warnings: string[];
  readonly error?: string;
}

export type DecisionsView = DecisionPage;
export type DecisionStatsView = StatsView;
export type BypassView = BypassReport;
export interface CsvView {
  readonly filename: string;
  /** This part of the file; the first part starts with the header row. */
  readonly csv: string;
  readonly rows?: number;
  /** Ask again with it for the next part; absent on the last part. */
  readonly cursor?: string;
}
