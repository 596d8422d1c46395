/**
 * The decision log: what the provider decided on each run, newest first, filtered through the log's
 * indexes and paged with cursors back to the 90-day TTL; each record's detail; CSV export of every
 * matching record; 30 days of charts from the hourly rollup; and the bypass check (Production
 * deployments without an allowed Pipeline Guard decision).
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '../table';
import Lozenge from '../lozenge';
import SectionMessage from '../section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { BypassView, CsvView, DecisionStatsView, DecisionsView } from '../../../src/settings/api';
import type { ListedDecision } from '../../../src/storage/decision-query';
import type { BypassFinding } from '../../../src/storage/bypass';
import type { SettingsBackend } from '../backend/types';
import { EXAMPLE_PIPELINE, type Call } from '../api';
import { NOT_ROLLED_UP, perDayChart } from '../chart-data';
import { downloadText } from '../download';
import { Person } from '../people';
import { repositoryFilterValue, repositoryLabeller, type RepositoryLabel } from '../repository-names';
import { useBitbucketListings } from '../bitbucket';
import { OutcomeLozenge } from '../result';
import { DEFAULT_TARGET, TargetPicker, toTarget, variablesOf } from '../target';
import './decisions.css';

/** Chart.js loads in its own chunk, when the log's charts are first drawn: the page's first view stays small. */
const BarChart = lazy(async () => ({ default: (await import('../charts')).BarChart }));

const OUTCOMES = ['allowed', 'blocked', 'none', 'passthrough'] as const;
const TEXT_FILTERS = [
  ['repository', 'Repository', 'acme/payments-api, a {uuid}, or part of a name'],
  ['project', 'Project key', 'e.g. PAY'],
  ['rule', 'Rule', 'e.g. branch-gate'],
  ['environment', 'Environment', 'e.g. prod'],
  ['grant', 'Grant', 'e.g. INC-4711'],
] as const;
type FilterKey = (typeof TEXT_FILTERS)[number][0] | 'outcome' | 'from' | 'to';
type Filters = Partial<Record<FilterKey, string>>;

type LabelRepository = (recorded: string, uuid?: string) => RepositoryLabel;

/** Names for the repositories the log records by UUID alone, from the listing the page loads anyway. */
function useRepositoryLabel(): LabelRepository {
  const { repositories } = useBitbucketListings();
  return useMemo(() => repositoryLabeller(repositories), [repositories]);
}

/** In the table's own font; the tooltip keeps the UUID. */
function RepositoryName({ label }: { label: RepositoryLabel }) {
  return (
    <span className="repository-name" title={label.title}>
      {label.text}
    </span>
  );
}

/** Pass-through is its own state: no policy was saved yet, which is neither a fault nor a check. */
function DecisionOutcome({ record }: { record: Pick<ListedDecision, 'outcome'> }) {
  if (record.outcome === 'passthrough')
    return (
      <Lozenge appearance="moved" isBold>
        no policy yet
      </Lozenge>
    );
  return <OutcomeLozenge outcome={record.outcome} />;
}

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
      const { variables } = variablesOf(target.variables);
      const { response } = await backend.simulateRun!({
        yaml,
        target: toTarget(target),
        repository,
        ...(variables.length ? { variables } : {}),
      });
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
      <p className="hint">
        Sends the request Bitbucket would send through the real provider function, with this console’s store, so the run
        lands in the log below.
      </p>
      <label className="field-label" htmlFor="run-yaml">
        bitbucket-pipelines.yml
      </label>
      <TextArea id="run-yaml" value={yaml} isMonospaced minimumRows={8} onChange={(e) => setYaml(e.target.value)} />
      <TargetPicker idPrefix="run-target" value={target} onChange={setTarget} withVariables />
      <div className="field">
        <label className="field-label" htmlFor="run-repo">
          Repository
        </label>
        <Textfield
          id="run-repo"
          value={repository}
          onChange={(e) => setRepository((e.target as HTMLInputElement).value)}
        />
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

