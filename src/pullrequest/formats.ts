/**
 * The verdict for tools outside Pipeline Guard: SARIF 2.1.0 (code scanning in other CI systems) and Bitbucket
 * Code Insights (a report and its annotations, in the shapes `PUT …/commit/{c}/reports/{id}` and
 * `POST …/reports/{id}/annotations` take). Pure, so the CLI and the merge check write the same thing.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { SimulationResult, Violation } from '../simulate/simulate';
import type { Comparison } from './compare';
import type { ResolvedImport } from './imports';
import { RULE_HELP, ruleDocsUrl } from './rule-help';

export const REPORT_ID = 'pipeline-guard';
/** Bitbucket's limits: annotations per report, per POST, and the lengths of the text fields. */
export const MAX_ANNOTATIONS = 1_000;
export const ANNOTATION_BATCH = 100;
const MAX_SUMMARY = 450;
const MAX_DETAILS = 2_000;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const helpOf = (rule: string) =>
  (RULE_HELP as Record<string, string | undefined>)[rule] ?? `Pipeline Guard rule ${rule}.`;

function sarifResult(violation: Violation, fileName: string, ruleIndex: number): Result {
  const uri = violation.file ?? fileName;
  const where =
    violation.step !== undefined
      ? `Step "${violation.step}" at ${violation.path}: `
      : violation.path
        ? `${violation.path}: `
        : '';
  return {
    ruleId: violation.rule,
    ruleIndex,
    level: violation.mode === 'enforce' ? 'error' : 'warning',
    message: {
      text: `${where}${violation.message} Fix: ${violation.fix}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri },
          ...(violation.line !== undefined ? { region: { startLine: violation.line } } : {}),
        },
        ...(violation.path ? { logicalLocations: [{ fullyQualifiedName: violation.path }] } : {}),
      },
    ],
  };
}

/** SARIF 2.1.0 for one simulated run: one rule per rule id that occurs, with its help text. */
export function toSarif(result: SimulationResult, fileName: string, version: string): Log {
  const ruleIds = [...new Set(result.violations.map((v) => v.rule))];
  const rules: ReportingDescriptor[] = ruleIds.map((id) => ({
    id,
    name: id,
    shortDescription: { text: helpOf(id) },
    // The page's path, not helpUri: SARIF wants an absolute URI there, and the docs have no fixed address.
    help: {
      text: `${helpOf(id)} See ${ruleDocsUrl(id)} in Pipeline Guard.`,
      markdown: `${helpOf(id)} See \`${ruleDocsUrl(id)}\` in Pipeline Guard.`,
    },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Pipeline Guard', version, rules } },
        results: result.violations.map((violation) =>
          sarifResult(violation, fileName, ruleIds.indexOf(violation.rule)),
        ),
        properties: { outcome: result.outcome, target: result.target.ref },
      },
    ],
  };
}

export interface CodeInsightsReport {
  readonly title: string;
  readonly details: string;
  readonly report_type: 'SECURITY';
  readonly reporter: string;
  readonly result: 'PASSED' | 'FAILED';
  readonly data: ReadonlyArray<{
    readonly title: string;
    readonly type: 'NUMBER' | 'TEXT';
    readonly value: number | string;
  }>;
}

export interface CodeInsightsAnnotation {
  readonly external_id: string;
  readonly annotation_type: 'VULNERABILITY' | 'CODE_SMELL';
  readonly summary: string;
  readonly details: string;
  readonly path: string;
  readonly line?: number;
  readonly severity: 'HIGH' | 'LOW';
  readonly result: 'FAILED' | 'PASSED';
}

export interface CodeInsights {
  readonly report: CodeInsightsReport;
  /** At most MAX_ANNOTATIONS; `omitted` says how many did not fit. */
  readonly annotations: readonly CodeInsightsAnnotation[];
  readonly omitted: number;
}

/**
 * Where an annotation goes: a line of this commit's files. A step imported from another repository has no
 * line in this commit, so its annotation sits on the `import:` line and names the imported file and line.
 */
function placeOf(
  violation: Violation,
  fileName: string,
  imports: readonly ResolvedImport[],
): { path: string; line?: number; note: string } {
  if (violation.file === undefined) return { path: fileName, line: violation.line, note: '' };
  const imported = imports.find((entry) => entry.label === violation.file);
  if (imported && imported.location.repository === undefined)
    return { path: imported.location.path, line: violation.line, note: '' };
  return {
    path: fileName,
    line: imported?.line,
    note: ` (in ${violation.file}${violation.line !== undefined ? ` line ${violation.line}` : ''}, imported here)`,
  };
}

