/** Every kept revision, with who saved it, when and why, a comparison of any two, and a rollback for each. */
import Button from '@atlaskit/button/new';
import DynamicTable from '../table';
import Lozenge from '../lozenge';
import SectionMessage from '../section-message';
import { useEffect, useState, type ReactNode } from 'react';
import type { HistoryEntry } from '../../../src/settings/api';
import type { Call } from '../api';
import { TextDiff } from '../diff-view';
import { toYamlText } from '../yaml-text';
import { Person } from '../people';
import { SourceSwitches } from '../source-switches';
import type { SwitchRecord } from '../../../src/settings/api';
import type { PolicySourceView } from '../../../src/settings/api';

function CommitChange({ commit }: { commit: NonNullable<HistoryEntry['commit']> }) {
  return (
    <>
      commit <code>{commit.hash.slice(0, 12)}</code> of {commit.repository} ({commit.branch})
      {commit.message ? <span className="reason"> · “{commit.message.split('\n')[0]}”</span> : null}
    </>
  );
}

const textOf = (entry: HistoryEntry) => entry.policyText ?? toYamlText(entry.policy);

/** What a revision changed and why. */
function HistoryChange({ entry }: { entry: HistoryEntry }) {
  return (
    <span>
      {entry.action === 'rollback' ? (
        `rollback to revision ${entry.restoredFrom}`
      ) : entry.action === 'commit' && entry.commit ? (
        <CommitChange commit={entry.commit} />
      ) : (
        'save'
      )}
      {entry.reason ? <span className="reason"> · reason: “{entry.reason}”</span> : null}
      {entry.overriddenTests?.length ? (
        <span className="reason"> · went through failing tests: {entry.overriddenTests.join(', ')}</span>
      ) : null}
      {entry.replaces ? (
        <span className="reason" data-testid="replaced">
          {' '}
          · replaced revision {entry.replaces.revision}’s changes to {entry.replaces.fields.join('; ')}
        </span>
      ) : null}
    </span>
  );
}

interface TableProps {
  entries: HistoryEntry[];
  currentRevision: number;
  canEdit: boolean;
  onRollback: (entry: HistoryEntry) => void;
  shown: number | undefined;
  setShown: (revision: number | undefined) => void;
}

function HistoryActions({
  entry,
  currentRevision,
  canEdit,
  onRollback,
  shown,
  setShown,
}: TableProps & { entry: HistoryEntry }) {
  return (
    <span className="row-actions">
      <Button
        appearance="subtle"
        onClick={() => setShown(shown === entry.revision ? undefined : entry.revision)}
        aria-expanded={shown === entry.revision}
        aria-label={`${shown === entry.revision ? 'Hide' : 'View'} revision ${entry.revision}`}
      >
        {shown === entry.revision ? 'Hide' : 'View'}
      </Button>
      {canEdit && entry.revision !== currentRevision ? (
        <Button onClick={() => onRollback(entry)} aria-label={`Roll back to revision ${entry.revision}`}>
          Roll back
        </Button>
      ) : null}
    </span>
  );
}

const HISTORY_HEAD = {
  cells: [
    { key: 'rev', content: 'Revision' },
    { key: 'at', content: 'Saved' },
    { key: 'by', content: 'By' },
    { key: 'what', content: 'Change' },
    { key: 'actions', content: 'Actions' },
  ],
};

function HistoryTable(props: TableProps) {
  const { entries, currentRevision } = props;
  return (
    <DynamicTable
      caption="Policy revisions, newest first"
      head={HISTORY_HEAD}
      rows={entries.map((entry) => ({
        key: String(entry.revision),
        cells: [
          {
            key: 'rev',
            content: (
              <span>
                {entry.revision}{' '}
                {entry.revision === currentRevision ? <Lozenge appearance="success">current</Lozenge> : null}
              </span>
            ),
          },
          { key: 'at', content: new Date(entry.savedAt).toLocaleString() },
          { key: 'by', content: <Person accountId={entry.savedBy} /> },
          { key: 'what', content: <HistoryChange entry={entry} /> },
          { key: 'actions', content: <HistoryActions {...props} entry={entry} /> },
        ],
      }))}
      emptyView={<p>No revisions yet. The first save creates revision 1.</p>}
    />
  );
}

