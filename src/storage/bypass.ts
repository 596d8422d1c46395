/**
 * The bypass check: every deployment to a Production environment should come from a pipeline that
 * Pipeline Guard allowed. A deployment whose pipeline has no decision means the provider did not
 * see the run (was it deselected as the workspace provider?); one whose decision was not `allowed`
 * ran outside the policy. A deployment the check cannot judge (the event lacks the environment type
 * or the pipeline, or the lookup failed) is listed as unknown, never as a pass.
 */
import type { DecisionRecord } from './decision-record';
import { readLegacyPage } from './decision-log';
import { scanDecisions } from './decision-store';
import { scanDeployments, type DeploymentRecord } from './deployments';
import type { EntityStore } from './entity-store';
import type { KeyValueStore } from './kv';
// Pipeline UUIDs as both sides keep them: bare, lower case (events and records may or may not brace them).
import { bareUuid } from '../primitives/uuid';

export const PRODUCTION = 'PRODUCTION';

export type BypassStatus = 'no-decision' | 'not-allowed' | 'unprotected' | 'missing-data' | 'allowed';

export interface BypassFinding {
  readonly deployment: DeploymentRecord;
  readonly status: BypassStatus;
  /** The newest decision for the deployment's pipeline, when there is one. */
  readonly decision?: Pick<DecisionRecord, 'at' | 'outcome' | 'repository' | 'ref' | 'rules' | 'policyRevision'>;
  readonly reason: string;
}

export interface BypassReport {
  /** Deployments that need a look: no decision, not allowed, or not judgeable. */
  readonly findings: BypassFinding[];
  /** Production deployments that an `allowed` decision covers. */
  readonly covered: number;
  readonly checked: number;
  /** Stored deployment records too damaged to judge: shown as a count, never as passes. */
  readonly damaged: number;
  readonly nextCursor?: string;
}

export const BYPASS_QUESTION = 'deployed without Pipeline Guard: was the provider deselected?';

export interface BypassOptions {
  readonly from?: number;
  readonly to?: number;
  readonly cursor?: string;
  /**
   * Names of the policy's protected environments: those whose `match.deployments` or `manualTrigger`
   * make them guard production. An allowed decision covers a Production deployment only when one of
   * its steps ran in one of them. Without it (no policy to ask), any environment the decision used counts.
   */
  readonly protectedEnvironments?: ReadonlySet<string>;
  /** Where records of the older log format live, read when the log has no decision for a pipeline. */
  readonly legacy?: KeyValueStore;
}

/** The older log kept at most about 1,000 records (30-day TTL): a bounded read, done once per check. */
const LEGACY_PAGES = 20;

/** The newest older-format decision per bare pipeline UUID. */
async function legacyDecisions(kv: KeyValueStore): Promise<Map<string, DecisionRecord>> {
  const byPipeline = new Map<string, DecisionRecord>();
  let cursor: string | undefined;
  for (let page = 0; page < LEGACY_PAGES; page++) {
    const read = await readLegacyPage(kv, cursor);
    for (const { record } of read.entries)
      if (record.pipeline !== undefined && !byPipeline.has(bareUuid(record.pipeline)))
        byPipeline.set(bareUuid(record.pipeline), record);
    cursor = read.cursor;
    if (cursor === undefined) break;
  }
  return byPipeline;
}

/** Protected environments of a policy: a Production deployment should come from a step in one of them. */
export function protectedEnvironmentNames(
  environments: ReadonlyArray<{
    name: string;
    default?: boolean;
    manualTrigger?: boolean;
    match?: { deployments?: readonly string[] };
  }>,
): Set<string> {
  return new Set(
    environments
      .filter((env) => !env.default && (env.manualTrigger || (env.match?.deployments?.length ?? 0) > 0))
      .map((env) => env.name),
  );
}

/** The decision for a pipeline, looked up under both spellings of its UUID and then in the legacy log. */
async function decisionsFor(
  entities: EntityStore,
  pipeline: string,
  legacy: () => Promise<Map<string, DecisionRecord>>,
): Promise<DecisionRecord[]> {
  // The decision log indexes the pipeline as the provider request spelled it; look under both spellings.
  const bare = bareUuid(pipeline);
  let decisions: DecisionRecord[] = [];
  for (const spelling of [`{${bare}}`, bare]) {
    decisions = (await scanDecisions(entities, { pipeline: spelling }, { want: 1, budget: 100 })).entries.map(
      (entry) => entry.record,
    );
    if (decisions.length) break;
  }
  if (!decisions.length) {
    const older = (await legacy()).get(bare);
    if (older) decisions = [older];
  }
  return decisions;
}

