/**
 * Break-glass grants: admins open an environment to one repository's refs for at most 24 hours,
 * with a reason; everyone sees what is open, for how long, who opened it and why, and which runs
 * used it. Revoking applies to the next run.
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiError } from '../../../src/settings/api';
import type { GrantCreatedView, GrantRow, GrantRunsView, GrantsView } from '../../../src/settings/grants-api';
import type { Call } from '../api';
import { ConfirmDialog } from '../dialog';
import { Person } from '../people';
import { OutcomeLozenge } from '../result';

const WAIVABLE = ['branch-gate', 'repository-scope'] as const;
const DURATIONS = [1, 2, 4, 8, 12, 24] as const;

interface GrantForm {
  id: string;
  reason: string;
  repository: string;
  refs: string;
  environments: string[];
  rules: string[];
  hours: number;
  creators: string;
}

const EMPTY_FORM: GrantForm = {
  id: '',
  reason: '',
  repository: '',
  refs: '',
  environments: [],
  rules: ['branch-gate'],
  hours: 4,
  creators: '',
};

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

export function timeLeft(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

function StatusLozenge({ row }: { row: GrantRow }) {
  if (row.runsDisagree === 'revoked-still-in-force')
    return <Lozenge appearance="moved">revoked, still in force for runs</Lozenge>;
  if (row.runsDisagree === 'active-not-in-force')
    return <Lozenge appearance="moved">active, not in force for runs yet</Lozenge>;
  if (row.status === 'active') return <Lozenge appearance="success">active · {timeLeft(row.msLeft ?? 0)} left</Lozenge>;
  if (row.status === 'revoked') return <Lozenge appearance="removed">revoked</Lozenge>;
  return <Lozenge>expired</Lozenge>;
}

function Runs({ call, id }: { call: Call; id: string }) {
  const [view, setView] = useState<GrantRunsView>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void call<GrantRunsView>('grantRuns', { id }).then((result) =>
      result.ok ? setView(result) : setError(result.error.message),
    );
  }, [call, id]);
  if (error) return <p role="alert">{error}</p>;
  if (!view) return <p aria-busy="true">Loading the runs that used {id}…</p>;
  return (
    <div data-testid={`grant-runs-${id}`}>
      {view.capped ? <p className="hint">Only the newest decision records were searched.</p> : null}
      {view.runs.length === 0 ? (
        <p>No run has used {id}.</p>
      ) : (
        <ul className="plain-list">
          {view.runs.map((run, i) => (
            <li key={`${run.at}-${i}`}>
              {new Date(run.at).toLocaleString()} · <code className="small">{run.repository}</code> · {run.ref} ·{' '}
              {run.trigger} · <OutcomeLozenge outcome={run.outcome} />
              {run.buildNumber !== undefined ? ` · build #${run.buildNumber}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function GrantTable({
  call,
  rows,
  caption,
  canRevoke,
  onRevoke,
  onRetry,
  testId,
}: {
  call: Call;
  rows: GrantRow[];
  caption: string;
  canRevoke: boolean;
  onRevoke: (id: string) => void;
  onRetry: (id: string) => void;
  testId: string;
}) {
  const [open, setOpen] = useState<string>();
  return (
    <div data-testid={testId}>
      <DynamicTable
        caption={caption}
        head={{
          cells: [
            { key: 'id', content: 'Grant' },
            { key: 'status', content: 'Status' },
            { key: 'what', content: 'Opens' },
            { key: 'who', content: 'Granted' },
            { key: 'reason', content: 'Reason' },
            { key: 'actions', content: 'Actions' },
          ],
        }}
        rows={rows.map((row) => ({
          key: row.grant.id,
          cells: [
            { key: 'id', content: <strong>{row.grant.id}</strong> },
            { key: 'status', content: <StatusLozenge row={row} /> },
            {
              key: 'what',
              content: (
                <span>
                  {row.grant.environments.join(', ')} for <code className="small">{row.grant.repository}</code> on{' '}
                  {row.grant.refs.join(', ')}; waives {row.grant.rules.join(', ')}
                  {row.grant.creators ? (
                    <>
                      ; runs started by{' '}
                      {row.grant.creators.map((id, i) => (
                        <span key={id}>
                          {i ? ', ' : ''}
                          <Person accountId={id} />
                        </span>
                      ))}
                    </>
                  ) : null}
                  <span className="hint"> · until {new Date(row.grant.expires).toLocaleString()}</span>
                </span>
              ),
            },
            {
              key: 'who',
              content: (
                <span>
                  by {row.grant.grantedBy ? <Person accountId={row.grant.grantedBy} /> : 'unknown'}
                  {row.grant.grantedAt ? ` at ${new Date(row.grant.grantedAt).toLocaleString()}` : ''}
                  {row.revokedAt ? (
                    <span className="hint">
                      {' '}
                      · revoked by {row.revokedBy ? <Person accountId={row.revokedBy} /> : 'unknown'} at{' '}
                      {new Date(row.revokedAt).toLocaleString()}
                    </span>
                  ) : null}
                </span>
              ),
            },
            { key: 'reason', content: row.grant.reason },
            {
              key: 'actions',
              content: (
                <div className="toolbar">
                  <Button
                    appearance="subtle"
                    onClick={() => setOpen(open === row.grant.id ? undefined : row.grant.id)}
                    aria-expanded={open === row.grant.id}
                    aria-label={`Runs that used ${row.grant.id}`}
                  >
                    Runs
                  </Button>
                  {canRevoke && row.runsDisagree ? (
                    <Button
                      appearance="warning"
                      onClick={() => onRetry(row.grant.id)}
                      aria-label={`Retry ${row.runsDisagree === 'revoked-still-in-force' ? 'revoking' : 'granting'} ${row.grant.id}`}
                    >
                      Retry
                    </Button>
                  ) : null}
                  {canRevoke && row.status === 'active' ? (
                    <Button
                      appearance="danger"
                      onClick={() => onRevoke(row.grant.id)}
                      aria-label={`Revoke ${row.grant.id}`}
                    >
                      Revoke
                    </Button>
                  ) : null}
                </div>
              ),
            },
          ],
        }))}
        emptyView={<p>None.</p>}
      />
      {open ? (
        <section className="card" aria-label={`Runs that used ${open}`}>
          <Heading size="xsmall" as="h4">
            Runs that used {open}
          </Heading>
          <Runs call={call} id={open} />
        </section>
      ) : null}
    </div>
  );
}

const BROAD_REFS = new Set(['*', '**', 'tag:*', 'tag:**']);

/** What makes a grant wider than its form suggests: every ref, or another grant already open for the same place. */
function grantRisks(form: GrantForm, active: GrantRow[]): string[] {
  const broad = list(form.refs).filter((ref) => BROAD_REFS.has(ref));
  const repository = form.repository.trim();
  const overlapping = active.filter(
    (row) =>
      row.grant.repository === repository && row.grant.environments.some((env) => form.environments.includes(env)),
  );
  return [
    ...(broad.length
      ? [
          `${broad.map((ref) => `“${ref}”`).join(' and ')} matches every ${broad.some((ref) => ref.startsWith('tag:')) ? 'tag' : 'branch'}: any run of ${repository || 'the repository'} could use the environments it opens.`,
        ]
      : []),
    ...overlapping.map(
      (row) =>
        `${row.grant.id} already opens ${row.grant.environments.filter((env) => form.environments.includes(env)).join(', ')} for ${repository} until ${new Date(row.grant.expires).toLocaleString()}.`,
    ),
  ];
}

