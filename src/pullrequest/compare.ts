/**
 * The pull-request comparison: every run the merge makes possible, simulated with the pull request's file and
 * with the destination's file as it is, and judged on what the pull request makes worse. A run that was allowed
 * and would be blocked, or an enforce-mode violation the destination does not have, fails the check; violations
 * the destination already has are listed and pass; warn-mode findings never fail. Pure: the merge check, the
 * panel and `pipeline-guard pr` all call it.
 */
import type { CompiledPolicy } from '../engine/types';
import type { Grant } from '../policy/grant-guard';
import type { RepositoryIdentity } from '../policy/repository';
import { isPlainObject } from '../engine/clone';
import type { SimulationTarget } from '../simulate/selection';
import {
  simulate,
  SimulationInputError,
  type SimulationOutcome,
  type SimulationResult,
  type Violation,
} from '../simulate/simulate';
import type { ImportProblem, ResolvedFile } from './imports';

export interface CompareInput {
  /** The pull request's file (imports resolved): what the destination runs after the merge. */
  readonly source: ResolvedFile;
  /** The destination's file as it is; undefined when the destination has no pipeline file. */
  readonly destination: ResolvedFile | undefined;
  readonly sourceBranch: string;
  readonly destinationBranch: string;
  readonly policy: CompiledPolicy | undefined;
  readonly repository?: RepositoryIdentity;
  readonly grants?: readonly Grant[];
  readonly now?: Date;
}

export type RunKind = 'push' | 'custom' | 'pullrequest';

/** One side of a run: simulated, not defined in that file, or not simulable (with the reason). */
export type RunSide =
  | { readonly kind: 'simulated'; readonly result: SimulationResult }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unusable'; readonly reason: string; readonly line?: number };

export interface RunComparison {
  /** `push`, `custom:<name>` or `pullrequest`: stable across both sides. */
  readonly id: string;
  readonly kind: RunKind;
  /** "push to main", "custom pipeline \"deploy\" on main", "pull-request pipeline feature/x → main". */
  readonly label: string;
  readonly target: SimulationTarget;
  readonly before: RunSide;
  readonly after: RunSide;
  readonly outcomeBefore: SimulationOutcome | 'absent' | 'unusable';
  readonly outcomeAfter: SimulationOutcome | 'absent' | 'unusable';
  /** Enforce-mode violations the destination does not have: these fail the check. */
  readonly introduced: readonly Violation[];
  /** Enforce-mode violations the destination already has: listed as "already on <branch>", never failing. */
  readonly existing: readonly Violation[];
  /** Enforce-mode violations of the destination that the pull request removes. */
  readonly fixed: readonly Violation[];
  /** Warn-mode findings after the merge: listed, never failing. */
  readonly warnings: readonly Violation[];
  readonly fails: boolean;
}

export interface Comparison {
  readonly passed: boolean;
  readonly sourceBranch: string;
  readonly destinationBranch: string;
  readonly policyRevision?: number;
  readonly runs: readonly RunComparison[];
  /**
   * Imports of the pull request's file that could not be resolved: the check cannot vouch for those runs, so it
   * fails.
   */
  readonly sourceProblems: readonly ImportProblem[];
  /** The same for the destination's file: noted; its runs then count as having no baseline. */
  readonly destinationProblems: readonly ImportProblem[];
}

/**
 * What makes a violation "the same" on both sides: rule, step (or, for a nameless one, its place without list
 * indexes) and the message with indexes and line numbers taken out, so that inserting a step above it or
 * moving it down the file does not make it new. Line numbers never take part.
 */
export function violationKey(violation: Violation): string {
  const strip = (text: string) => text.replace(/\[\d+\]/g, '[]').replace(/\bline \d+/g, 'line');
  const where = violation.step !== undefined ? `step:${violation.step}` : `at:${strip(violation.path)}`;
  return [violation.rule, violation.mode, where, strip(violation.message)].join('\u0000');
}

function customNames(file: ResolvedFile | undefined): string[] {
  const pipelines = file?.parsed.config.pipelines;
  const custom = isPlainObject(pipelines) ? pipelines.custom : undefined;
  return isPlainObject(custom) ? Object.keys(custom) : [];
}

function runSide(file: ResolvedFile | undefined, target: SimulationTarget, input: CompareInput): RunSide {
  if (!file) return { kind: 'absent' };
  if (target.kind === 'custom' && !customNames(file).includes(target.name)) return { kind: 'absent' };
  try {
    const result = simulate({
      yamlText: '',
      parsed: file.parsed,
      policy: input.policy,
      target,
      repository: input.repository,
      grants: input.grants,
      now: input.now,
    });
    return { kind: 'simulated', result };
  } catch (error) {
    if (error instanceof SimulationInputError)
      return { kind: 'unusable', reason: error.reason, line: error.position?.line };
    throw error;
  }
}