function RevisionSelect({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: number | undefined;
  onChange: (revision: number) => void;
  options: ReactNode;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="native-select" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {options}
      </select>
    </div>
  );
}

function CompareRevisions({
  entries,
  currentRevision,
  from,
  setFrom,
  to,
  setTo,
}: {
  entries: HistoryEntry[];
  currentRevision: number;
  from: number | undefined;
  setFrom: (revision: number) => void;
  to: number | undefined;
  setTo: (revision: number) => void;
}) {
  const fromEntry = entries.find((e) => e.revision === from);
  const toEntry = entries.find((e) => e.revision === to);
  const revisionOptions = entries.map((e) => (
    <option key={e.revision} value={e.revision}>
      revision {e.revision}
      {e.revision === currentRevision ? ' (current)' : ''}
    </option>
  ));
  return (
    <section className="card" aria-labelledby="compare-title">
      <h3 id="compare-title" className="card-title">
        Compare two revisions
      </h3>
      <div className="grid">
        <RevisionSelect id="compare-from" label="From" value={from} onChange={setFrom} options={revisionOptions} />
        <RevisionSelect id="compare-to" label="To" value={to} onChange={setTo} options={revisionOptions} />
      </div>
      {fromEntry && toEntry ? (
        <TextDiff
          before={textOf(fromEntry)}
          after={textOf(toEntry)}
          beforeLabel={`revision ${fromEntry.revision}`}
          afterLabel={`revision ${toEntry.revision}`}
          testId="history-diff"
        />
      ) : null}
    </section>
  );
}

/** The kept revisions and source switches, reloaded whenever the current revision changes. */
function useHistory(call: Call, currentRevision: number) {
  const [entries, setEntries] = useState<HistoryEntry[]>();
  const [error, setError] = useState<string>();
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [switches, setSwitches] = useState<SwitchRecord[]>();

  useEffect(() => {
    void call<{ entries: HistoryEntry[] }>('history').then((result) => {
      if (!result.ok) return setError(result.error.message);
      setEntries(result.entries);
      setFrom(result.entries[1]?.revision ?? result.entries[0]?.revision);
      setTo(result.entries[0]?.revision);
    });
    void call<PolicySourceView>('getPolicySource').then((found) => setSwitches(found.ok ? found.switches : undefined));
  }, [call, currentRevision]);
  return { entries, error, from, setFrom, to, setTo, switches };
}

export function HistoryTab({
  call,
  currentRevision,
  canEdit,
  dirty,
  onRollback,
}: {
  call: Call;
  currentRevision: number;
  canEdit: boolean;
  dirty: boolean;
  onRollback: (entry: HistoryEntry) => void;
}) {
  const { entries, error, from, setFrom, to, setTo, switches } = useHistory(call, currentRevision);
  const [shown, setShown] = useState<number>();

  if (error) return <p role="alert">{error}</p>;
  if (!entries) return <p>Loading history…</p>;
  const selected = entries.find((e) => e.revision === shown);
  return (
    <div className="stack">
      <p className="lead">
        The newest revisions are kept. Rolling back saves the old policy again as a new revision, so the rollback itself
        shows up here too.
      </p>
      {canEdit && dirty ? (
        <SectionMessage appearance="warning" title="You have unsaved changes">
          <p>Rolling back replaces the editor’s unsaved changes with the restored policy.</p>
        </SectionMessage>
      ) : null}
      <HistoryTable
        entries={entries}
        currentRevision={currentRevision}
        canEdit={canEdit}
        onRollback={onRollback}
        shown={shown}
        setShown={setShown}
      />
      {selected ? (
        <pre className="code" aria-label={`Policy of revision ${selected.revision}`} tabIndex={0}>
          {textOf(selected)}
        </pre>
      ) : null}
      {entries.length > 1 ? (
        <CompareRevisions
          entries={entries}
          currentRevision={currentRevision}
          from={from}
          setFrom={setFrom}
          to={to}
          setTo={setTo}
        />
      ) : null}
      {switches ? <SourceSwitches switches={switches} /> : null}
    </div>
  );
}
