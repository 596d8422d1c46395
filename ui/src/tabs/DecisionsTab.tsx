/** What the provider decided on each run: newest first, filterable, exportable as CSV. */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { useCallback, useEffect, useState } from 'react';
import type { CsvView, DecisionsView } from '../../../src/settings/api';
import type { SettingsBackend } from '../backend/types';
import { EXAMPLE_PIPELINE, type Call } from '../api';
import { downloadText } from '../download';
import { OutcomeLozenge } from '../result';
import { DEFAULT_TARGET, TargetPicker, toTarget } from '../target';

const OUTCOMES = ['allowed', 'blocked', 'none', 'passthrough'] as const;

/** Bitbucket sends only the selected definition; with none selected, the configuration has no pipelines. */
function runsNothing(config: unknown): boolean {
  const pipelines = (config as { pipelines?: unknown } | undefined)?.pipelines;
  return typeof pipelines !== 'object' || pipelines === null || Object.keys(pipelines).length === 0;
}

/** The local console's stand-in for Bitbucket: sends a run through the real provider function. */
function SimulateRun({ backend, onDone }: { backend: SettingsBackend; onDone: () => void }) {
  const [yaml, setYaml] = useState(EXAMPLE_PIPELINE);
  const [target, setTarget] = useState(DEFAULT_TARGET);
  const [repository, setRepository] = useState('{2fc883c6-3dee-4e73-a354-ccee4bd77938}');
  const [answer, setAnswer] = useState<string>();
  const run = async () => {
    try {
      const { response } = await backend.simulateRun!({ yaml, target: toTarget(target), repository });
      setAnswer(
        'error' in response
          ? `Bitbucket would stop the run: ${response.error.message}`
          : runsNothing(response.pipelines_configuration)
            ? 'Nothing would run: no pipeline in this file runs for this target.'
            : 'Bitbucket would run the pipeline Pipeline Guard returned.',
      );
    } catch (error) {
      setAnswer(`The run could not be simulated: ${(error as Error).message}`);
    }
    onDone();
  };
  return (
    <details className="card">
      <summary>Local console only: simulate a Bitbucket run</summary>
      <p className="hint">Sends the request Bitbucket would send through the real provider function, with this console’s store, so the run lands in the log below.</p>
      <label className="field-label" htmlFor="run-yaml">
        bitbucket-pipelines.yml
      </label>
      <TextArea id="run-yaml" value={yaml} isMonospaced minimumRows={8} onChange={(e) => setYaml(e.target.value)} />
      <TargetPicker idPrefix="run-target" value={target} onChange={setTarget} />
      <div className="field">
        <label className="field-label" htmlFor="run-repo">
          Repository
        </label>
        <Textfield id="run-repo" value={repository} onChange={(e) => setRepository((e.target as HTMLInputElement).value)} />
      </div>
      <div className="toolbar">
        <Button appearance="primary" onClick={run}>
          Simulate run
        </Button>
      </div>
      {answer ? (
        <p role="status" className="run-answer">
          {answer}
        </p>
      ) : null}
    </details>
  );
}

export function DecisionsTab({ call, backend }: { call: Call; backend: SettingsBackend }) {
  const [outcome, setOutcome] = useState('');
  const [repository, setRepository] = useState('');
  const [listing, setListing] = useState<DecisionsView>();
  const [error, setError] = useState<string>();

  const filter = useCallback(() => ({ ...(outcome ? { outcome } : {}), ...(repository.trim() ? { repository: repository.trim() } : {}) }), [outcome, repository]);
  const load = useCallback(async () => {
    const result = await call<DecisionsView>('decisions', filter());
    if (result.ok) {
      setListing(result);
      setError(undefined);
    } else setError(result.error.message);
  }, [call, filter]);

  useEffect(() => {
    // Typing in the repository filter asks the resolver once the typing pauses, not per key.
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [load]);

  const exportCsv = async () => {
    const result = await call<CsvView>('exportDecisions', filter());
    if (result.ok) downloadText(result.filename, result.csv, 'text/csv');
    else setError(result.error.message);
  };

  return (
    <div className="stack">
      <p className="lead">One record per pipeline run that Pipeline Guard checked, kept for 30 days. Use it to answer “why was my pipeline blocked?”.</p>
      {backend.simulateRun ? <SimulateRun backend={backend} onDone={load} /> : null}
      <div className="grid grid-3 filters">
        <div className="field">
          <label className="field-label" htmlFor="log-outcome">
            Outcome
          </label>
          <select id="log-outcome" className="native-select" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="log-repo">
            Repository contains
          </label>
          <Textfield id="log-repo" value={repository} onChange={(e) => setRepository((e.target as HTMLInputElement).value)} />
        </div>
        <div className="toolbar toolbar-end">
          <Button onClick={load}>Refresh</Button>
          <Button onClick={exportCsv}>Export CSV</Button>
        </div>
      </div>
      {error ? (
        <SectionMessage appearance="error" title="Could not load the log">
          <p>{error}</p>
        </SectionMessage>
      ) : null}
      {listing?.capped ? <p className="hint">Only the newest {listing.scanned} records were searched.</p> : null}
      <DynamicTable
        caption="Runs, newest first"
        head={{ cells: [{ key: 'at', content: 'Time' }, { key: 'repo', content: 'Repository' }, { key: 'ref', content: 'Ref' }, { key: 'trigger', content: 'Trigger' }, { key: 'outcome', content: 'Outcome' }, { key: 'rules', content: 'Rules that fired' }, { key: 'rev', content: 'Policy' }] }}
        rows={(listing?.records ?? []).map((r, i) => ({
          key: `${r.at}-${i}`,
          cells: [
            { key: 'at', content: new Date(r.at).toLocaleString() },
            { key: 'repo', content: <code className="small">{r.repository}</code> },
            { key: 'ref', content: r.ref },
            { key: 'trigger', content: r.trigger },
            { key: 'outcome', content: <OutcomeLozenge outcome={r.outcome} /> },
            { key: 'rules', content: r.rules.length ? r.rules.join(', ') : 'none' },
            { key: 'rev', content: r.policyRevision !== undefined ? `rev ${r.policyRevision}` : '—' },
          ],
        }))}
        isLoading={!listing && !error}
        emptyView={<p>No runs recorded{outcome || repository ? ' that match the filter' : ' yet'}.</p>}
      />
    </div>
  );
}
