/** The decision log as CSV, for spreadsheets. */
import type { DecisionRecord } from '../storage/decision-record';

const COLUMNS = [
  'time',
  'repository',
  'repository uuid',
  'project',
  'ref',
  'trigger',
  'pipeline',
  'build',
  'creator',
  'outcome',
  'rules',
  'grants',
  'environments',
  'policy revision',
  'message',
  'repository stale as of',
] as const;

/**
 * Quotes every cell, and defuses cells that a spreadsheet would run as a formula: refs and
 * repository names come from pipelines, which anyone with push access can name.
 */
function cell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export const decisionsCsvHeader = (): string => `${COLUMNS.map(cell).join(',')}\r\n`;

/** The rows alone, each ending in CRLF, so that parts of a long export join into one file. */
export function decisionsCsv(records: readonly DecisionRecord[]): string {
  return records
    .map(
      (r) =>
        [
          new Date(r.at).toISOString(),
          r.repository,
          r.repositoryUuid,
          r.project,
          r.ref,
          r.trigger,
          r.pipeline,
          r.buildNumber,
          r.creator,
          r.outcome,
          r.rules.join(' '),
          r.grants.join(' '),
          r.environments.join(' '),
          r.policyRevision,
          r.message,
          r.repositoryStaleAsOf === undefined ? undefined : new Date(r.repositoryStaleAsOf).toISOString(),
        ]
          .map(cell)
          .join(',') + '\r\n',
    )
    .join('');
}