/** The local console only: what Forge runs without a page (the hourly rollup, deployment events). */
function ConsoleTriggers({ backend, onDone }: { backend: SettingsBackend; onDone: () => void }) {
  const [status, setStatus] = useState<string>();
  const act = async (what: () => Promise<string>) => {
    try {
      setStatus(await what());
    } catch (error) {
      setStatus(`Failed: ${(error as Error).message}`);
    }
    onDone();
  };
  return (
    <details className="card">
      <summary>Local console only: scheduled rollup and deployment events</summary>
      <p className="hint">
        In Forge the rollup runs every hour and Bitbucket sends deployment events; here they run when you ask.
      </p>
      <div className="toolbar">
        <Button onClick={() => act(async () => `Rolled up ${(await backend.runRollup!()).days.length} days.`)}>
          Run the hourly rollup now
        </Button>
        <Button
          onClick={() =>
            act(
              async () =>
                `Replayed ${(await backend.replayDeployments!('replay')).recorded} deployment events ` +
                'from fixtures/deployments/replay.json.',
            )
          }
        >
          Replay deployment events
        </Button>
      </div>
      {status ? (
        <p role="status" className="run-answer">
          {status}
        </p>
      ) : null}
    </details>
  );
}

/** The charts' data: the rollup's stats, with repositories the log knows only by UUID named from the listing. */
function useChartData(call: Call, refresh: number) {
  const [stats, setStats] = useState<DecisionStatsView>();
  const [error, setError] = useState<string>();
  const label = useRepositoryLabel();
  useEffect(() => {
    void call<DecisionStatsView>('decisionStats', {}).then((result) => {
      if (result.ok) setStats(result);
      else setError(result.error.message);
    });
  }, [call, refresh]);
  const perDay = useMemo(() => perDayChart(stats?.days ?? []), [stats]);
  const rules = useMemo(() => topChart(stats?.topBlockingRules ?? [], '#c9372c'), [stats]);
  const repositories = useMemo(
    () =>
      topChart(
        (stats?.topBlockingRepositories ?? []).map((r) => ({ ...r, name: label(r.name).text })),
        '#e56910',
      ),
    [stats, label],
  );
  return { stats, error, perDay, rules, repositories };
}

const topChart = (top: readonly { name: string; count: number }[], color: string) => ({
  labels: top.map((r) => r.name),
  series: [{ label: 'blocked runs', values: top.map((r) => r.count), color }],
});

function Charts({ call, refresh }: { call: Call; refresh: number }) {
  const { stats, error, perDay, rules, repositories } = useChartData(call, refresh);
  if (error)
    return (
      <SectionMessage appearance="error" title="Could not load the charts">
        <p>{error}</p>
      </SectionMessage>
    );
  if (!stats) return <p className="hint">Loading the charts…</p>;
  const rolledUp = stats.days.filter((d) => d.rolledUp).length;
  return (
    <section className="card" aria-labelledby="charts-heading">
      <h3 id="charts-heading">Last 30 days</h3>
      <p className="hint" data-testid="charts-freshness">
        {stats.computedAt
          ? `From the hourly rollup, last computed ${new Date(stats.computedAt).toLocaleString()}; ` +
            `${rolledUp} of 30 days rolled up.`
          : 'No rollup has run yet: the hourly rollup draws these charts within the hour.'}
      </p>
      <Suspense fallback={<p className="hint">Loading the charts…</p>}>
        <BarChart id="chart-per-day" title="Runs and blocked runs per day" {...perDay} />
        <PerDayTable days={stats.days} />
        <div className="grid">
          <BarChart id="chart-rules" title="Top blocking rules" {...rules} horizontal />
          <BarChart id="chart-repositories" title="Top blocking repositories" {...repositories} horizontal />
        </div>
      </Suspense>
    </section>
  );
}