type Tagged = { readonly violation: Violation; readonly context: string; readonly failing: boolean };

function annotation(
  entry: Tagged,
  index: number,
  fileName: string,
  imports: readonly ResolvedImport[],
): CodeInsightsAnnotation {
  const { violation } = entry;
  const place = placeOf(violation, fileName, imports);
  const where = violation.step !== undefined ? `step "${violation.step}"` : violation.path || 'the pipeline';
  return {
    external_id: `${REPORT_ID}-${index + 1}`,
    annotation_type: violation.mode === 'enforce' ? 'VULNERABILITY' : 'CODE_SMELL',
    summary: cut(`[${violation.rule}] ${entry.context}${where}: ${violation.message}`, MAX_SUMMARY),
    details: cut(
      `${violation.message}${place.note} Fix: ${violation.fix} Rule: ${helpOf(violation.rule)}`,
      MAX_DETAILS,
    ),
    path: place.path,
    ...(place.line !== undefined ? { line: place.line } : {}),
    severity: violation.mode === 'enforce' ? 'HIGH' : 'LOW',
    result: entry.failing ? 'FAILED' : 'PASSED',
  };
}

function insights(
  passed: boolean,
  details: string,
  data: CodeInsightsReport['data'],
  tagged: readonly Tagged[],
  fileName: string,
  imports: readonly ResolvedImport[],
): CodeInsights {
  const kept = tagged.slice(0, MAX_ANNOTATIONS);
  return {
    report: {
      title: 'Pipeline Guard',
      details: cut(details, MAX_DETAILS),
      report_type: 'SECURITY',
      reporter: 'Pipeline Guard',
      result: passed ? 'PASSED' : 'FAILED',
      data,
    },
    annotations: kept.map((entry, index) => annotation(entry, index, fileName, imports)),
    omitted: tagged.length - kept.length,
  };
}

/** Code Insights for one simulated run (`simulate --format code-insights`). */
export function simulationInsights(result: SimulationResult, fileName: string): CodeInsights {
  const blocked = result.outcome === 'blocked';
  const enforce = result.violations.filter((v) => v.mode === 'enforce').length;
  const warnings = result.violations.length;
  const details = blocked
    ? `Pipeline Guard would block this run: ${enforce} violation${enforce === 1 ? '' : 's'}.`
    : 'Pipeline Guard would let this run through' +
      `${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`;
  const tagged = result.violations.map((violation) => ({
    violation,
    context: '',
    failing: violation.mode === 'enforce',
  }));
  return insights(
    !blocked,
    details,
    [
      { title: 'Violations (enforce)', type: 'NUMBER', value: enforce },
      { title: 'Warnings', type: 'NUMBER', value: result.violations.length - enforce },
    ],
    tagged,
    fileName,
    [],
  );
}

/** Code Insights for the merge check: new violations fail, those already on the destination and warnings do not. */
export function comparisonInsights(
  comparison: Comparison,
  summary: string,
  fileName: string,
  imports: readonly ResolvedImport[],
): CodeInsights {
  const destination = comparison.destinationBranch;
  const tagged: Tagged[] = comparison.runs.flatMap((run) => [
    ...run.introduced.map((violation) => ({ violation, context: `new on ${run.label}: `, failing: true })),
    ...run.existing.map((violation) => ({
      violation,
      context: `already on ${destination}, ${run.label}: `,
      failing: false,
    })),
    ...run.warnings.map((violation) => ({ violation, context: `warning, ${run.label}: `, failing: false })),
  ]);
  const count = (pick: (run: Comparison['runs'][number]) => readonly unknown[]) =>
    comparison.runs.reduce((sum, run) => sum + pick(run).length, 0);
  const data: CodeInsightsReport['data'] = [
    { title: 'New violations', type: 'NUMBER', value: count((run) => run.introduced) },
    { title: `Already on ${cut(destination, 60)}`, type: 'NUMBER', value: count((run) => run.existing) },
    { title: 'Warnings', type: 'NUMBER', value: count((run) => run.warnings) },
    { title: 'Runs checked', type: 'NUMBER', value: comparison.runs.length },
  ];
  return insights(comparison.passed, summary, data, tagged, fileName, imports);
}

/** The annotations in POST-sized batches. */
export function annotationBatches(annotations: readonly CodeInsightsAnnotation[]): CodeInsightsAnnotation[][] {
  const batches: CodeInsightsAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATION_BATCH)
    batches.push(annotations.slice(i, i + ANNOTATION_BATCH));
  return batches;
}
