/**
 * The simulator: a `bitbucket-pipelines.yml` text, a policy and a target in; the request Bitbucket
 * would send, the provider's exact response and the report out. It runs the provider's own engine
 * (no second implementation of any rule) and only adds what Bitbucket does before calling a
 * provider: parse the YAML, pick the definition, filter the configuration, build the request.
 * Pure (no fs, no process), so the CLI and the settings page preview share it.
 */
import { stringify } from 'yaml';
import { isPlainObject } from '../engine/clone';
import { formatPath, type Path } from '../primitives/path';
import type { ProviderRequest, ProviderResponse, RequestVariable, Selector, Trigger } from '../engine/request';
import { runEngine } from '../rules/chain';
import { type PolicyState, type RunOptions, type StepDecision } from '../engine/run';
import type { CompiledPolicy, Finding } from '../engine/types';
import { instantMs, type Grant } from '../policy/grant-guard';
import type { RepositoryIdentity } from '../policy/repository';
import { parseYaml, YamlInputError, type Position } from '../yaml/document';
import { unifiedDiff } from './diff';
import {
  DEFAULT_REF,
  describeTarget,
  filterPipelines,
  selectDefinition,
  SelectionError,
  type RefSpec,
  type Selection,
  type SimulationTarget,
} from './selection';

export type { SimulationTarget, RefSpec } from './selection';

/** The file cannot be simulated: bad YAML, a duplicate key, no `pipelines`, an unknown custom pipeline. */
export class SimulationInputError extends Error {
  constructor(
    readonly reason: string,
    readonly position?: Position,
  ) {
    super(position ? `line ${position.line}, column ${position.column}: ${reason}` : reason);
  }
}

/** A position that may lie in another file than the one simulated (a step brought in by an `import:`). */
export interface SourcePosition extends Position {
  /** The file the position is in; absent for the simulated file itself. */
  readonly file?: string;
}

/** A pipeline file already parsed (and its imports resolved), for callers that read more than one file. */
export interface ParsedPipelineFile {
  readonly config: Record<string, unknown>;
  positionOf(path: Path): SourcePosition | undefined;
}

export interface SimulateInput {
  readonly yamlText: string;
  /** The parsed file, which then stands in for `yamlText`; see parsePipelineFile. */
  readonly parsed?: ParsedPipelineFile;
  /** The policy to enforce; undefined simulates a workspace where no policy has been saved yet. */
  readonly policy: CompiledPolicy | undefined;
  readonly target: SimulationTarget;
  /** Defaults to `manual` for a custom pipeline and `push` otherwise. */
  readonly trigger?: Trigger;
  /** Shown in the diff headers. */
  readonly fileName?: string;
  /**
   * The repository the run is for (what the provider's lookup would resolve); absent: a repository no scope includes.
   */
  readonly repository?: RepositoryIdentity;
  /** Break-glass grants to preview the run under, expiring against `now`. */
  readonly grants?: readonly Grant[];
  readonly now?: Date;
  /** The request's `variables` (run triggers only, as Bitbucket sends them); absent: a request without them. */
  readonly variables?: readonly RequestVariable[];
  /** Sends `variables_truncated: true` with them. */
  readonly variablesTruncated?: boolean;
}

export type SimulationOutcome = 'allowed' | 'blocked' | 'none';

export interface SimulatedRef {
  readonly type: 'branch' | 'tag' | 'commit' | 'pullrequest';
  /** Branch or tag name, the source branch of a pull request, or the commit hash. */
  readonly name: string;
  readonly destination?: string;
}

/** A step as the simulator reports it: the engine's decision, with the line in the file instead of path segments. */
export type SimulatedStep = Omit<StepDecision, 'segments'> & { readonly line?: number };

export interface Violation {
  readonly rule: string;
  readonly mode: 'enforce' | 'warn';
  /** Where in the file, e.g. `pipelines.branches.main[1]`; empty for the pipeline as a whole. */
  readonly path: string;
  /** The line of the offending key in the file, where it can be traced. */
  readonly line?: number;
  /** The imported file the line is in; absent for the simulated file. */
  readonly file?: string;
  readonly step?: string;
  readonly message: string;
  readonly fix: string;
}