/** The per-day chart as a table: the numbers to read or copy, and "no data" said in words. */
function PerDayTable({ days }: { days: DecisionStatsView['days'] }) {
  return (
    <details className="per-day">
      <summary>Runs per day as a table</summary>
      <table className="per-day-table" data-testid="per-day-table">
        <caption>Runs and blocked runs per UTC day, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Runs</th>
            <th scope="col">Blocked</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day} className={d.rolledUp ? undefined : 'no-data'}>
              <th scope="row">{d.day}</th>
              {d.rolledUp ? (
                <>
                  <td>{d.runs}</td>
                  <td>{d.blocked}</td>
                </>
              ) : (
                <td colSpan={2}>{NOT_ROLLED_UP}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const BYPASS_LABEL: Record<
  BypassFinding['status'],
  { text: string; appearance: 'removed' | 'moved' | 'default' | 'success' }
> = {
  'no-decision': { text: 'no decision', appearance: 'removed' },
  'not-allowed': { text: 'not allowed', appearance: 'removed' },
  unprotected: { text: 'allowed, but not as a protected environment', appearance: 'removed' },
  'missing-data': { text: 'unknown: data missing', appearance: 'moved' },
  allowed: { text: 'allowed', appearance: 'success' },
};

interface BypassSummary {
  readonly checked: number;
  readonly covered: number;
  readonly damaged: number;
}

/** The bypass check, page by page: findings and counts add up as older pages are asked for. */
function useBypassCheck(call: Call, refresh: number) {
  const [findings, setFindings] = useState<BypassFinding[]>([]);
  const [summary, setSummary] = useState<BypassSummary>({ checked: 0, covered: 0, damaged: 0 });
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const load = useCallback(
    async (from?: string) => {
      const result = await call<BypassView>('bypasses', from ? { cursor: from } : {});
      if (!result.ok) return setError(result.error.message);
      setError(undefined);
      setFindings((previous) => (from ? [...previous, ...result.findings] : result.findings));
      setSummary((previous) =>
        from
          ? {
              checked: previous.checked + result.checked,
              covered: previous.covered + result.covered,
              damaged: previous.damaged + result.damaged,
            }
          : { checked: result.checked, covered: result.covered, damaged: result.damaged },
      );
      setCursor(result.nextCursor);
      setLoaded(true);
    },
    [call],
  );
  useEffect(() => void load(), [load, refresh]);
  return { findings, summary, cursor, error, loaded, load };
}

function Bypasses({ call, refresh }: { call: Call; refresh: number }) {
  const { findings, summary, cursor, error, loaded, load } = useBypassCheck(call, refresh);
  return (
    <section className="card" aria-labelledby="bypass-heading" data-testid="bypasses">
      <h3 id="bypass-heading">Production deployments without an allowed decision</h3>
      <p className="hint">
        Bitbucket reports every deployment; each one to a Production environment should come from a pipeline Pipeline
        Guard allowed. One with no decision was{' '}
        <strong>deployed without Pipeline Guard: was the provider deselected?</strong> A deployment the check cannot
        judge is listed as unknown, never as a pass.
      </p>
      {error ? (
        <SectionMessage appearance="error" title="Could not run the bypass check">
          <p>{error}</p>
        </SectionMessage>
      ) : null}
      {loaded ? <BypassCounts summary={summary} needLook={findings.length} more={Boolean(cursor)} /> : null}
      <BypassTable findings={findings} loading={!loaded && !error} more={Boolean(cursor)} />
      {cursor ? (
        <div className="toolbar">
          <Button onClick={() => load(cursor)}>Check older deployments</Button>
        </div>
      ) : null}
    </section>
  );
}

function BypassCounts({ summary, needLook, more }: { summary: BypassSummary; needLook: number; more: boolean }) {
  return (
    <p className="hint" data-testid="bypass-summary">
      {summary.checked} Production deployment{summary.checked === 1 ? '' : 's'} checked{more ? ' so far' : ''}:{' '}
      {summary.covered} covered by an allowed decision, {needLook} need a look.
      {summary.damaged ? ` ${summary.damaged} stored deployment record(s) are damaged and could not be judged.` : ''}
    </p>
  );
}

const BYPASS_HEAD = {
  cells: [
    { key: 'at', content: 'Time' },
    { key: 'repo', content: 'Repository' },
    { key: 'env', content: 'Environment' },
    { key: 'pipeline', content: 'Pipeline' },
    { key: 'status', content: 'Status' },
    { key: 'why', content: 'Why' },
  ],
};

/** The deployment's environment, its type and (when known) its state, e.g. "Production (PRODUCTION), completed". */
function deploymentEnvironment({ environmentName, environmentType, state }: BypassFinding['deployment']): string {
  return (
    `${environmentName ?? 'unknown'} (${environmentType ?? 'type unknown'})` +
    `${state ? `, ${state.toLowerCase()}` : ''}`
  );
}

function BypassTable({ findings, loading, more }: { findings: BypassFinding[]; loading: boolean; more: boolean }) {
  const label = useRepositoryLabel();
  return (
    <DynamicTable
      caption="Deployments that need a look, newest first"
      head={BYPASS_HEAD}
      rows={findings.map((f) => ({
        key: f.deployment.deployment,
        cells: [
          { key: 'at', content: new Date(f.deployment.at).toLocaleString() },
          {
            key: 'repo',
            content: (
              <RepositoryName
                label={label(
                  f.decision?.repository ?? f.deployment.repositorySlug ?? f.deployment.repositoryUuid ?? 'unknown',
                  f.deployment.repositoryUuid,
                )}
              />
            ),
          },
          { key: 'env', content: deploymentEnvironment(f.deployment) },
          { key: 'pipeline', content: <code className="small">{f.deployment.pipeline ?? 'unknown'}</code> },
          {
            key: 'status',
            content: (
              <Lozenge appearance={BYPASS_LABEL[f.status].appearance} isBold>
                {BYPASS_LABEL[f.status].text}
              </Lozenge>
            ),
          },
          { key: 'why', content: f.reason },
        ],
      }))}
      isLoading={loading}
      emptyView={<p>No Production deployment without an allowed decision{more ? ' on this page' : ''}.</p>}
    />
  );
}

function Detail({ record, onClose }: { record: ListedDecision; onClose: () => void }) {
  const repository = useRepositoryLabel()(record.repository, record.repositoryUuid);
  const rows: [string, ReactNode][] = [
    ['Time', new Date(record.at).toISOString()],
    ['Repository', <RepositoryName key="repository" label={repository} />],
    ['Repository UUID', record.repositoryUuid],
    ['Project', record.project ?? 'unknown'],
    ['Ref', record.ref],
    ['Trigger', record.trigger],
    ['Pipeline', record.pipeline ?? 'unknown'],
    ['Build number', record.buildNumber !== undefined ? String(record.buildNumber) : 'unknown'],
    ['Started by', record.creator ? <Person accountId={record.creator} /> : 'unknown'],
    ['Rules', record.rules.join(', ') || 'none'],
    ['Grants used', record.grants.join(', ') || 'none'],
    ['Environments', record.environments.join(', ') || 'none'],
    [
      'Policy revision',
      record.policyRevision !== undefined
        ? String(record.policyRevision)
        : record.outcome === 'passthrough'
          ? 'none saved yet'
          : 'unknown',
    ],
  ];
  return (
    <section className="card card-nested" aria-label="Decision detail" data-testid="decision-detail">
      <div className="card-header">
        <h3>
          Run of {repository.text} <DecisionOutcome record={record} />
        </h3>
        <Button onClick={onClose}>Close detail</Button>
      </div>
      {record.outcome === 'passthrough' ? (
        <p>
          No policy was saved yet, so Pipeline Guard passed this pipeline through unchanged. Nothing failed; nothing was
          checked.
        </p>
      ) : null}
      {record.format === 'legacy' ? (
        <p className="hint">A record of the older log format: it holds no project, environments, grants or message.</p>
      ) : null}
      <dl className="detail">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {record.message ? (
        <>
          <h4>Block message (first 1 KB)</h4>
          <pre className="code" tabIndex={0} aria-label="The message of this decision">
            {record.message}
          </pre>
        </>
      ) : null}
    </section>
  );
}

/** The filters as the resolver takes them: only those filled in, trimmed. */
function filterPayload(filters: Filters): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters)
      .filter(([, value]) => value !== undefined && value.trim() !== '')
      .map(([key, value]) => [key, value!.trim()]),
  );
}