const outcomeOf = (side: RunSide): RunComparison['outcomeAfter'] =>
  side.kind === 'simulated' ? side.result.outcome : side.kind;
const enforced = (side: RunSide) =>
  side.kind === 'simulated' ? side.result.violations.filter((v) => v.mode === 'enforce') : [];

/** Splits the after side's enforce violations into new and already there, matching each before-violation once. */
function split(before: readonly Violation[], after: readonly Violation[]) {
  const counts = new Map<string, Violation[]>();
  for (const violation of before)
    counts.set(violationKey(violation), [...(counts.get(violationKey(violation)) ?? []), violation]);
  const introduced: Violation[] = [];
  const existing: Violation[] = [];
  for (const violation of after) {
    const same = counts.get(violationKey(violation));
    if (same?.length) {
      same.shift();
      existing.push(violation);
    } else introduced.push(violation);
  }
  return { introduced, existing, fixed: [...counts.values()].flat() };
}

function compareRun(
  id: string,
  kind: RunKind,
  label: string,
  target: SimulationTarget,
  input: CompareInput,
): RunComparison {
  const before = runSide(input.destination, target, input);
  const after = runSide(input.source, target, input);
  const { introduced, existing, fixed } = split(enforced(before), enforced(after));
  const outcomeBefore = outcomeOf(before);
  const outcomeAfter = outcomeOf(after);
  const newlyBlocked = outcomeAfter === 'blocked' && outcomeBefore !== 'blocked';
  // A file the engine cannot even select from is worse than any destination, unless the destination is as broken.
  const newlyUnusable = outcomeAfter === 'unusable' && outcomeBefore !== 'unusable';
  const warnings = after.kind === 'simulated' ? after.result.violations.filter((v) => v.mode === 'warn') : [];
  return {
    id,
    kind,
    label,
    target,
    before,
    after,
    outcomeBefore,
    outcomeAfter,
    introduced,
    existing,
    fixed,
    warnings,
    fails: introduced.length > 0 || newlyBlocked || newlyUnusable,
  };
}

/** Every run the merge makes possible, before and after. */
export function comparePullRequest(input: CompareInput): Comparison {
  const destination = input.destinationBranch;
  const runs: RunComparison[] = [
    compareRun('push', 'push', `push to ${destination}`, { kind: 'branch', name: destination }, input),
  ];
  const names = [...new Set([...customNames(input.source), ...customNames(input.destination)])];
  for (const name of names)
    runs.push(
      compareRun(
        `custom:${name}`,
        'custom',
        `custom pipeline "${name}" on ${destination}`,
        { kind: 'custom', name, ref: { kind: 'branch', name: destination } },
        input,
      ),
    );
  const pullRequest: SimulationTarget = { kind: 'pullrequest', source: input.sourceBranch, destination };
  runs.push(
    compareRun(
      'pullrequest',
      'pullrequest',
      `pull-request pipeline ${input.sourceBranch} → ${destination}`,
      pullRequest,
      input,
    ),
  );
  const sourceProblems = input.source.problems;
  return {
    passed: sourceProblems.length === 0 && runs.every((run) => !run.fails),
    sourceBranch: input.sourceBranch,
    destinationBranch: destination,
    ...(input.policy?.revision !== undefined ? { policyRevision: input.policy.revision } : {}),
    runs,
    sourceProblems,
    destinationProblems: input.destination?.problems ?? [],
  };
}

/** The comparison without the simulated requests and responses: the JSON of `pipeline-guard pr`. */
export function comparisonSummary(comparison: Comparison) {
  const side = (run: RunSide) =>
    run.kind === 'simulated'
      ? { outcome: run.result.outcome, definition: run.result.target.selection.path ?? null }
      : run.kind === 'unusable'
        ? { outcome: 'unusable', reason: run.reason, line: run.line ?? null }
        : { outcome: 'absent' };
  return {
    passed: comparison.passed,
    sourceBranch: comparison.sourceBranch,
    destinationBranch: comparison.destinationBranch,
    policyRevision: comparison.policyRevision ?? null,
    runs: comparison.runs.map((run) => ({
      id: run.id,
      label: run.label,
      fails: run.fails,
      before: side(run.before),
      after: side(run.after),
      introduced: run.introduced,
      existing: run.existing,
      fixed: run.fixed,
      warnings: run.warnings,
    })),
    sourceProblems: comparison.sourceProblems,
    destinationProblems: comparison.destinationProblems,
  };
}