/** The JSON contract of `pipeline-guard simulate --format json` (docs/cli.md). Keep it stable. */
export interface SimulationResult {
  /** `none`: no definition matches the target, so nothing would run. */
  readonly outcome: SimulationOutcome;
  readonly target: {
    readonly trigger: Trigger;
    readonly ref: SimulatedRef;
    readonly selector?: Selector;
    /** Which definition was chosen and why (or why none was). */
    readonly selection: {
      readonly path?: string;
      readonly line?: number;
      readonly reason: string;
      readonly ties: string[];
    };
  };
  /** The repository the run was simulated for, or null: one that no scope includes. */
  readonly repository: { readonly slug: string; readonly project: string | null } | null;
  readonly request: ProviderRequest;
  readonly response: ProviderResponse;
  readonly steps: SimulatedStep[];
  readonly violations: Violation[];
  /** Changes outside any step: scan steps put first, `options.runs-on` removed, … */
  readonly configChanges: string[];
  /** Unified diff of the configuration as sent and as returned; absent when the run is blocked. */
  readonly diff?: string;
  /** Ids of the break-glass grants that waived a rule on this run; absent when none did. */
  readonly grants?: string[];
}

/** Placeholder identities: plausible brace UUIDs. The engine never decides anything on them. */
export const SIMULATED_IDS = {
  workspace: '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}',
  repository: '{0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9}',
  creator: '{c0ffee00-1234-4abc-9def-0123456789ab}',
  pipeline: '{9e8d7c6b-5a49-4382-a716-5f4e3d2c1b0a}',
  parentPipeline: '{1a2b3c4d-5e6f-4701-8293-a4b5c6d7e8f0}',
  parentRun: '{2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901}',
  parentStep: '{3c4d5e6f-7081-4923-a4b5-c6d7e8f90112}',
  commit: 'e34ad324d1e4334777dca3e56c04eba36c2a68c6',
  destinationCommit: 'ca0b9f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8',
  createdOn: '2026-01-01T00:00:00.000Z',
  buildNumber: 1,
  pullRequestId: 1,
} as const;

/**
 * The identity a command line or the settings page preview gives for `--repository SLUG` (or
 * WORKSPACE/SLUG) and `--project KEY`, standing in for the provider's lookup.
 */
export function simulatedRepository(repository: string, projectKey?: string): RepositoryIdentity {
  const slash = repository.indexOf('/');
  const slug = slash === -1 ? repository : repository.slice(slash + 1);
  return {
    uuid: SIMULATED_IDS.repository,
    slug,
    fullName: repository,
    ...(projectKey !== undefined ? { projectKey } : {}),
  };
}

export function defaultTrigger(target: SimulationTarget): Trigger {
  return target.kind === 'custom' ? 'manual' : 'push';
}

function refSpecOf(target: SimulationTarget): RefSpec | { kind: 'pullrequest'; source: string; destination: string } {
  return target.kind === 'custom' ? (target.ref ?? DEFAULT_REF) : target;
}

function simulatedRef(target: SimulationTarget): SimulatedRef {
  const spec = refSpecOf(target);
  if (spec.kind === 'pullrequest') return { type: 'pullrequest', name: spec.source, destination: spec.destination };
  if (spec.kind === 'commit') return { type: 'commit', name: SIMULATED_IDS.commit };
  return { type: spec.kind, name: spec.name };
}

function targetOf(target: SimulationTarget, selector: Selector | undefined): ProviderRequest['target'] {
  const spec = refSpecOf(target);
  const commit = { hash: SIMULATED_IDS.commit };
  const withSelector = <T extends object>(value: T) => (selector ? { ...value, selector } : value);
  if (spec.kind === 'pullrequest')
    return withSelector({
      type: 'pipeline_pullrequest_target' as const,
      commit,
      source: spec.source,
      destination: spec.destination,
      destination_commit: { hash: SIMULATED_IDS.destinationCommit },
      pullrequest: { id: SIMULATED_IDS.pullRequestId },
    });
  if (spec.kind === 'commit') return withSelector({ type: 'pipeline_commit_target' as const, commit });
  return withSelector({ type: 'pipeline_ref_target' as const, commit, ref_type: spec.kind, ref_name: spec.name });
}

