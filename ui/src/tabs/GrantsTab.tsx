/**
 * Break-glass grants: admins open an environment to one repository's refs for at most 24 hours,
 * with a reason; everyone sees what is open, for how long, who opened it and why, and which runs
 * used it. Revoking applies to the next run.
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '../table';
import Heading from '@atlaskit/heading';
import Lozenge from '../lozenge';
import SectionMessage from '../section-message';
import TextArea from '@atlaskit/textarea';
import { useCallback, useEffect, useMemo, useState, type ComponentProps } from 'react';
import type { ApiError } from '../../../src/settings/api';
import type { GrantCreatedView, GrantRow, GrantRunsView, GrantsView } from '../../../src/settings/grants-api';
import type { Call } from '../api';
import { ConfirmDialog } from '../dialog';
import { FieldErrors } from '../fields';
import { FreeTextField } from '../free-text-field';
import { grantFieldProblems, splitEntries, type GrantFieldProblems, type GrantRequest } from '../grant-check';
import { Person } from '../people';
import { grantMaxLength, type GrantTextField as LimitedField } from '../schema-limits';
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

const list = splitEntries;

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

const GRANT_HEAD = {
  cells: [
    { key: 'id', content: 'Grant' },
    { key: 'status', content: 'Status' },
    { key: 'what', content: 'Opens' },
    { key: 'who', content: 'Granted' },
    { key: 'reason', content: 'Reason' },
    { key: 'actions', content: 'Actions' },
  ],
};

/** What a grant opens, for whom and until when. */
function GrantOpens({ row }: { row: GrantRow }) {
  return (
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
  );
}

/** Who granted it and when, and who revoked it. */
function GrantWho({ row }: { row: GrantRow }) {
  return (
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
  );
}

interface GrantActionProps {
  canRevoke: boolean;
  onRevoke: (id: string) => void;
  onRetry: (id: string) => void;
}

function GrantActions({
  row,
  open,
  setOpen,
  canRevoke,
  onRevoke,
  onRetry,
}: GrantActionProps & { row: GrantRow; open: string | undefined; setOpen: (id: string | undefined) => void }) {
  const retrying = row.runsDisagree === 'revoked-still-in-force' ? 'revoking' : 'granting';
  return (
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
          aria-label={`Retry ${retrying} ${row.grant.id}`}
        >
          Retry
        </Button>
      ) : null}
      {canRevoke && row.status === 'active' ? (
        <Button appearance="danger" onClick={() => onRevoke(row.grant.id)} aria-label={`Revoke ${row.grant.id}`}>
          Revoke
        </Button>
      ) : null}
    </div>
  );
}

