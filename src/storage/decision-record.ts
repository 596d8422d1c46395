/**
 * One decision-log record per real run (never for `definitions`): what the provider decided, for
 * which repository, ref and pipeline, under which rules, grants and policy revision. It is also the
 * stored value of the `decision` custom entity (decision-store.ts), so its attributes are flat and
 * bounded: a record is at most about 3 KiB whatever the pipeline sends.
 *
 * This module is on the provider's path, which writes records and never reads them: the reader's
 * hand-written guard (`isDecisionRecord`, no zod) sits in decision-guard.ts, and src/storage/decision-schema.ts
 * holds the zod schema the resolver uses; a test keeps the two in agreement.
 */
import { refKey } from '../engine/labels';
import { refOf } from '../engine/ref';
import type { ProviderRequest, ProviderResponse } from '../engine/request';
import type { Outcome, RunReport } from '../engine/run';
import type { Finding } from '../engine/types';

export const MAX_TEXT = 300;
export const MAX_LIST = 20;
export const MAX_ID = 80;
/** The first 1 KB of the block message: enough to read why, bounded whatever the pipeline holds. */
export const MAX_MESSAGE_BYTES = 1024;

export interface DecisionRecord {
  /** Record format; records of the older key-value format (decision-log.ts) have none. */
  readonly v: 2;
  /** Epoch milliseconds: the range of every index. */
  readonly at: number;
  /** Full name (`acme/payments-api`) when the provider resolved it, else the UUID from the request. */
  readonly repository: string;
  /** Lower-cased `repository`: the partition of the by-repository index. */
  readonly repositoryKey: string;
  readonly repositoryUuid: string;
  /** Bitbucket project key; absent when unknown (the request does not carry it). */
  readonly project?: string;
  /**
   * Epoch ms of Bitbucket's last good answer for the repository, when Bitbucket failed on this run
   * and that answer (at most 7 days old) was used instead: the identity is stale.
   */
  readonly repositoryStaleAsOf?: number;
  /** `branch:main`, `tag:v1`, `none` (commit target). */
  readonly ref: string;
  readonly trigger: string;
  /** Pipeline UUID, lower-cased: what a deployment event names, so the bypass check can find the decision. */
  readonly pipeline?: string;
  readonly buildNumber?: number;
  /** The Bitbucket account that started the run. */
  readonly creator?: string;
  readonly outcome: Outcome;
  /** Rules with a finding, sorted. A run that passed through for want of a policy has none. */
  readonly rules: string[];
  /** Break-glass grant ids the run used. */
  readonly grants: string[];
  /** Environments the run's steps were placed in, sorted. */
  readonly environments: string[];
  /** The first 1 KB of the block message, for a blocked run. */
  readonly message?: string;
  readonly policyRevision?: number;
  /** The digest of the run's pipeline configuration among the run samples (sample-writer.ts), when it was kept. */
  readonly sample?: string;
}

export interface DecisionSink {
  /** Must be a single write: the provider's hot path allows one storage read, for the policy. */
  append(record: DecisionRecord): Promise<void>;
}

const clip = (text: string, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Cuts at a character boundary so that the UTF-8 form is at most `maxBytes`. */
export function firstBytes(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  let cut = new TextDecoder().decode(bytes.slice(0, maxBytes - 3));
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * The engine reports "no policy saved yet" as a warning under policy-unavailable so that the preview
 * can say so; in the log it is the outcome `passthrough` and no rule, never the storage fault.
 */
const isNoPolicyNotice = (report: RunReport, finding: Finding) =>
  report.outcome === 'passthrough' &&
  report.policy === undefined &&
  finding.rule === 'policy-unavailable' &&
  finding.mode === 'warn';

type RecordedRequest = Pick<
  ProviderRequest,
  'repository' | 'trigger' | 'pipeline' | 'build_number' | 'creator' | 'target'
>;

export function decisionRecord(
  request: RecordedRequest,
  report: RunReport,
  at: Date,
  response?: ProviderResponse,
  sample?: string,
): DecisionRecord {
  const identity = report.repository;
  const repository = clip(identity?.fullName || request.repository);
  const ref = report.ref ?? refOf(request.target);
  const message = response && 'error' in response ? response.error.message : undefined;
  // Every pipeline run writes a record: one pass, without an array per step.
  const named = new Set<string>();
  for (const step of report.steps) if (step.environment) named.add(step.environment);
  const environments = [...named].sort();
  return {
    v: 2,
    at: Number.isNaN(at.getTime()) ? Date.now() : at.getTime(),
    repository,
    repositoryKey: repository.toLowerCase(),
    repositoryUuid: clip(request.repository, MAX_ID),
    ...(identity?.projectKey ? { project: clip(identity.projectKey, MAX_ID) } : {}),
    ...(report.repositoryStaleAsOf !== undefined ? { repositoryStaleAsOf: report.repositoryStaleAsOf } : {}),
    ref: clip(refKey(ref)),
    trigger: clip(request.trigger, 40),
    ...(request.pipeline !== undefined ? { pipeline: clip(request.pipeline.toLowerCase(), MAX_ID) } : {}),
    ...(request.build_number !== undefined ? { buildNumber: request.build_number } : {}),
    ...(request.creator !== undefined ? { creator: clip(request.creator, MAX_ID) } : {}),
    outcome: report.outcome,
    rules: [
      ...new Set(
        report.findings.filter((finding) => !isNoPolicyNotice(report, finding)).map((finding) => finding.rule),
      ),
    ]
      .sort()
      .slice(0, MAX_LIST),
    grants: [...new Set(report.grants ?? [])]
      .sort()
      .slice(0, MAX_LIST)
      .map((id) => clip(id, MAX_ID)),
    environments: environments.slice(0, MAX_LIST).map((name) => clip(name, 60)),
    ...(message !== undefined ? { message: firstBytes(message, MAX_MESSAGE_BYTES) } : {}),
    ...(report.policy?.revision !== undefined ? { policyRevision: report.policy.revision } : {}),
    ...(sample !== undefined ? { sample } : {}),
  };
}
