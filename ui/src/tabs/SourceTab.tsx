/**
 * Policy source (policy as code): where the policy comes from, the commit in force and the last
 * failure, the admin's switch between the page and a repository, "Load now", and every switch made.
 * In the local console it can also push a commit to the policy repository.
 */
import Button from '@atlaskit/button/new';
import SectionMessage from '../section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { useEffect, useState } from 'react';
import type { ApiError } from '../../../src/settings/api';
import type { SyncOutcome } from '../../../src/settings/api';
import type { PolicySourceView, SourceChangedView } from '../../../src/settings/api';
import type { Call } from '../api';
import type { SettingsBackend } from '../backend/types';
import { FieldErrors } from '../fields';
import { SourceSwitches } from '../source-switches';
import { ActiveCommit, SyncFailureNotice } from '../source-status';

interface Message {
  readonly appearance: 'success' | 'error' | 'warning' | 'information';
  readonly text: string;
}

export function outcomeMessage(outcome: SyncOutcome | undefined): Message | undefined {
  if (!outcome) return undefined;
  if (outcome.outcome === 'loaded')
    return {
      appearance: 'success',
      text: `Loaded commit ${outcome.hash.slice(0, 12)} as revision ${outcome.revision}.`,
    };
  if (outcome.outcome === 'unchanged')
    return { appearance: 'information', text: `Commit ${outcome.hash.slice(0, 12)} is already the active policy.` };
  if (outcome.outcome === 'failed') return { appearance: 'error', text: outcome.message };
  return { appearance: 'information', text: `Nothing to load: ${outcome.reason}.` };
}

interface RepositoryFields {
  readonly repository: string;
  readonly branch: string;
  readonly path: string;
  readonly testsPath: string;
}

const FIELD_LABELS: Record<keyof RepositoryFields, string> = {
  repository: 'Repository (slug)',
  branch: 'Branch',
  path: 'Policy file',
  testsPath: 'Policy tests file',
};

function RepositoryFieldsForm({
  fields,
  setFields,
  examples,
  error,
}: {
  fields: RepositoryFields;
  setFields: (next: RepositoryFields) => void;
  examples: RepositoryFields;
  error?: ApiError;
}) {
  const problem = (field: string) => error?.problems?.find((p) => p.path === field)?.message;
  return (
    <div className="grid">
      {(Object.keys(FIELD_LABELS) as (keyof RepositoryFields)[]).map((key) => (
        <div className="field" key={key}>
          <label className="field-label" htmlFor={`source-${key}`}>
            {FIELD_LABELS[key]}
          </label>
          <Textfield
            id={`source-${key}`}
            value={fields[key]}
            isInvalid={Boolean(problem(key))}
            aria-invalid={Boolean(problem(key))}
            aria-describedby={`source-${key}-help${problem(key) ? ` source-${key}-error` : ''}`}
            onChange={(e) => setFields({ ...fields, [key]: (e.target as HTMLInputElement).value })}
          />
          <div className="field-help" id={`source-${key}-help`}>
            For example {examples[key]}.
          </div>
          <FieldErrors id={`source-${key}`} messages={problem(key) ? [problem(key)!] : []} />
        </div>
      ))}
    </div>
  );
}

function KindChoice({
  kind,
  setKind,
}: {
  kind: 'page' | 'repository';
  setKind: (kind: 'page' | 'repository') => void;
}) {
  return (
    <fieldset className="stack">
      <legend className="field-label">Where the policy is kept</legend>
      <div>
        <label>
          <input type="radio" name="policy-source" checked={kind === 'page'} onChange={() => setKind('page')} /> This
          settings page (admins save it here)
        </label>
      </div>
      <div>
        <label>
          <input
            type="radio"
            name="policy-source"
            checked={kind === 'repository'}
            onChange={() => setKind('repository')}
          />{' '}
          A file in a Bitbucket repository (changed by commits, reviewed in pull requests)
        </label>
      </div>
    </fieldset>
  );
}

