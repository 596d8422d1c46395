/** Line diffs as the page shows them: added lines green, removed red, with a text summary for screen readers. */
import { unifiedDiff } from '../../src/simulate/diff';

export function DiffView({ diff, label }: { diff: string; label: string }) {
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {diff.split('\n').map((line, i) => (
        <span
          key={i}
          className={
            line.startsWith('+') && !line.startsWith('+++')
              ? 'diff-add'
              : line.startsWith('-') && !line.startsWith('---')
                ? 'diff-del'
                : line.startsWith('@@')
                  ? 'diff-hunk'
                  : undefined
          }
        >
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** What changes from `before` to `after`, both YAML texts; says so when nothing does. */
export function TextDiff({
  before,
  after,
  beforeLabel,
  afterLabel,
  testId,
}: {
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
  testId?: string;
}) {
  const diff = before === after ? '' : unifiedDiff(before, after, { before: beforeLabel, after: afterLabel });
  const counts = diff
    .split('\n')
    .reduce(
      (sum, line) =>
        line.startsWith('+') && !line.startsWith('+++')
          ? { ...sum, added: sum.added + 1 }
          : line.startsWith('-') && !line.startsWith('---')
            ? { ...sum, removed: sum.removed + 1 }
            : sum,
      { added: 0, removed: 0 },
    );
  return (
    <div data-testid={testId} className="stack">
      <p className="hint">
        {diff
          ? `${counts.removed} line${counts.removed === 1 ? '' : 's'} removed and ${counts.added} added, ` +
            `from ${beforeLabel} to ${afterLabel}.`
          : `No difference between ${beforeLabel} and ${afterLabel}.`}
      </p>
      {diff ? <DiffView diff={diff} label={`Changes from ${beforeLabel} to ${afterLabel}`} /> : null}
    </div>
  );
}