const quoted = (names: Iterable<string>) => [...names].map((name) => `"${name}"`).join(', ');

/** What an existing decision says about a Production deployment. */
function judgeDecision(
  deployment: DeploymentRecord,
  decision: DecisionRecord,
  protectedEnvironments: ReadonlySet<string> | undefined,
): BypassFinding {
  const shown = {
    at: decision.at,
    outcome: decision.outcome,
    repository: decision.repository,
    ref: decision.ref,
    rules: decision.rules,
    policyRevision: decision.policyRevision,
  };
  if (decision.outcome !== 'allowed')
    return {
      deployment,
      decision: shown,
      status: 'not-allowed',
      reason:
        decision.outcome === 'passthrough'
          ? 'Pipeline Guard passed this pipeline through unchanged because no policy was saved yet: ' +
            'the deployment was not checked.'
          : `Pipeline Guard's decision for this pipeline was ${decision.outcome}, not allowed, ` +
            'yet it deployed to Production.',
    };
  const used = decision.environments;
  if (used.length === 0)
    return {
      deployment,
      decision: shown,
      status: 'missing-data',
      reason:
        'Pipeline Guard allowed this pipeline, but its decision record does not say which environments its steps ' +
        'ran in (an older record, or no step ran), so it cannot tell whether a protected environment made this ' +
        'Production deployment.',
    };
  if (protectedEnvironments && !used.some((name) => protectedEnvironments.has(name)))
    return {
      deployment,
      decision: shown,
      status: 'unprotected',
      reason:
        `Deployed to Production from a run Pipeline Guard allowed only as ${quoted(used)}: ` +
        'no step ran in a protected environment' +
        `${protectedEnvironments.size ? ` (${quoted(protectedEnvironments)})` : ''}. ` +
        "A step outside the policy's production environments deployed to Production: " +
        "check its deployment environment and the policy's `match`.",
    };
  return {
    deployment,
    decision: shown,
    status: 'allowed',
    reason: 'An allowed Pipeline Guard decision covers this deployment.',
  };
}

async function judge(
  entities: EntityStore,
  deployment: DeploymentRecord,
  protectedEnvironments: ReadonlySet<string> | undefined,
  legacy: () => Promise<Map<string, DecisionRecord>>,
): Promise<BypassFinding | undefined> {
  if (deployment.environmentType !== undefined && deployment.environmentType !== PRODUCTION) return undefined;
  if (deployment.environmentType === undefined || deployment.pipeline === undefined)
    return {
      deployment,
      status: 'missing-data',
      reason:
        `The deployment event did not carry ${deployment.missing.join(', ') || 'what the check needs'}, ` +
        'so Pipeline Guard cannot tell whether this deployment went through it. Check it in Bitbucket.',
    };
  let decisions: DecisionRecord[];
  try {
    decisions = await decisionsFor(entities, deployment.pipeline, legacy);
  } catch (error) {
    return {
      deployment,
      status: 'missing-data',
      reason:
        `The decision log could not be read for this pipeline (${(error as Error).message}); ` +
        'it is not counted as checked.',
    };
  }
  const [decision] = decisions;
  if (!decision)
    return {
      deployment,
      status: 'no-decision',
      reason: `No Pipeline Guard decision exists for pipeline ${deployment.pipeline}: ${BYPASS_QUESTION}`,
    };
  return judgeDecision(deployment, decision, protectedEnvironments);
}

/** One page of deployments, newest first, judged; `nextCursor` continues. */
export async function checkBypasses(entities: EntityStore, options: BypassOptions = {}): Promise<BypassReport> {
  const scan = await scanDeployments(entities, options);
  let legacy: Promise<Map<string, DecisionRecord>> | undefined;
  const legacyOnce = () =>
    (legacy ??= options.legacy ? legacyDecisions(options.legacy) : Promise.resolve(new Map<string, DecisionRecord>()));
  const judged = await Promise.all(
    scan.deployments.map((deployment) => judge(entities, deployment, options.protectedEnvironments, legacyOnce)),
  );
  const relevant = judged.filter((finding): finding is BypassFinding => finding !== undefined);
  return {
    findings: relevant.filter((finding) => finding.status !== 'allowed'),
    covered: relevant.filter((finding) => finding.status === 'allowed').length,
    checked: relevant.length,
    damaged: scan.damaged,
    nextCursor: scan.nextCursor,
  };
}