/** The log's records for the filters, page by page; asked again once typing in a filter pauses. */
function useDecisionLog(call: Call, filters: Filters) {
  const [records, setRecords] = useState<ListedDecision[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const [scanned, setScanned] = useState(0);
  const [damaged, setDamaged] = useState(0);
  const [error, setError] = useState<string>();

  // A full name Bitbucket's list knows is asked by its UUID, so that the runs recorded by UUID alone
  // (an unscoped policy's) match too: the log shows them by that name.
  const { repositories } = useBitbucketListings();
  const repository = useMemo(
    () => (filters.repository ? repositoryFilterValue(repositories, filters.repository) : filters.repository),
    [repositories, filters.repository],
  );
  const payload = useCallback(() => filterPayload({ ...filters, repository }), [filters, repository]);
  const load = useCallback(
    async (from?: string) => {
      const result = await call<DecisionsView>('decisions', { ...payload(), ...(from ? { cursor: from } : {}) });
      if (!result.ok) return setError(result.error.message);
      setError(undefined);
      setRecords((previous) => (from ? [...previous, ...result.records] : result.records));
      setScanned((previous) => (from ? previous : 0) + result.scanned);
      setDamaged((previous) => (from ? previous : 0) + result.damaged);
      setCursor(result.cursor);
      setLoaded(true);
    },
    [call, payload],
  );

  useEffect(() => {
    // Typing in a filter asks the resolver once the typing pauses, not per key.
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [load]);

  return { records, cursor, loaded, scanned, damaged, error, setError, payload, load };
}

/**
 * Downloads every matching record as one CSV: the resolver answers in parts, and the page asks until
 * there are none.
 */
async function exportAllCsv(
  call: Call,
  payload: Record<string, string>,
  setExporting: (status: string | undefined) => void,
  setError: (error: string) => void,
): Promise<void> {
  const parts: string[] = [];
  let next: string | undefined;
  let rows = 0;
  do {
    setExporting(`Exporting… ${rows} records so far`);
    const result = await call<CsvView>('exportDecisions', { ...payload, ...(next ? { cursor: next } : {}) });
    if (!result.ok) {
      setExporting(undefined);
      return setError(result.error.message);
    }
    parts.push(result.csv);
    rows += result.rows ?? 0;
    next = result.cursor;
    if (!next) downloadText(result.filename, parts.join(''), 'text/csv');
  } while (next);
  setExporting(`Exported ${rows} record${rows === 1 ? '' : 's'}.`);
}

export function DecisionsTab({ call, backend }: { call: Call; backend: SettingsBackend }) {
  const [filters, setFilters] = useState<Filters>({});
  const [selected, setSelected] = useState<ListedDecision>();
  const [exporting, setExporting] = useState<string>();
  const [refresh, setRefresh] = useState(0);
  const log = useDecisionLog(call, filters);
  const { records, cursor, loaded, error, load } = log;

  const reloadAll = () => {
    void load();
    setRefresh((n) => n + 1);
  };
  const exportCsv = () => exportAllCsv(call, log.payload(), setExporting, log.setError);

  const setFilter = (key: FilterKey, value: string) => setFilters((previous) => ({ ...previous, [key]: value }));
  const filtered = Object.values(filters).some((value) => value && value.trim() !== '');

  return (
    <div className="stack">
      <p className="lead">
        One record per pipeline run that Pipeline Guard checked, kept for 90 days. Use it to answer “why was my pipeline
        blocked?”, and to see what reached Production without it.
      </p>
      {backend.simulateRun ? <SimulateRun backend={backend} onDone={reloadAll} /> : null}
      {backend.runRollup && backend.replayDeployments ? <ConsoleTriggers backend={backend} onDone={reloadAll} /> : null}
      <Charts call={call} refresh={refresh} />
      <Bypasses call={call} refresh={refresh} />
      <section className="card" aria-labelledby="log-heading">
        <h3 id="log-heading">Runs</h3>
        <LogFilters filters={filters} setFilter={setFilter} />
        <div className="toolbar">
          <Button onClick={reloadAll}>Refresh</Button>
          <Button onClick={exportCsv}>Export CSV</Button>
          {filtered ? <Button onClick={() => setFilters({})}>Clear filters</Button> : null}
          {exporting ? (
            <span role="status" className="hint">
              {exporting}
            </span>
          ) : null}
        </div>
        {error ? (
          <SectionMessage appearance="error" title="Could not load the log">
            <p>{error}</p>
          </SectionMessage>
        ) : null}
        {filters.from && filters.to && filters.from > filters.to ? (
          <RangeError from={filters.from} to={filters.to} />
        ) : null}
        {loaded ? (
          <p className="hint" data-testid="log-summary">
            {records.length} record{records.length === 1 ? '' : 's'} shown
            {cursor ? '; more may match further back' : ', the whole log'} ({log.scanned} read
            {log.damaged ? `, ${log.damaged} damaged record(s) skipped` : ''}).
          </p>
        ) : null}
        {selected ? <Detail record={selected} onClose={() => setSelected(undefined)} /> : null}
        <RunsTable
          records={records}
          onSelect={setSelected}
          loading={!loaded && !error}
          filtered={filtered}
          more={Boolean(cursor)}
        />
        {cursor ? (
          <div className="toolbar">
            <Button onClick={() => load(cursor)}>Load older records</Button>
          </div>
        ) : null}
      </section>
    </div>
  );
}

function RangeError({ from, to }: { from: string; to: string }) {
  return (
    <ul className="field-errors" role="alert" data-testid="log-range-error">
      <li>
        The From day ({from}) is after the To day ({to}): no record can match. Swap them or clear one.
      </li>
    </ul>
  );
}

function LogFilters({ filters, setFilter }: { filters: Filters; setFilter: (key: FilterKey, value: string) => void }) {
  return (
    <div className="grid grid-4 filters">
      <div className="field">
        <label className="field-label" htmlFor="log-outcome">
          Outcome
        </label>
        <select
          id="log-outcome"
          className="native-select"
          value={filters.outcome ?? ''}
          onChange={(e) => setFilter('outcome', e.target.value)}
        >
          <option value="">any</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o === 'passthrough' ? 'passthrough (no policy yet)' : o}
            </option>
          ))}
        </select>
      </div>
      {TEXT_FILTERS.map(([key, label, placeholder]) => (
        <div className="field" key={key}>
          <label className="field-label" htmlFor={`log-${key}`}>
            {label}
          </label>
          <Textfield
            id={`log-${key}`}
            placeholder={placeholder}
            value={filters[key] ?? ''}
            onChange={(e) => setFilter(key, (e.target as HTMLInputElement).value)}
          />
        </div>
      ))}
      <DayFilter id="log-from" label="From (UTC day)" value={filters.from} onChange={(v) => setFilter('from', v)} />
      <DayFilter id="log-to" label="To (UTC day)" value={filters.to} onChange={(v) => setFilter('to', v)} />
    </div>
  );
}

