/**
 * The comparison in words: the merge check's `message`, and the text `pipeline-guard pr` prints. Each
 * violation reads as the provider's own block message does (rule, step, place, input, fix), with the line and
 * the file it is in; the message ends by saying where to see the rest.
 */
import { formatFinding } from '../engine/message';
import type { Finding } from '../engine/types';
import type { Violation } from '../simulate/simulate';
import type { Comparison, RunComparison, RunSide } from './compare';
import type { ImportProblem } from './imports';

/** Bitbucket shows the message in the merge dialog; long enough for a few violations. */
export const MAX_CHECK_MESSAGE = 3_000;

export function violationText(violation: Violation, fileName = 'bitbucket-pipelines.yml'): string {
  const finding = { ...violation, severity: 'high', segments: [] } as unknown as Finding;
  const where =
    violation.line !== undefined
      ? ` (${violation.file ?? fileName} line ${violation.line})`
      : violation.file
        ? ` (${violation.file})`
        : '';
  const text = formatFinding(finding);
  // formatFinding puts the place before the first ": "; the line follows the place.
  const colon = text.indexOf(': ');
  return colon > 0 && where ? `${text.slice(0, colon)}${where}${text.slice(colon)}` : `${text}${where}`;
}

/** Why a side cannot be simulated, after its line when that is known; empty for a side that can. */
function unusableReason(side: RunSide): string {
  if (side.kind !== 'unusable') return '';
  return `${side.line !== undefined ? `line ${side.line}: ` : ''}${side.reason}`;
}

function runHeadline(run: RunComparison, destination: string): string {
  const before = run.outcomeBefore;
  const after = run.outcomeAfter;
  const introduced = run.introduced.length;
  if (after === 'absent') return `${run.label}: removed by this pull request`;
  if (after === 'unusable') return `${run.label}: the file cannot be simulated (${unusableReason(run.after)})`;
  if (after === 'none') return `${run.label}: nothing would run`;
  if (after === 'blocked' && before !== 'blocked')
    return `${run.label}: allowed on ${destination} today, BLOCKED after this merge`;
  if (after === 'blocked' && introduced)
    return `${run.label}: blocked, with ${introduced} new violation${introduced === 1 ? '' : 's'}`;
  if (after === 'blocked') return `${run.label}: blocked already on ${destination}; this pull request adds nothing`;
  if (before === 'blocked') return `${run.label}: blocked on ${destination} today, allowed after this merge (fixed)`;
  return `${run.label}: allowed${before === 'absent' ? ' (new)' : ''}`;
}

function problemText(problem: ImportProblem): string {
  return (
    `import "${problem.import}"${problem.line !== undefined ? ` (line ${problem.line})` : ''}: ${problem.reason}` +
    `${problem.fault ? '. This is a fault: re-run the check.' : ''}`
  );
}

export interface MessageOptions {
  /** Where the rest is shown, e.g. the panel and the Code Insights report; appended last. */
  readonly seeMore?: string;
  readonly fileName?: string;
  readonly maxLength?: number;
}

/** The whole verdict as text, trimmed to `maxLength` with a pointer to where the rest is. */
export function comparisonMessage(comparison: Comparison, options: MessageOptions = {}): string {
  const destination = comparison.destinationBranch;
  const failing = comparison.runs.filter((run) => run.fails);
  const revision = comparison.policyRevision !== undefined ? ` (policy revision ${comparison.policyRevision})` : '';
  const head = comparison.passed
    ? `Pipeline Guard: this pull request makes no pipeline run on ${destination} worse${revision}.`
    : `Pipeline Guard: this pull request would make ${failing.length || 'its'} run${failing.length === 1 ? '' : 's'} ` +
      `on ${destination} worse${revision}.`;
  const lines: string[] = [head];
  for (const problem of comparison.sourceProblems) lines.push(`✗ cannot check: ${problemText(problem)}`);
  const ordered = [...failing, ...comparison.runs.filter((run) => !run.fails)];
  for (const run of ordered) {
    lines.push(`${run.fails ? '✗' : '✓'} ${runHeadline(run, destination)}`);
    run.introduced.forEach((violation, index) =>
      lines.push(`  ${index + 1}. ${violationText(violation, options.fileName)}`),
    );
  }
  const existing = comparison.runs.flatMap((run) => run.existing.map((violation) => ({ run, violation })));
  if (existing.length) {
    lines.push(`Already on ${destination} (not caused by this pull request, not failing this check):`);
    for (const { run, violation } of existing)
      lines.push(`  - ${run.label}: ${violationText(violation, options.fileName)}`);
  }
  const warnings = comparison.runs.flatMap((run) => run.warnings.map((violation) => ({ run, violation })));
  if (warnings.length) {
    lines.push('Warnings (warn mode: recorded, never failing):');
    for (const { run, violation } of warnings)
      lines.push(`  - ${run.label}: ${violationText(violation, options.fileName)}`);
  }
  for (const problem of comparison.destinationProblems) lines.push(`Note: on ${destination}, ${problemText(problem)}`);
  return trimMessage(lines, options.seeMore, options.maxLength ?? MAX_CHECK_MESSAGE);
}

function trimMessage(lines: readonly string[], seeMore: string | undefined, max: number): string {
  const tail = seeMore ? `\n${seeMore}` : '';
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const next = `${text}${i ? '\n' : ''}${lines[i]}`;
    const more = `\n…and ${lines.length - i} more line${lines.length - i === 1 ? '' : 's'}.`;
    if (next.length + tail.length + more.length > max && i > 0) return `${text}${more}${tail}`;
    text = next;
  }
  return `${text}${tail}`;
}