function GrantTable({
  call,
  rows,
  caption,
  testId,
  ...actions
}: GrantActionProps & {
  call: Call;
  rows: GrantRow[];
  caption: string;
  testId: string;
}) {
  const [open, setOpen] = useState<string>();
  return (
    <div data-testid={testId}>
      <DynamicTable
        caption={caption}
        head={GRANT_HEAD}
        rows={rows.map((row) => ({
          key: row.grant.id,
          cells: [
            { key: 'id', content: <strong>{row.grant.id}</strong> },
            { key: 'status', content: <StatusLozenge row={row} /> },
            { key: 'what', content: <GrantOpens row={row} /> },
            { key: 'who', content: <GrantWho row={row} /> },
            { key: 'reason', content: row.grant.reason },
            { key: 'actions', content: <GrantActions row={row} open={open} setOpen={setOpen} {...actions} /> },
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

/** The warning for refs that match every branch or every tag. */
function broadRefsRisk(broad: string[], repository: string): string {
  const kind = broad.some((ref) => ref.startsWith('tag:')) ? 'tag' : 'branch';
  return (
    `${broad.map((ref) => `“${ref}”`).join(' and ')} matches every ${kind}: ` +
    `any run of ${repository || 'the repository'} could use the environments it opens.`
  );
}

/** The warning for another grant already open for the same repository and environments. */
function overlapRisk(row: GrantRow, form: GrantForm, repository: string): string {
  const shared = row.grant.environments.filter((env) => form.environments.includes(env)).join(', ');
  const until = new Date(row.grant.expires).toLocaleString();
  return `${row.grant.id} already opens ${shared} for ${repository} until ${until}.`;
}

/**
 * What makes a grant wider than its form suggests: every ref, or another grant already open for
 * the same place.
 */
function grantRisks(form: GrantForm, active: GrantRow[]): string[] {
  const broad = list(form.refs).filter((ref) => BROAD_REFS.has(ref));
  const repository = form.repository.trim();
  const overlapping = active.filter(
    (row) =>
      row.grant.repository === repository && row.grant.environments.some((env) => form.environments.includes(env)),
  );
  return [
    ...(broad.length ? [broadRefsRisk(broad, repository)] : []),
    ...overlapping.map((row) => overlapRisk(row, form, repository)),
  ];
}

/** The fields whose text the server would refuse, in words, for the form's summary. */
const FIELD_NAMES: Record<keyof GrantFieldProblems, string> = {
  id: 'the id',
  repository: 'the repository slug',
  refs: 'the branch and tag globs',
  reason: 'the reason',
  creators: 'the account UUIDs',
  environments: 'the environments',
  rules: 'the rules',
};

/**
 * The server's problems with the fields the admin has filled in. An empty field is not wrong yet,
 * only missing: missingForGrant names it.
 */
function filledFieldProblems(form: GrantForm, problems: GrantFieldProblems): GrantFieldProblems {
  const filled: Record<keyof GrantFieldProblems, boolean> = {
    id: form.id.trim() !== '',
    reason: form.reason.trim() !== '',
    repository: form.repository.trim() !== '',
    refs: list(form.refs).length > 0,
    creators: list(form.creators).length > 0,
    environments: form.environments.length > 0,
    rules: form.rules.length > 0,
  };
  return Object.fromEntries(
    Object.entries(problems).filter(([field]) => filled[field as keyof GrantFieldProblems]),
  ) as GrantFieldProblems;
}

/** What the form says under it: what is wrong, what is missing, or that it is ready. */
function formStatus(form: GrantForm, problems: GrantFieldProblems, missing: string[]): string {
  const wrong = (Object.keys(problems) as (keyof GrantFieldProblems)[]).map((field) => FIELD_NAMES[field]);
  const fix = wrong.length
    ? `Not ready: the server would refuse ${wrong.join(' and ')}; see the message at the field. `
    : '';
  if (missing.length) return `${fix}Still needed: ${missing.join(', ')}.`;
  if (fix) return fix.trim();
  return `Ready: ${form.id.trim()} will expire ${form.hours} hour${form.hours === 1 ? '' : 's'} from now.`;
}

/** What the form still lacks before a grant can be made, in words. */
function missingForGrant(form: GrantForm, risks: string[], acknowledged: boolean): string[] {
  return [
    !form.id.trim() && 'an id',
    form.reason.trim().length < 10 && 'a reason of at least 10 characters',
    !form.repository.trim() && 'a repository',
    list(form.refs).length === 0 && 'at least one branch or tag glob',
    form.environments.length === 0 && 'at least one environment',
    form.rules.length === 0 && 'at least one rule to waive',
    risks.length > 0 && !acknowledged && 'your acknowledgement of the warning above',
  ].filter((item): item is string => Boolean(item));
}

function RevokeDialog({ row, onConfirm, onCancel }: { row: GrantRow; onConfirm: () => void; onCancel: () => void }) {
  const { grant } = row;
  const environments = grant.environments.join(', ');
  return (
    <ConfirmDialog
      title={`Revoke grant ${grant.id}?`}
      confirmLabel={`Revoke ${grant.id}`}
      danger
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p data-testid="revoke-summary">
        {grant.id} lets runs of {grant.repository} on {grant.refs.join(', ')} use {environments} until{' '}
        {new Date(grant.expires).toLocaleString()}. Revoking it stops that from the next run on; a run already going
        keeps it.
      </p>
    </ConfirmDialog>
  );
}

/** The grants as the server has them, reloaded on demand, with the last error and note. */
function useGrantsView(call: Call) {
  const [view, setView] = useState<GrantsView>();
  const [loadedAt, setLoadedAt] = useState(0);
  const [error, setError] = useState<ApiError>();
  const [note, setNote] = useState<string>();

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
  return { view, loadedAt, error, setError, note, setNote, load, active, past };
}

/** The server's clock now, as far as the page can tell: its time at the last load plus the time since. */
const serverNow = (view: GrantsView, loadedAt: number) => new Date(Date.parse(view.now) + (Date.now() - loadedAt));

/** What the server is asked to create from the form. */
function grantRequest(form: GrantForm, view: GrantsView, loadedAt: number): GrantRequest {
  // Counted on the server's clock, so that the expiry is at most the chosen hours after the
  // server stamps the grant, whatever this browser's clock says.
  const expires = new Date(serverNow(view, loadedAt).getTime() + form.hours * 3_600_000).toISOString();
  const creators = list(form.creators);
  return {
    id: form.id.trim(),
    reason: form.reason.trim(),
    repository: form.repository.trim(),
    refs: list(form.refs),
    environments: form.environments,
    rules: form.rules,
    expires,
    ...(creators.length ? { creators } : {}),
  };
}

const grantedNote = ({ grant }: GrantCreatedView) =>
  `Granted ${grant.id}: the next run of ${grant.repository} on ${grant.refs.join(', ')} may use ` +
  `${grant.environments.join(', ')} until ${new Date(grant.expires).toLocaleString()}.`;

/** Creating, revoking and re-syncing grants, each reloading the list when done. */
function useGrantChanges(call: Call, grants: ReturnType<typeof useGrantsView>) {
  const { view, loadedAt, setError, setNote, load } = grants;
  const [busy, setBusy] = useState(false);

  const create = async (form: GrantForm, onCreated: () => void) => {
    if (!view) return;
    setBusy(true);
    setNote(undefined);
    const result = await call<GrantCreatedView>('createGrant', grantRequest(form, view, loadedAt));
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(undefined);
    setNote(grantedNote(result));
    onCreated();
    await load();
  };

  const revoke = async (id: string) => {
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
  return { busy, create, revoke, retry };
}

type SetForm = (form: GrantForm) => void;

/**
 * A text field of the form: its example in the help under it (a placeholder would look filled in),
 * the server's problems with it at the field, and no more characters than the schema accepts.
 */
function GrantTextField({
  field,
  ...props
}: { field: LimitedField } & Omit<ComponentProps<typeof FreeTextField>, 'maxLength' | 'placeholder'>) {
  return <FreeTextField {...props} maxLength={grantMaxLength(field)} />;
}

interface FormFieldsProps {
  form: GrantForm;
  setForm: SetForm;
  problems: GrantFieldProblems;
}

/** Id, repository, refs and how long the grant lasts. */
function GrantWhereFields({ form, setForm, problems }: FormFieldsProps) {
  return (
    <div className="grid">
      <GrantTextField
        id="grant-id"
        field="id"
        label="Id (an incident or change number)"
        help="Letters, digits, “.”, “_” and “-”; for example INC-4711."
        errors={problems.id}
        value={form.id}
        onChange={(id) => setForm({ ...form, id })}
      />
      <GrantTextField
        id="grant-repository"
        field="repository"
        label="Repository slug"
        help="As in the repository’s URL; for example payments-api."
        errors={problems.repository}
        value={form.repository}
        onChange={(repository) => setForm({ ...form, repository })}
      />
      <GrantTextField
        id="grant-refs"
        field="refs"
        label="Branch globs, and tags as tag:GLOB (comma-separated)"
        help="For example incident/* for the incident branches, or tag:hotfix-* for hotfix tags."
        errors={problems.refs}
        value={form.refs}
        onChange={(refs) => setForm({ ...form, refs })}
      />
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
  );
}

/** The environments the grant opens and the rules it waives. */
function GrantChoices({ form, setForm, environments }: { form: GrantForm; setForm: SetForm; environments: string[] }) {
  const toggle = (key: 'environments' | 'rules', value: string) =>
    setForm({
      ...form,
      [key]: form[key].includes(value) ? form[key].filter((v) => v !== value) : [...form[key], value],
    });
  return (
    <>
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
            <input type="checkbox" checked={form.rules.includes(rule)} onChange={() => toggle('rules', rule)} /> {rule}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** Why the grant is made and whose runs it is for. */
function GrantWhyFields({ form, setForm, problems }: FormFieldsProps) {
  const reasonErrors = problems.reason ?? [];
  return (
    <>
      <div className="field">
        <label className="field-label" htmlFor="grant-reason">
          Reason (at least 10 characters, kept on record)
        </label>
        <TextArea
          id="grant-reason"
          value={form.reason}
          minimumRows={2}
          maxLength={grantMaxLength('reason')}
          isInvalid={reasonErrors.length > 0}
          aria-invalid={reasonErrors.length > 0}
          aria-describedby={reasonErrors.length ? 'grant-reason-error' : undefined}
          onChange={(e) => setForm({ ...form, reason: e.target.value })}
        />
        <FieldErrors id="grant-reason" messages={reasonErrors} />
      </div>
      <GrantTextField
        id="grant-creators"
        field="creators"
        label="Only runs started by (optional: Bitbucket account UUIDs, comma-separated)"
        help="Each in braces, as Bitbucket shows it on the account: {…}."
        errors={problems.creators}
        value={form.creators}
        onChange={(creators) => setForm({ ...form, creators })}
      />
    </>
  );
}

function GrantRisksWarning({
  risks,
  acknowledged,
  setAcknowledged,
}: {
  risks: string[];
  acknowledged: boolean;
  setAcknowledged: (acknowledged: boolean) => void;
}) {
  return (
    <SectionMessage appearance="warning" title="This grant opens more than one incident needs">
      <ul data-testid="grant-risks">
        {risks.map((risk) => (
          <li key={risk}>{risk}</li>
        ))}
      </ul>
      <label className="check">
        <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} /> I have read
        the warning and want this grant as it is
      </label>
    </SectionMessage>
  );
}

function NewGrant({
  environments,
  active,
  busy,
  check,
  onCreate,
  onEdit,
}: {
  environments: string[];
  active: GrantRow[];
  busy: boolean;
  /** What the server would refuse in the grant the form describes. */
  check: (form: GrantForm) => GrantFieldProblems;
  onCreate: (form: GrantForm, reset: () => void) => void;
  /** The admin changed the form: what the page said about the last grant no longer stands beside it. */
  onEdit: () => void;
}) {
  const [form, setFormState] = useState<GrantForm>(EMPTY_FORM);
  const setForm = (next: GrantForm) => {
    setFormState(next);
    onEdit();
  };
  const [acknowledged, setAcknowledged] = useState(false);
  const risks = grantRisks(form, active);
  const missing = missingForGrant(form, risks, acknowledged);
  const problems = filledFieldProblems(form, check(form));
  const ready = missing.length === 0 && Object.keys(problems).length === 0;
  const reset = () => {
    setFormState(EMPTY_FORM);
    setAcknowledged(false);
  };
  return (
    <section className="card" aria-labelledby="new-grant-title">
      <Heading size="small" as="h3" id="new-grant-title">
        New grant
      </Heading>
      <GrantWhereFields form={form} setForm={setForm} problems={problems} />
      <GrantChoices form={form} setForm={setForm} environments={environments} />
      <GrantWhyFields form={form} setForm={setForm} problems={problems} />
      {risks.length ? (
        <GrantRisksWarning risks={risks} acknowledged={acknowledged} setAcknowledged={setAcknowledged} />
      ) : null}
      <p className="hint" aria-live="polite" data-testid="grant-status">
        {formStatus(form, problems, missing)}
      </p>
      <div className="toolbar">
        <Button appearance="primary" onClick={() => ready && onCreate(form, reset)} isDisabled={!ready || busy}>
          {busy ? 'Granting…' : 'Grant'}
        </Button>
      </div>
    </section>
  );
}

export function GrantsTab({ call, environments }: { call: Call; environments: string[] }) {
  const grants = useGrantsView(call);
  const { view, loadedAt, error, note, setNote, load, active, past } = grants;
  const { busy, create, revoke, retry } = useGrantChanges(call, grants);
  const [revoking, setRevoking] = useState<GrantRow>();

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
          onConfirm={() => {
            setRevoking(undefined);
            void revoke(revoking.grant.id);
          }}
          onCancel={() => setRevoking(undefined)}
        />
      ) : null}
      <div className="toolbar">
        <Button onClick={load}>Refresh</Button>
      </div>
      {view?.canEdit ? (
        <NewGrant
          environments={environments}
          active={active}
          busy={busy}
          check={(form) =>
            grantFieldProblems(
              grantRequest(form, view, loadedAt),
              serverNow(view, loadedAt),
              view.grants.map((row) => row.grant.id),
            )
          }
          onCreate={create}
          onEdit={() => note && setNote(undefined)}
        />
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
