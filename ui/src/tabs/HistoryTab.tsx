/** Every kept revision, with who saved it and when, and a rollback for each. */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { useEffect, useState } from 'react';
import type { HistoryEntry } from '../../../src/settings/api';
import type { Call } from '../api';
import { toYamlText } from '../draft';

export function HistoryTab({ call, currentRevision, canEdit, dirty, onRollback }: { call: Call; currentRevision: number; canEdit: boolean; dirty: boolean; onRollback: (revision: number) => Promise<void> }) {
  const [entries, setEntries] = useState<HistoryEntry[]>();
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<number>();

  useEffect(() => {
    void call<{ entries: HistoryEntry[] }>('history').then((result) => (result.ok ? setEntries(result.entries) : setError(result.error.message)));
  }, [call, currentRevision]);

  if (error) return <p role="alert">{error}</p>;
  if (!entries) return <p>Loading history…</p>;
  const selected = entries.find((e) => e.revision === shown);
  return (
    <div className="stack">
      <p className="lead">The newest revisions are kept. Rolling back saves the old policy again as a new revision, so the rollback itself shows up here too.</p>
      {canEdit && dirty ? (
        <SectionMessage appearance="warning" title="You have unsaved changes">
          <p>Rolling back replaces the editor’s unsaved changes with the restored policy.</p>
        </SectionMessage>
      ) : null}
      <DynamicTable
        caption="Policy revisions, newest first"
        head={{ cells: [{ key: 'rev', content: 'Revision' }, { key: 'at', content: 'Saved' }, { key: 'by', content: 'By' }, { key: 'what', content: 'Change' }, { key: 'actions', content: 'Actions' }] }}
        rows={entries.map((entry) => ({
          key: String(entry.revision),
          cells: [
            { key: 'rev', content: <span>{entry.revision} {entry.revision === currentRevision ? <Lozenge appearance="success">current</Lozenge> : null}</span> },
            { key: 'at', content: new Date(entry.savedAt).toLocaleString() },
            { key: 'by', content: <code>{entry.savedBy}</code> },
            { key: 'what', content: entry.action === 'rollback' ? `rollback to revision ${entry.restoredFrom}` : 'save' },
            {
              key: 'actions',
              content: (
                <span className="row-actions">
                  <Button appearance="subtle" onClick={() => setShown(shown === entry.revision ? undefined : entry.revision)} aria-expanded={shown === entry.revision} aria-label={`View revision ${entry.revision}`}>
                    {shown === entry.revision ? 'Hide' : 'View'}
                  </Button>
                  {canEdit && entry.revision !== currentRevision ? (
                    <Button onClick={() => onRollback(entry.revision)} aria-label={`Roll back to revision ${entry.revision}`}>
                      Roll back to this
                    </Button>
                  ) : null}
                </span>
              ),
            },
          ],
        }))}
        emptyView={<p>No revisions yet. The first save creates revision 1.</p>}
      />
      {selected ? (
        <pre className="code" aria-label={`Policy of revision ${selected.revision}`}>
          {toYamlText(selected.policy)}
        </pre>
      ) : null}
    </div>
  );
}
