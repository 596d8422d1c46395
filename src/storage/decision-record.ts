import { refKey } from '../engine/labels';
import type { ProviderRequest } from '../engine/request';
import type { RunReport } from '../engine/run';

/** One compact line of the decision log, written for every real run (never for `definitions`). */
export interface DecisionRecord {
  readonly at: string;
  readonly repository: string;
  readonly ref: string;
  readonly trigger: string;
  readonly outcome: RunReport['outcome'];
  readonly rules: string[];
  readonly pipeline?: string;
  readonly buildNumber?: number;
  readonly policyRevision?: number;
  /** Break-glass grants the run used (RunReport.grants). */
  readonly grants?: string[];
}

export interface DecisionSink {
  /** Must be a single write: the provider's hot path allows one storage read, for the policy. */
  append(record: DecisionRecord): Promise<void>;
}

export function decisionRecord(request: Pick<ProviderRequest, 'repository' | 'trigger' | 'pipeline' | 'build_number'>, report: RunReport, at: Date): DecisionRecord {
  return {
    at: at.toISOString(),
    repository: request.repository,
    ref: report.ref ? refKey(report.ref) : 'none',
    trigger: request.trigger,
    outcome: report.outcome,
    rules: [...new Set(report.findings.map((finding) => finding.rule))].sort(),
    pipeline: request.pipeline,
    buildNumber: request.build_number,
    policyRevision: report.policy?.revision,
    ...(report.grants?.length ? { grants: report.grants } : {}),
  };
}