function DayFilter({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="native-input"
        type="date"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

const RUNS_HEAD = {
  cells: [
    { key: 'at', content: 'Time' },
    { key: 'repo', content: 'Repository' },
    { key: 'ref', content: 'Ref' },
    { key: 'trigger', content: 'Trigger' },
    { key: 'outcome', content: 'Outcome' },
    { key: 'rules', content: 'Rules that fired' },
    { key: 'rev', content: 'Policy' },
    { key: 'detail', content: 'Detail' },
  ],
};

function RunsTable({
  records,
  onSelect,
  loading,
  filtered,
  more,
}: {
  records: ListedDecision[];
  onSelect: (record: ListedDecision) => void;
  loading: boolean;
  filtered: boolean;
  more: boolean;
}) {
  const label = useRepositoryLabel();
  return (
    <div className="table-scroll" role="region" aria-label="Runs, newest first (scrolls sideways)" tabIndex={0}>
      <DynamicTable
        caption="Runs, newest first"
        head={RUNS_HEAD}
        rows={records.map((r) => ({
          key: r.id,
          cells: [
            { key: 'at', content: new Date(r.at).toLocaleString() },
            { key: 'repo', content: <RepositoryName label={label(r.repository, r.repositoryUuid)} /> },
            { key: 'ref', content: r.ref },
            { key: 'trigger', content: r.trigger },
            { key: 'outcome', content: <DecisionOutcome record={r} /> },
            { key: 'rules', content: r.rules.length ? r.rules.join(', ') : 'none' },
            {
              key: 'rev',
              content: (
                <span className="policy-revision">
                  {r.policyRevision !== undefined ? `rev ${r.policyRevision}` : '—'}
                </span>
              ),
            },
            {
              key: 'detail',
              content: (
                <Button
                  appearance="subtle"
                  onClick={() => onSelect(r)}
                  aria-label={`Detail of the run of ${label(r.repository).text} at ${new Date(r.at).toISOString()}`}
                >
                  Detail
                </Button>
              ),
            },
          ],
        }))}
        isLoading={loading}
        emptyView={
          <p>
            No runs recorded{filtered ? ' that match the filter' : ' yet'}
            {more ? ' in the records read so far' : ''}.
          </p>
        }
      />
    </div>
  );
}
