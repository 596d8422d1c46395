/** The decision log as CSV, for spreadsheets. */
import type { StoredDecision } from '../storage/decision-log';

const COLUMNS = ['time', 'repository', 'ref', 'trigger', 'outcome', 'rules', 'pipeline', 'build', 'policy revision'] as const;

/**
 * Quotes every cell, and defuses cells that a spreadsheet would run as a formula: refs and
 * repository names come from pipelines, which anyone with push access can name.
 */
function cell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function decisionsCsv(records: readonly StoredDecision[]): string {
  const rows = records.map((r) => [r.at, r.repository, r.ref, r.trigger, r.outcome, r.rules.join(' '), r.pipeline, r.buildNumber, r.policyRevision].map(cell).join(','));
  return [COLUMNS.map(cell).join(','), ...rows].join('\r\n') + '\r\n';
}