function RevokeDialog({ row, onConfirm, onCancel }: { row: GrantRow; onConfirm: () => void; onCancel: () => void }) {
  const { grant } = row;
  return (
    <ConfirmDialog
      title={`Revoke grant ${grant.id}?`}
      confirmLabel={`Revoke ${grant.id}`}
      danger
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p data-testid="revoke-summary">
        {grant.id} lets runs of {grant.repository} on {grant.refs.join(', ')} use {grant.environments.join(', ')} until{' '}
        {new Date(grant.expires).toLocaleString()}. Revoking it stops that from the next run on; a run already going
        keeps it.
      </p>
    </ConfirmDialog>
  );
}

export function GrantsTab({ call, environments }: { call: Call; environments: string[] }) {
  const [view, setView] = useState<GrantsView>();
  const [loadedAt, setLoadedAt] = useState(0);
  const [form, setForm] = useState<GrantForm>(EMPTY_FORM);
  const [error, setError] = useState<ApiError>();
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const result = await call<GrantsView>('listGrants');
    if (!result.ok) return setError(result.error);
    setView(result);
    setLoadedAt(Date.now());
  }, [call]);
  useEffect(() => {
    void load();
  }, [load]);

  // A revoked grant that runs still use is not past: it stays with the active ones until a retry lands.
  const inForce = (row: GrantRow) => row.status === 'active' || row.runsDisagree === 'revoked-still-in-force';
  const active = useMemo(() => view?.grants.filter(inForce) ?? [], [view]);
  const past = useMemo(() => view?.grants.filter((row) => !inForce(row)) ?? [], [view]);

  const [revoking, setRevoking] = useState<GrantRow>();
  const [acknowledged, setAcknowledged] = useState(false);
  const risks = grantRisks(form, active);

  const missing = [
    !form.id.trim() && 'an id',
    form.reason.trim().length < 10 && 'a reason of at least 10 characters',
    !form.repository.trim() && 'a repository',
    list(form.refs).length === 0 && 'at least one branch or tag glob',
    form.environments.length === 0 && 'at least one environment',
    form.rules.length === 0 && 'at least one rule to waive',
    risks.length > 0 && !acknowledged && 'your acknowledgement of the warning above',
  ].filter((item): item is string => Boolean(item));

  const create = async () => {
    if (!view) return;
    setBusy(true);
    setNote(undefined);
    // Counted on the server's clock, so that the expiry is at most the chosen hours after the
    // server stamps the grant, whatever this browser's clock says.
    const expires = new Date(Date.parse(view.now) + (Date.now() - loadedAt) + form.hours * 3_600_000).toISOString();
    const creators = list(form.creators);
    const result = await call<GrantCreatedView>('createGrant', {
      id: form.id.trim(),
      reason: form.reason.trim(),
      repository: form.repository.trim(),
      refs: list(form.refs),
      environments: form.environments,
      rules: form.rules,
      expires,
      ...(creators.length ? { creators } : {}),
    });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(undefined);
    setNote(
      `Granted ${result.grant.id}: the next run of ${result.grant.repository} on ${result.grant.refs.join(', ')} may use ${result.grant.environments.join(', ')} until ${new Date(result.grant.expires).toLocaleString()}.`,
    );
    setForm(EMPTY_FORM);
    setAcknowledged(false);
    await load();
  };

  const revoke = async (id: string) => {
    setRevoking(undefined);
    const result = await call<{ revoked: GrantRow }>('revokeGrant', { id });
    if (!result.ok) {
      setError(result.error);
      // The revocation may be on record without reaching runs: show the row as it now stands.
      return load();
    }
    setError(undefined);
    setNote(`Revoked ${id}: it no longer applies from the next run on.`);
    await load();
  };

  const retry = async (id: string) => {
    const result = await call<{ synced: true }>('syncGrants');
    if (!result.ok) {
      setError(result.error);
      return load();
    }
    setError(undefined);
    setNote(`Runs now see ${id} as the page shows it.`);
    await load();
  };

  const toggle = (key: 'environments' | 'rules', value: string) =>
    setForm({
      ...form,
      [key]: form[key].includes(value) ? form[key].filter((v) => v !== value) : [...form[key], value],
    });

  return (
    <div className="stack">
      <p className="lead">
        A break-glass grant lets one repository’s runs on some branches or tags use an environment that branch-gate or
        repository-scope would refuse them, for at most 24 hours and with a reason on record. Everything else still
        applies: denied images, pipes and commands, foreign runner labels and roles still block, and manual environments
        still wait for a person.
      </p>
      {error ? (
        <SectionMessage appearance="error" title="Not done">
          <p>{error.message}</p>
        </SectionMessage>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
      {view?.notice ? <p className="hint">{view.notice}</p> : null}
      <GrantTable
        call={call}
        rows={active}
        caption="Active grants"
        canRevoke={Boolean(view?.canEdit)}
        onRevoke={(id) => setRevoking(active.find((row) => row.grant.id === id))}
        onRetry={retry}
        testId="active-grants"
      />
      {revoking ? (
        <RevokeDialog
          row={revoking}
          onConfirm={() => revoke(revoking.grant.id)}
          onCancel={() => setRevoking(undefined)}
        />
      ) : null}
      <div className="toolbar">
        <Button onClick={load}>Refresh</Button>
      </div>
      {view?.canEdit ? (
        <section className="card" aria-labelledby="new-grant-title">
          <Heading size="small" as="h3" id="new-grant-title">
            New grant
          </Heading>
          <div className="grid">
            <div className="field">
              <label className="field-label" htmlFor="grant-id">
                Id (an incident or change number)
              </label>
              <Textfield
                id="grant-id"
                value={form.id}
                placeholder="INC-4711"
                onChange={(e) => setForm({ ...form, id: (e.target as HTMLInputElement).value })}
              />
            </div>
            <div className="field">
              <label className="field-label" htmlFor="grant-repository">
                Repository slug
              </label>
              <Textfield
                id="grant-repository"
                value={form.repository}
                placeholder="payments-api"
                onChange={(e) => setForm({ ...form, repository: (e.target as HTMLInputElement).value })}
              />
            </div>
            <div className="field">
              <label className="field-label" htmlFor="grant-refs">
                Branch globs, and tags as tag:GLOB (comma-separated)
              </label>
              <Textfield
                id="grant-refs"
                value={form.refs}
                placeholder="incident/*"
                onChange={(e) => setForm({ ...form, refs: (e.target as HTMLInputElement).value })}
              />
            </div>
            <div className="field">
              <label className="field-label" htmlFor="grant-hours">
                Expires in
              </label>
              <select
                id="grant-hours"
                className="native-select"
                value={form.hours}
                onChange={(e) => setForm({ ...form, hours: Number(e.target.value) })}
              >
                {DURATIONS.map((hours) => (
                  <option key={hours} value={hours}>
                    {hours} hour{hours === 1 ? '' : 's'}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <fieldset className="field">
            <legend className="field-label">Environments it opens</legend>
            {environments.length === 0 ? (
              <p className="hint">None yet: a grant opens environments of the saved policy, so save a policy first.</p>
            ) : null}
            {environments.map((env) => (
              <label key={env} className="check">
                <input
                  type="checkbox"
                  checked={form.environments.includes(env)}
                  onChange={() => toggle('environments', env)}
                />{' '}
                {env}
              </label>
            ))}
          </fieldset>
          <fieldset className="field">
            <legend className="field-label">Rules it waives</legend>
            {WAIVABLE.map((rule) => (
              <label key={rule} className="check">
                <input type="checkbox" checked={form.rules.includes(rule)} onChange={() => toggle('rules', rule)} />{' '}
                {rule}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label className="field-label" htmlFor="grant-reason">
              Reason (at least 10 characters, kept on record)
            </label>
            <TextArea
              id="grant-reason"
              value={form.reason}
              minimumRows={2}
              onChange={(e) => setForm({ ...form, reason: e.target.value })}
            />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="grant-creators">
              Only runs started by (optional: Bitbucket account UUIDs, comma-separated)
            </label>
            <Textfield
              id="grant-creators"
              value={form.creators}
              placeholder="{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}"
              onChange={(e) => setForm({ ...form, creators: (e.target as HTMLInputElement).value })}
            />
          </div>
          {risks.length ? (
            <SectionMessage appearance="warning" title="This grant opens more than one incident needs">
              <ul data-testid="grant-risks">
                {risks.map((risk) => (
                  <li key={risk}>{risk}</li>
                ))}
              </ul>
              <label className="check">
                <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} /> I
                have read the warning and want this grant as it is
              </label>
            </SectionMessage>
          ) : null}
          <p className="hint" aria-live="polite">
            {missing.length
              ? `Still needed: ${missing.join(', ')}.`
              : `Ready: ${form.id.trim()} will expire ${form.hours} hour${form.hours === 1 ? '' : 's'} from now.`}
          </p>
          <div className="toolbar">
            <Button appearance="primary" onClick={create} isDisabled={missing.length > 0 || busy}>
              {busy ? 'Granting…' : 'Grant'}
            </Button>
          </div>
        </section>
      ) : null}
      <GrantTable
        call={call}
        rows={past}
        caption="Past grants (expired or revoked)"
        canRevoke={Boolean(view?.canEdit)}
        onRevoke={(id) => setRevoking(view?.grants.find((row) => row.grant.id === id))}
        onRetry={retry}
        testId="past-grants"
      />
    </div>
  );
}
