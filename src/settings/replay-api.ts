/** The replay and run-sample actions' answers (types only, so the UI bundle can import them). */
import type { ReplayJob, ReplayResult } from './replay-jobs';

export type { ReplayJob, ReplayResult, ReplayStatus } from './replay-jobs';
export type { ReplayRun, ReplaySummary, RepositoryCounts, RuleCounts, StepChange } from '../simulate/replay';

export interface ReplayView {
  /** The latest replay job, without its partial summary. */
  readonly job?: Omit<ReplayJob, 'partial'>;
  /** Its result, once done. */
  readonly result?: ReplayResult;
}

export interface SamplesView {
  readonly sampling: boolean;
  /** Stored samples (pointers), counted up to `countCap`. */
  readonly stored: number;
  readonly countCap: number;
  readonly policySaved: boolean;
}

export interface SamplesExportView {
  readonly filename: string;
  /** JSON Lines: one `{ request, repository? }` per line. */
  readonly jsonl: string;
  readonly lines: number;
  readonly cursor?: string;
}