/**
 * The request Bitbucket would send for `target`: for `definitions` every definition and no
 * selector; for a run trigger only the selected definition (or an empty configuration when none
 * matched) and `target.selector`.
 */
export function buildProviderRequest(
  config: Record<string, unknown>,
  target: SimulationTarget,
  trigger: Trigger,
  selection: Selection | undefined,
): ProviderRequest {
  const base = {
    workspace: SIMULATED_IDS.workspace,
    repository: SIMULATED_IDS.repository,
    creator: SIMULATED_IDS.creator,
    trigger,
  };
  if (trigger === 'definitions')
    return { ...base, target: targetOf(target, undefined), pipelines_configuration: config };
  let filtered: Record<string, unknown> = {};
  if (selection) {
    // Everything outside `pipelines` (image, options, definitions, unknown keys) travels unchanged.
    filtered = Object.fromEntries(
      Object.entries(config).map(([key, value]) => [
        key,
        key === 'pipelines' ? filterPipelines(value as Record<string, unknown>, selection) : value,
      ]),
    );
  }
  const request: ProviderRequest = {
    ...base,
    target: targetOf(target, selection?.selector),
    pipelines_configuration: filtered,
    pipeline: SIMULATED_IDS.pipeline,
    build_number: SIMULATED_IDS.buildNumber,
    created_on: SIMULATED_IDS.createdOn,
  };
  if (trigger === 'parent_step')
    return {
      ...request,
      trigger_context: {
        parent_pipeline_uuid: SIMULATED_IDS.parentPipeline,
        parent_pipeline_run_uuid: SIMULATED_IDS.parentRun,
        parent_step_uuid: SIMULATED_IDS.parentStep,
      },
    };
  return request;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/** Parses the file and checks the shape selection needs; every problem carries a position. */
export function parsePipelineFile(text: string): ParsedPipelineFile {
  let parsed;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlInputError)
      throw new SimulationInputError(
        error.position ? error.message.replace(/^line \d+, column \d+: /, '') : error.message,
        error.position,
      );
    throw error;
  }
  const start = { line: 1, column: 1 };
  const value = parsed.value;
  if (!isPlainObject(value))
    throw new SimulationInputError(
      `the file is ${describeValue(value)}; a pipeline file is a mapping with a \`pipelines:\` section`,
      start,
    );
  if (!Object.prototype.hasOwnProperty.call(value, 'pipelines'))
    throw new SimulationInputError(
      `the file has no \`pipelines:\` section (top-level keys: ${Object.keys(value).join(', ') || 'none'}), ` +
        'so no pipeline would run',
      start,
    );
  const pipelines = value.pipelines;
  if (!isPlainObject(pipelines))
    throw new SimulationInputError(
      `\`pipelines\` is ${describeValue(pipelines)}; ` +
        'it must be a mapping of sections such as `default:` and `branches:`',
      parsed.positionOf(['pipelines']) ?? start,
    );
  return { config: value, positionOf: parsed.positionOf };
}