function SourceForm({
  call,
  view,
  onChanged,
}: {
  call: Call;
  view: PolicySourceView;
  onChanged: (message: Message) => void;
}) {
  const current = view.source.kind === 'repository' ? view.source : undefined;
  const [kind, setKind] = useState<'page' | 'repository'>(view.source.kind);
  const examples = { repository: 'pipeline-policy', ...view.defaults };
  const [fields, setFields] = useState<RepositoryFields>({
    repository: current?.repository.fullName ?? '',
    branch: current?.branch ?? view.defaults.branch,
    path: current?.path ?? view.defaults.path,
    testsPath: current?.testsPath ?? view.defaults.testsPath,
  });
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const apply = async () => {
    setBusy(true);
    const trimmed = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value.trim()]));
    const result = await call<SourceChangedView>('setPolicySource', kind === 'page' ? { kind } : { kind, ...trimmed });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(undefined);
    if (!result.switched) return onChanged({ appearance: 'information', text: 'That is already the policy source.' });
    const loaded = outcomeMessage(result.sync);
    const switched =
      kind === 'page' ? 'The policy is now kept on this page.' : `The policy now comes from ${trimmed.repository}.`;
    const appearance = loaded?.appearance === 'error' ? 'warning' : 'success';
    onChanged({ appearance, text: `${switched}${loaded ? ` ${loaded.text}` : ''}` });
  };

  return (
    <section className="card stack" aria-labelledby="source-form-title">
      <h3 id="source-form-title" className="card-title">
        Change the policy source
      </h3>
      <KindChoice kind={kind} setKind={setKind} />
      {kind === 'repository' ? (
        <RepositoryFieldsForm fields={fields} setFields={setFields} examples={examples} error={error} />
      ) : null}
      <p className="hint">
        {kind === 'repository'
          ? 'Pipeline Guard reads the file at the branch head now, and at every push to the branch. Until a commit ' +
            'passes, the active policy stays. Protect the branch in Bitbucket (pull requests only, required ' +
            'approvals): that is where the second pair of eyes comes from.'
          : 'The active revision stays in force; from now on admins change it on this page.'}
      </p>
      {error ? (
        <div role="alert">
          <SectionMessage appearance="error" title="The policy source was not changed">
            <p>{error.message}</p>
          </SectionMessage>
        </div>
      ) : null}
      <div className="toolbar">
        <Button
          appearance="primary"
          isDisabled={busy || (kind === 'repository' && !fields.repository.trim())}
          onClick={() => void apply()}
        >
          {busy ? 'Saving…' : 'Use this source'}
        </Button>
      </div>
    </section>
  );
}

const LOST = '; its push event was lost, so only the hourly check can load it.';

function ConsolePush({
  backend,
  policyText,
  onDone,
}: {
  backend: SettingsBackend;
  policyText: string;
  onDone: (message: Message) => void;
}) {
  const [text, setText] = useState(policyText);
  const [message, setMessage] = useState('Tighten the policy');
  const [deliver, setDeliver] = useState(true);
  const push = async () => {
    const pushed = await backend.pushPolicyCommit!({ policyText: text, message, deliver });
    onDone({
      appearance: 'information',
      text: `Pushed commit ${pushed.hash.slice(0, 12)}${pushed.delivered ? ' and delivered its push event.' : LOST}`,
    });
  };
  const catchUp = async () =>
    onDone(
      outcomeMessage((await backend.runPolicyCatchUp!()) as SyncOutcome) ?? {
        appearance: 'information',
        text: 'Checked.',
      },
    );
  return (
    <section className="card stack" aria-labelledby="console-push-title">
      <h3 id="console-push-title" className="card-title">
        Local console only: push a commit to the policy repository
      </h3>
      <label className="field-label" htmlFor="console-push-policy">
        Policy file in the commit
      </label>
      <TextArea
        id="console-push-policy"
        value={text}
        isMonospaced
        minimumRows={8}
        onChange={(e) => setText(e.target.value)}
      />
      <label className="field-label" htmlFor="console-push-message">
        Commit message
      </label>
      <Textfield
        id="console-push-message"
        value={message}
        onChange={(e) => setMessage((e.target as HTMLInputElement).value)}
      />
      <label>
        <input type="checkbox" checked={!deliver} onChange={(e) => setDeliver(!e.target.checked)} /> Lose the push event
        (as Bitbucket rarely does)
      </label>
      <div className="toolbar">
        <Button onClick={() => void push()}>Push the commit</Button>
        <Button onClick={() => void catchUp()}>Run the hourly check now</Button>
      </div>
    </section>
  );
}

