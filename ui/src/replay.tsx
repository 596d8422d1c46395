/**
 * Replay on the page: what the draft does to the run samples of the last N days. `ReplayPanel` sits in
 * the Preview tab (replay, progress, cancel, the result, export, the sampling switch); `ReplayConfirm`
 * is the Save dialog's part: it replays the draft and, when the draft newly blocks runs, asks for the
 * confirmation the save needs. Admins only: the resolver refuses everyone else.
 */
import Button from '@atlaskit/button/new';
import SectionMessage from './section-message';
import { useEffect, useRef, useState } from 'react';
import type { ReplayView, SamplesExportView, SamplesView } from '../../src/settings/api';
import type { ReplaySummary } from '../../src/settings/api';
import type { Call } from './api';
import { downloadText } from './download';

const POLL_MS = 500;
const running = (view?: ReplayView) => view?.job?.status === 'queued' || view?.job?.status === 'running';

/** Starts a replay of `policyText` (or follows the latest one) and polls until it ends. */
function useReplay(call: Call) {
  const [view, setView] = useState<ReplayView>();
  const [error, setError] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const poll = async () => {
    const result = await call<ReplayView>('replayStatus', {});
    if (!result.ok) return setError(result.error.message);
    setView(result);
    if (running(result)) timer.current = setTimeout(poll, POLL_MS);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const start = async (policyText: string, days: number) => {
    clearTimeout(timer.current);
    setError(undefined);
    const result = await call<ReplayView>('startReplay', { policyText, days });
    if (!result.ok) return setError(result.error.message);
    setView(result);
    timer.current = setTimeout(poll, POLL_MS);
  };
  const cancel = async () => {
    if (!view?.job) return;
    clearTimeout(timer.current);
    const result = await call<ReplayView>('cancelReplay', { jobId: view.job.id });
    if (result.ok) setView(result);
    else setError(result.error.message);
  };
  return { view, error, start, cancel, poll };
}

function Progress({ view, onCancel }: { view: ReplayView; onCancel: () => void }) {
  const job = view.job!;
  if (running(view))
    return (
      <p role="status" data-testid="replay-progress">
        Replaying… {job.total === undefined ? 'listing the samples' : `${job.done} of ${job.total} samples`}{' '}
        <Button appearance="subtle" onClick={onCancel}>
          Cancel replay
        </Button>
      </p>
    );
  if (job.status === 'cancelled')
    return (
      <p role="status" data-testid="replay-progress">
        Replay cancelled after {job.done} samples; no result kept.
      </p>
    );
  if (job.status === 'failed')
    return (
      <p role="status" data-testid="replay-progress">
        Replay failed: {job.error}
      </p>
    );
  return null;
}

export function ReplaySummaryView({
  summary,
  days,
  reused,
}: {
  summary: ReplaySummary;
  days: number;
  reused?: boolean;
}) {
  const t = summary.totals;
  return (
    <div className="stack" data-testid="replay-summary">
      <p>
        <strong>
          {t.newlyBlocked} newly blocked, {t.newlyAllowed} newly allowed, {summary.stepChanges} step changes,{' '}
          {t.newWarnings} runs with new warnings
        </strong>{' '}
        of {t.runs} runs sampled in the last {days} days
        {reused ? ' (the same draft and samples were replayed before: result reused)' : ''}.
      </p>
      {summary.byRule.length ? (
        <p>
          By rule:{' '}
          {summary.byRule
            .map(
              (r) =>
                `${r.rule}: ${r.newlyBlocked} newly blocked, ${r.newlyAllowed} newly allowed, ` +
                `${r.newWarnings} new warnings`,
            )
            .join('; ')}
        </p>
      ) : null}
      {summary.byRepository.some((r) => r.newlyBlocked || r.newlyAllowed || r.changedSteps || r.newWarnings) ? (
        <p>
          By repository:{' '}
          {summary.byRepository
            .filter((r) => r.newlyBlocked || r.newlyAllowed || r.changedSteps || r.newWarnings)
            .map(
              (r) => `${r.repository}: ${r.newlyBlocked} newly blocked, ${r.newlyAllowed} newly allowed (of ${r.runs})`,
            )
            .join('; ')}
        </p>
      ) : null}
      <ol data-testid="replay-runs">
        {summary.runs.map((run, i) => (
          <li key={i}>
            {run.kinds.map((kind) => kind.replace('-', ' ')).join(', ')}: {run.repository}, {run.ref} ({run.selector})
            {run.rules.length ? ` [${run.rules.join(', ')}]` : ''}
            {run.message ? <pre className="message">{run.message}</pre> : null}
            {run.stepChanges?.map((c, j) => (
              <div key={j}>
                step “{c.step}”: {c.field} {c.before} → {c.after}
              </div>
            ))}
            {run.warnings?.map((w, j) => (
              <div key={`w${j}`}>
                [{w.rule}] {w.message}
              </div>
            ))}
          </li>
        ))}
      </ol>
      {summary.runsLeftOut ? <p>{summary.runsLeftOut} more changed runs are counted but not listed.</p> : null}
    </div>
  );
}

function SamplesControls({ call }: { call: Call }) {
  const [samples, setSamples] = useState<SamplesView>();
  const [note, setNote] = useState<string>();
  const load = async () => {
    const result = await call<SamplesView>('samples', {});
    if (result.ok) setSamples(result);
  };
  useEffect(() => void load(), []);
  const exportAll = async () => {
    let text = '';
    let cursor: string | undefined;
    let filename = 'pipeline-guard-samples.jsonl';
    do {
      const part = await call<SamplesExportView>('exportSamples', cursor ? { cursor } : {});
      if (!part.ok) return setNote(part.error.message);
      text += part.jsonl;
      filename = part.filename;
      cursor = part.cursor;
    } while (cursor !== undefined);
    downloadText(filename, text, 'application/jsonl');
  };
  const remove = async () => {
    let deleted = 0;
    for (;;) {
      const part = await call<{ deleted: number; remaining: boolean }>('deleteSamples', {});
      if (!part.ok) return setNote(part.error.message);
      deleted += part.deleted;
      if (!part.remaining) break;
    }
    setNote(`Deleted ${deleted} stored records.`);
    await load();
  };
  const toggle = async () => {
    const result = await call<{ sampling: boolean }>('setSampling', { enabled: !samples?.sampling });
    if (!result.ok) return setNote(result.error.message);
    await load();
  };
  if (!samples) return null;
  return (
    <div className="toolbar" data-testid="samples-controls">
      <span>
        Sampling is {samples.sampling ? 'on' : 'off'};{' '}
        {samples.stored >= samples.countCap ? `at least ${samples.countCap}` : samples.stored} samples stored.
      </span>
      <Button onClick={exportAll}>Export samples</Button>
      {samples.policySaved ? (
        <Button onClick={toggle}>{samples.sampling ? 'Switch sampling off' : 'Switch sampling on'}</Button>
      ) : null}
      <Button onClick={remove}>Delete all samples</Button>
      {note ? <span role="status">{note}</span> : null}
    </div>
  );
}

/** The Preview tab's replay: the editor's draft against the samples of the last N days. */
export function ReplayPanel({ call, policyText }: { call: Call; policyText: string | undefined }) {
  const [days, setDays] = useState(30);
  const { view, error, start, cancel, poll } = useReplay(call);
  useEffect(() => void poll(), []);
  return (
    <section className="stack" aria-labelledby="replay-heading">
      <h3 id="replay-heading">Replay the draft against recent runs</h3>
      <p className="field-help">
        Runs every sampled run of the last N days under the enforced policy and under the draft, and lists what changes.
        Admins only.
      </p>
      <div className="toolbar">
        <label htmlFor="replay-days">Days</label>
        <input
          id="replay-days"
          type="number"
          min={1}
          max={90}
          value={days}
          onChange={(e) => setDays(Math.min(90, Math.max(1, Number(e.target.value) || 30)))}
        />
        <Button
          appearance="primary"
          isDisabled={policyText === undefined || running(view)}
          onClick={() => policyText !== undefined && start(policyText, days)}
        >
          Replay
        </Button>
      </div>
      {error ? (
        <SectionMessage appearance="error" title="Replay failed">
          <p>{error}</p>
        </SectionMessage>
      ) : null}
      {view?.job ? <Progress view={view} onCancel={cancel} /> : null}
      {view?.result ? (
        <ReplaySummaryView summary={view.result.summary} days={view.result.days} reused={view.job?.reused} />
      ) : null}
      <SamplesControls call={call} />
    </section>
  );
}

/**
 * The Save dialog's replay: replays the draft on opening; `onNeedsConfirmation` tells the dialog
 * whether the save must wait for the box below.
 */
export function ReplayConfirm({
  call,
  yamlText: policyText,
  confirmed,
  setConfirmed,
  onNeedsConfirmation,
}: {
  call: Call;
  yamlText: string;
  confirmed: boolean;
  setConfirmed: (next: boolean) => void;
  onNeedsConfirmation: (needed: boolean) => void;
}) {
  const { view, error, start, cancel } = useReplay(call);
  useEffect(() => void start(policyText, 30), [policyText]);
  const blocked = view?.result?.summary.totals.newlyBlocked ?? 0;
  useEffect(() => onNeedsConfirmation(blocked > 0), [blocked]);
  if (error)
    return (
      <p className="hint" data-testid="save-replay">
        The replay did not run ({error}); the save goes ahead without it.
      </p>
    );
  return (
    <div data-testid="save-replay">
      {view?.job ? <Progress view={view} onCancel={cancel} /> : null}
      {view?.result && blocked === 0 ? (
        <p>Replayed against {view.result.summary.totals.runs} sampled runs: this draft newly blocks no run.</p>
      ) : null}
      {view?.result && blocked > 0 ? (
        <SectionMessage
          appearance="warning"
          title={`This draft newly blocks ${blocked} ${blocked === 1 ? 'run' : 'runs'}`}
        >
          <ReplaySummaryView summary={view.result.summary} days={view.result.days} />
          <div className="field field-check">
            <input
              id="save-confirm-blocks"
              type="checkbox"
              checked={confirmed}
              onChange={(e) => setConfirmed(e.target.checked)}
            />{' '}
            <label htmlFor="save-confirm-blocks">
              I understand these runs will be blocked (recorded with the revision)
            </label>
          </div>
        </SectionMessage>
      ) : null}
    </div>
  );
}