export function simulate(input: SimulateInput): SimulationResult {
  const { config, positionOf } = input.parsed ?? parsePipelineFile(input.yamlText);
  const trigger = input.trigger ?? defaultTrigger(input.target);
  const lineOf = (segments: Path) => (segments.length ? positionOf(segments)?.line : undefined);

  const { selection, selectionInfo } = selectForTrigger(config, input.target, trigger, positionOf, lineOf);

  const built = buildProviderRequest(config, input.target, trigger, selection);
  const request: ProviderRequest =
    input.variables && trigger !== 'definitions'
      ? {
          ...built,
          variables: [...input.variables],
          ...(input.variablesTruncated ? { variables_truncated: true } : {}),
        }
      : built;
  const state: PolicyState = input.policy ? { kind: 'active', policy: input.policy } : { kind: 'none' };
  const { response, report } = runEngine(request, state, simulatedRunOptions(input));

  const outcome: SimulationOutcome = 'error' in response ? 'blocked' : report.outcome === 'none' ? 'none' : 'allowed';
  const steps: SimulatedStep[] = report.steps.map((step) => ({
    path: step.path,
    line: lineOf(step.segments),
    name: step.name,
    environment: step.environment,
    environmentReason: step.environmentReason,
    runsOn: step.runsOn,
    oidc: step.oidc,
    changes: step.changes,
  }));
  const violations: Violation[] = report.findings.map((finding) => violationOf(finding, positionOf, lineOf));

  const fileName = input.fileName ?? 'bitbucket-pipelines.yml';
  const diff =
    'pipelines_configuration' in response
      ? unifiedDiff(toYaml(request.pipelines_configuration), toYaml(response.pipelines_configuration), {
          before: `${fileName} (as Bitbucket sends it: ${describeTarget(input.target)})`,
          after: `${fileName} (as Pipeline Guard returns it)`,
        })
      : undefined;

  return {
    outcome,
    target: { trigger, ref: simulatedRef(input.target), selector: selection?.selector, selection: selectionInfo },
    repository: input.repository ? { slug: input.repository.slug, project: input.repository.projectKey ?? null } : null,
    request,
    response,
    steps,
    violations,
    configChanges: report.configChanges,
    diff,
    ...(report.grants ? { grants: report.grants } : {}),
  };
}

type PositionOf = ParsedPipelineFile['positionOf'];

/** The definition Bitbucket would select for the target, and how the result explains it. */
function selectForTrigger(
  config: ParsedPipelineFile['config'],
  target: SimulationTarget,
  trigger: Trigger,
  positionOf: PositionOf,
  lineOf: (segments: Path) => number | undefined,
): { selection?: Selection; selectionInfo: SimulationResult['target']['selection'] } {
  if (trigger === 'definitions')
    return {
      selectionInfo: {
        reason: 'a `definitions` call: Bitbucket sends every definition, selects none, and never blocks',
        ties: [],
      },
    };
  let result;
  try {
    result = selectDefinition(config.pipelines, target);
  } catch (error) {
    if (error instanceof SelectionError)
      throw new SimulationInputError(error.message, positionOf(error.segments) ?? { line: 1, column: 1 });
    throw error;
  }
  if (result.kind !== 'selected') return { selectionInfo: { reason: result.reason, ties: [] } };
  const selection = result.selection;
  return {
    selection,
    selectionInfo: {
      path: formatPath(selection.segments),
      line: lineOf(selection.segments),
      reason: selection.reason,
      ties: selection.ties,
    },
  };
}

/** As the provider does: it resolves the repository only for a policy with scopes or a grant in force. */
function simulatedRunOptions(input: SimulateInput): RunOptions {
  const now = input.now ?? new Date();
  // The simulated request names a made-up repository UUID, so a grant is matched on its slug here
  // (`--repository`), even when it carries the UUID the provider matches it on.
  const grants = (input.grants ?? [])
    .filter((grant) => now.getTime() < instantMs(grant.expires))
    .map(({ repositoryUuid: _uuid, ...grant }) => grant);
  const known = input.repository && (input.policy?.scoped || grants.length > 0) ? { repository: input.repository } : {};
  return { ...known, ...(grants.length ? { grants, now } : {}) };
}

function violationOf(finding: Finding, positionOf: PositionOf, lineOf: (segments: Path) => number | undefined) {
  const file = finding.segments.length ? positionOf(finding.segments)?.file : undefined;
  const violation: Violation = {
    rule: finding.rule,
    mode: finding.mode,
    path: formatPath(finding.segments) || finding.path,
    line: lineOf(finding.segments),
    ...(file !== undefined ? { file } : {}),
    step: finding.step,
    message: finding.message,
    fix: finding.fix,
  };
  return violation;
}

/**
 * A configuration as YAML text. YAML aliases arrive as shared objects; they are written out in full
 * rather than as generated anchors, which is how Bitbucket passes them to providers.
 */
export function toYaml(config: unknown): string {
  return stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 });
}