function CurrentSource({ view, onLoadNow }: { view: PolicySourceView; onLoadNow: () => void }) {
  const source = view.source.kind === 'repository' ? view.source : undefined;
  const lastCheck = view.status?.lastCheck;
  return (
    <section className="card stack" aria-labelledby="source-current-title" data-testid="policy-source">
      <h3 id="source-current-title" className="card-title">
        Current source
      </h3>
      {view.damaged ? (
        <p role="alert">
          The stored policy source is damaged. Policy changes on this page are refused until an admin sets the source
          again below.
        </p>
      ) : null}
      {source ? (
        <>
          <p>
            <a href={view.fileUrl} target="_blank" rel="noopener noreferrer">
              {source.path}
            </a>{' '}
            on branch <code>{source.branch}</code> of <strong>{source.repository.fullName}</strong>; tests from{' '}
            <a href={view.testsUrl} target="_blank" rel="noopener noreferrer">
              {source.testsPath}
            </a>{' '}
            (optional).
          </p>
          <ActiveCommit view={view} />
          {lastCheck ? (
            <p className="hint">
              {`Last checked ${new Date(lastCheck.at).toLocaleString()} (${lastCheck.trigger}): ${lastCheck.outcome}`}
              {lastCheck.message ? `: ${lastCheck.message}` : ''}
            </p>
          ) : null}
          <SyncFailureNotice view={view} />
          {view.canEdit ? (
            <div className="toolbar">
              <Button onClick={() => onLoadNow()}>Load now</Button>
            </div>
          ) : null}
        </>
      ) : view.damaged ? null : (
        <p>This settings page: workspace admins save the policy here.</p>
      )}
    </section>
  );
}

export function SourceTab({
  call,
  backend,
  policyText,
  onChanged,
}: {
  call: Call;
  backend: SettingsBackend;
  policyText: string;
  onChanged: () => void;
}) {
  const [view, setView] = useState<PolicySourceView>();
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<Message>();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    void call<PolicySourceView>('getPolicySource').then((result) =>
      result.ok ? setView(result) : setError(result.error.message),
    );
  }, [call, version]);

  const changed = (next: Message) => {
    setMessage(next);
    setVersion((v) => v + 1);
    onChanged();
  };

  const loadNow = async () => {
    const result = await call<SourceChangedView>('syncPolicySource');
    changed(
      result.ok
        ? (outcomeMessage(result.sync) ?? { appearance: 'information', text: 'Checked.' })
        : { appearance: 'error', text: result.error.message },
    );
  };

  if (error) return <p role="alert">{error}</p>;
  if (!view) return <p aria-busy="true">Loading the policy source…</p>;
  const source = view.source.kind === 'repository' ? view.source : undefined;
  return (
    <div className="stack" key={version}>
      <p className="lead">
        Keep the policy on this page, or in a file in a Bitbucket repository where every change is a commit reviewed in
        a pull request. Break-glass grants stay on this page either way.
      </p>
      {message ? (
        <div role={message.appearance === 'error' ? 'alert' : 'status'} data-testid="source-message">
          <SectionMessage appearance={message.appearance}>
            <p>{message.text}</p>
          </SectionMessage>
        </div>
      ) : null}
      <CurrentSource view={view} onLoadNow={() => void loadNow()} />
      {view.canEdit ? <SourceForm key={version} call={call} view={view} onChanged={changed} /> : null}
      {source && backend.pushPolicyCommit ? (
        <ConsolePush backend={backend} policyText={policyText} onDone={changed} />
      ) : null}
      <SourceSwitches switches={view.switches} />
    </div>
  );
}
