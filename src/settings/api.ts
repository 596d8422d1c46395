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
import type { RevisionCommit } from '../storage/policy-repo';
import type { Weakening } from '../policy/weakening';
import type { SimulatedStep } from '../simulate/simulate';
import type { ReplayBrief } from '../storage/replay-brief';
import type { TrustCheckResult } from '../trust/check';

export type ErrorCode =
  | 'identity'
  | 'forbidden'
  | 'invalid-request'
  | 'invalid-policy'
  | 'invalid-pipeline'
  | 'stale'
  | 'tests-failed'
  | 'reason-required'
  | 'not-found'
  | 'damaged'
  | 'storage'
  | 'bitbucket'
  | 'newly-blocks'
  | 'source-repository';

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
  /** `stale`: who saved the revision that is now current, and when. */
  readonly savedBy?: string;
  readonly savedAt?: string;
  /** `reason-required`: what the change weakens. */
  readonly weakenings?: Weakening[];
  /** `newly-blocks`: what the draft did to the run samples. */
  readonly replay?: ReplayBrief;
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
  /** The policy as the admin last wrote it in YAML (comments and key order kept), when it was. */
  readonly policyText?: string;
  readonly message: string;
}

export interface HistoryEntry {
  readonly revision: number;
  readonly savedAt: string;
  readonly savedBy: string;
  readonly action: 'save' | 'rollback' | 'commit';
  readonly restoredFrom?: number;
  /** `commit`: the policy repository's commit this revision was loaded from. */
  readonly commit?: RevisionCommit;
  readonly policy: unknown;
  readonly policyText?: string;
  readonly reason?: string;
  readonly overriddenTests?: string[];
  /** The save kept the admin's values over these fields of another revision's changes. */
  readonly replaces?: { readonly revision: number; readonly fields: string[] };
  /** What the draft did to the run samples when it was saved, and whether the admin confirmed it. */
  readonly replay?: ReplayBrief;
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
  /**
   * No policy is saved: the provider returns the pipeline unchanged. `result.outcome` then says
   * `allowed` as the CLI does; these are the steps that would run, untouched.
   */
  readonly passthrough?: { readonly steps: SimulatedStep[] };
  /**
   * Present when the preview asked for the active break-glass grants: the server time the preview
   * ran at (expiry is checked against it) and every grant in force then. `result.grants` names
   * the ones that actually waived a rule on this run.
   */
  readonly grantsApplied?: {
    readonly now: string;
    readonly inForce: readonly { readonly id: string; readonly repository: string; readonly expires: string }[];
  };
}

export interface TrustPolicyView {
  readonly environment: string;
  readonly provider?: 'aws' | 'gcp' | 'vault';
  /** The role ARN, service account or Vault role the artifact trusts. */
  readonly identity?: string;
  readonly roleArn?: string;
  readonly trustPolicy?: unknown;
  /** The whole artifact (src/trust/artifacts.ts), as `pipeline-guard trust-policy --format json` gives it. */
  readonly artifact?: unknown;
  /** Ready to paste: the IAM JSON, or the gcloud / vault commands. */
  readonly text?: string;
  readonly warnings: string[];
  readonly error?: string;
}

/** The Trust tab's comparison of deployed JSON with the generated artifact (`trustCheck`). */
export interface TrustCheckView {
  readonly result: TrustCheckResult;
  /** "the unsaved policy in the editor", or the saved revision compared with. */
  readonly policySource: string;
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

// What the replay, policy-source and trust-check functions answer, named here so that the page reaches
// the server only through this module's types.
export type { ReplayView, SamplesExportView, SamplesView } from './replay-api';
export type { ReplaySummary } from '../simulate/replay';
export type { PolicySourceView, SourceChangedView } from './source-handlers';
export type { SyncOutcome } from './policy-sync';
export type { PolicySource, SwitchRecord } from '../storage/policy-source';
