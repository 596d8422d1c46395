import { refKey } from '../engine/labels';
import type { ProviderRequest } from '../engine/request';
import type { RunReport } from '../engine/run';

/** One compact line of the decision log, written for every real run (never for `definitions`). */
export interface DecisionRecord {
  readonly at: string;
  /** The repository's full name (`acme/website`) when the provider resolved it (scoped policies), else its UUID. */
  readonly repository: string;
  /** The repository's Bitbucket project key, when known. */
  readonly project?: string;
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
    repository: report.repository?.fullName ?? request.repository,
    ...(report.repository?.projectKey !== undefined ? { project: report.repository.projectKey } : {}),
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
