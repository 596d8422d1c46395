/** Named preview cases that every save must keep passing. */
import Button from '@atlaskit/button/new';
import DynamicTable from '../table';
import Heading from '@atlaskit/heading';
import SectionMessage from '../section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { useCallback, useEffect, useState } from 'react';
import { stringify } from 'yaml';
import type { RepositoryIdentity } from '../../../src/policy/repository';
import type { ApiError, PolicyTestOutcome } from '../../../src/settings/api';
import type { PolicyTest } from '../../../src/storage/policy-tests';
import type { Call } from '../api';
import { ConfirmDialog } from '../dialog';
import { TextDiff } from '../diff-view';
import { Person } from '../people';
import { identityOf, RepositorySelect } from '../repository-select';
import { OutcomeLozenge } from '../result';
import { describeTarget, TargetPicker, toTarget, type TargetForm } from '../target';

/** A saved case back in the form's shape, for editing. */
function formOf(test: PolicyTest): NewTest {
  const t = test.target;
  const base = {
    name: test.name,
    yaml: test.yaml,
    expect: test.expect,
    ...(test.repository ? { repository: test.repository } : {}),
  };
  if (t.kind === 'pullrequest')
    return { ...base, target: { kind: 'pullrequest', name: t.source, destination: t.destination, customRef: 'main' } };
  if (t.kind === 'custom')
    return {
      ...base,
      target: {
        kind: 'custom',
        name: t.name,
        destination: 'main',
        customRef: t.ref && t.ref.kind !== 'commit' ? t.ref.name : 'main',
      },
    };
  if (t.kind === 'commit')
    return { ...base, target: { kind: 'commit', name: '', destination: 'main', customRef: 'main' } };
  return { ...base, target: { kind: t.kind, name: t.name, destination: 'main', customRef: 'main' } };
}

/** A case as text, so that deleting one shows exactly what goes. */
const caseText = (test: PolicyTest) =>
  stringify(
    {
      name: test.name,
      target: test.target,
      ...(test.repository ? { repository: test.repository.fullName } : {}),
      expect: test.expect,
      pipeline: test.yaml,
    },
    { lineWidth: 0 },
  );

/** Where a case runs: its ref, and its repository when it names one. */
const runFor = (test: PolicyTest) =>
  test.repository ? `${describeTarget(test.target)} in ${test.repository.fullName}` : describeTarget(test.target);

export interface NewTest {
  name: string;
  yaml: string;
  target: TargetForm;
  expect: 'allowed' | 'blocked' | 'none';
  /** The repository the case runs as; none: a repository no scope includes. */
  repository?: RepositoryIdentity;
}

const ranNote = (outcomes: PolicyTestOutcome[], policySource: string) => {
  const failed = outcomes.filter((o) => !o.passed).length;
  return (
    `Ran ${outcomes.length} case${outcomes.length === 1 ? '' : 's'} against ${policySource}: ` +
    `${failed === 0 ? 'all pass' : `${failed} fail`}.`
  );
};

/** The saved cases, and their results against the draft they last ran on. */
function usePolicyTests(call: Call, draft: unknown, draftUsable: boolean) {
  const [tests, setTests] = useState<PolicyTest[]>([]);
  const [outcomes, setOutcomes] = useState<Record<string, PolicyTestOutcome>>({});
  const [error, setError] = useState<ApiError>();
  const [note, setNote] = useState<string>();

  // Results belong to the draft they ran against: a changed or discarded draft clears them.
  useEffect(() => {
    setOutcomes({});
    setNote(undefined);
  }, [draft]);

  const load = useCallback(async () => {
    const result = await call<{ tests: PolicyTest[] }>('listPolicyTests');
    if (result.ok) setTests(result.tests);
    else setError(result.error);
  }, [call]);
  useEffect(() => {
    void load();
  }, [load]);

  const runAll = async () => {
    const result = await call<{ outcomes: PolicyTestOutcome[]; policySource: string }>(
      'runPolicyTests',
      draftUsable ? { policy: draft } : {},
    );
    if (!result.ok) return setError(result.error);
    setOutcomes(Object.fromEntries(result.outcomes.map((o) => [o.id, o])));
    setNote(ranNote(result.outcomes, result.policySource));
  };
  return { tests, outcomes, error, setError, note, setNote, load, runAll };
}

function TestsError({ error }: { error: ApiError }) {
  return (
    <SectionMessage appearance="error" title="Not done">
      <p>{error.message}</p>
      {error.failures?.length ? (
        <ul>
          {error.failures.map((f) => (
            <li key={f.id}>
              “{f.name}”: expected {f.expect}, actual outcome <strong data-testid="actual-outcome">{f.actual}</strong>
            </li>
          ))}
        </ul>
      ) : null}
    </SectionMessage>
  );
}

const TESTS_HEAD = {
  cells: [
    { key: 'name', content: 'Case' },
    { key: 'target', content: 'Run for' },
    { key: 'expect', content: 'Expects' },
    { key: 'by', content: 'Saved by' },
    { key: 'result', content: 'Last run' },
    { key: 'actions', content: 'Actions' },
  ],
};

function LastRun({ outcome }: { outcome: PolicyTestOutcome | undefined }) {
  if (!outcome) return '—';
  return (
    <span>
      {outcome.passed ? 'pass' : `FAIL: got ${outcome.actual}`}
      {outcome.detail ? <span className="hint"> · {outcome.detail}</span> : null}
    </span>
  );
}

function TestsTable({
  tests,
  outcomes,
  canEdit,
  onEdit,
  onDelete,
}: {
  tests: PolicyTest[];
  outcomes: Record<string, PolicyTestOutcome>;
  canEdit: boolean;
  onEdit: (test: PolicyTest) => void;
  onDelete: (test: PolicyTest) => void;
}) {
  return (
    <DynamicTable
      caption="Saved policy tests"
      head={TESTS_HEAD}
      rows={tests.map((t) => ({
        key: t.id,
        cells: [
          { key: 'name', content: t.name },
          { key: 'target', content: runFor(t) },
          { key: 'expect', content: <OutcomeLozenge outcome={t.expect} /> },
          { key: 'by', content: <Person accountId={t.savedBy} /> },
          { key: 'result', content: <LastRun outcome={outcomes[t.id]} /> },
          {
            key: 'actions',
            content: canEdit ? (
              <span className="row-actions">
                <Button appearance="subtle" onClick={() => onEdit(t)} aria-label={`Edit policy test ${t.name}`}>
                  Edit
                </Button>
                <Button appearance="subtle" onClick={() => onDelete(t)} aria-label={`Delete policy test ${t.name}`}>
                  Delete
                </Button>
              </span>
            ) : null,
          },
        ],
      }))}
      emptyView={<p>No policy tests yet.</p>}
    />
  );
}

interface FormProps {
  form: NewTest;
  setForm: (form: NewTest) => void;
}

function TestNameField({ form, setForm, duplicate }: FormProps & { duplicate: PolicyTest | undefined }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor="test-name">
        Name
      </label>
      <Textfield
        id="test-name"
        value={form.name}
        isInvalid={Boolean(duplicate)}
        aria-invalid={Boolean(duplicate)}
        aria-describedby={duplicate ? 'test-name-help test-name-error' : 'test-name-help'}
        onChange={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })}
      />
      <div className="field-help" id="test-name-help">
        What the case checks, in a sentence: for example “PROD deploy from a feature branch is blocked”.
      </div>
      {duplicate ? (
        <ul className="field-errors" id="test-name-error" role="alert">
          <li>A policy test named “{duplicate.name}” already exists: give this one another name, or edit that one.</li>
        </ul>
      ) : null}
    </div>
  );
}

/** The pipeline, ref, repository and expected outcome of a case. */
function TestCaseFields({ form, setForm }: FormProps) {
  return (
    <>
      <label className="field-label" htmlFor="test-yaml">
        bitbucket-pipelines.yml
      </label>
      <TextArea
        id="test-yaml"
        value={form.yaml}
        isMonospaced
        minimumRows={8}
        onChange={(e) => setForm({ ...form, yaml: e.target.value })}
      />
      <TargetPicker idPrefix="test-target" value={form.target} onChange={(target) => setForm({ ...form, target })} />
      <div className="grid">
        <RepositorySelect
          id="test-repository"
          label="Repository"
          value={form.repository?.uuid ?? ''}
          current={form.repository}
          onChange={(repository) => setForm({ ...form, repository: repository ? identityOf(repository) : undefined })}
          emptyLabel="A repository no scope includes"
          help="Pin a scoped policy: the case runs as this repository on every save and rollback."
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="test-expect">
          Expected outcome
        </label>
        <select
          id="test-expect"
          className="native-select"
          value={form.expect}
          onChange={(e) => setForm({ ...form, expect: e.target.value as NewTest['expect'] })}
        >
          <option value="blocked">blocked</option>
          <option value="allowed">allowed</option>
          <option value="none">none (nothing runs)</option>
        </select>
      </div>
    </>
  );
}

function TestForm({
  form,
  setForm,
  editing,
  duplicate,
  onSave,
  onCancel,
}: FormProps & {
  editing: PolicyTest | undefined;
  duplicate: PolicyTest | undefined;
  onSave: () => void;
  onCancel: () => void;
}) {
  return (
    <section className="card" aria-labelledby="new-test-title">
      <Heading size="small" as="h3" id="new-test-title">
        {editing ? `Edit policy test “${editing.name}”` : 'New policy test'}
      </Heading>
      <TestNameField form={form} setForm={setForm} duplicate={duplicate} />
      <TestCaseFields form={form} setForm={setForm} />
      <div className="toolbar">
        <Button appearance="primary" onClick={onSave} isDisabled={!form.name.trim() || Boolean(duplicate)}>
          Save policy test
        </Button>
        {editing ? <Button onClick={onCancel}>Cancel editing</Button> : null}
      </div>
    </section>
  );
}

function DeleteTestDialog({
  test,
  onConfirm,
  onCancel,
}: {
  test: PolicyTest;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Delete policy test “${test.name}”?`}
      confirmLabel="Delete policy test"
      danger
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>Saves no longer run this case. This is what goes:</p>
      <TextDiff
        before={caseText(test)}
        after=""
        beforeLabel={`the policy test “${test.name}”`}
        afterLabel="no such test"
        testId="delete-test-diff"
      />
    </ConfirmDialog>
  );
}

/** Saving the form as a new or edited case, and deleting one, each reloading the list when done. */
function useTestChanges(call: Call, tests: ReturnType<typeof usePolicyTests>, initial: NewTest) {
  const { setError, setNote, load } = tests;
  const [form, setForm] = useState<NewTest>(initial);
  /** The case being edited; a new case when undefined. */
  const [editing, setEditing] = useState<PolicyTest>();

  const add = async () => {
    const result = await call<{ test: PolicyTest }>('savePolicyTest', {
      ...(editing ? { id: editing.id } : {}),
      name: form.name,
      yaml: form.yaml,
      target: toTarget(form.target),
      expect: form.expect,
      ...(form.repository ? { repository: form.repository } : {}),
    });
    if (!result.ok) return setError(result.error);
    setError(undefined);
    setNote(`Saved “${result.test.name}”. Every policy save now runs it.`);
    setForm({ ...form, name: '' });
    setEditing(undefined);
    await load();
  };

  const remove = async (test: PolicyTest) => {
    const result = await call<{ deleted: string }>('deletePolicyTest', { id: test.id });
    if (!result.ok) return setError(result.error);
    setNote(`Deleted “${test.name}”.`);
    await load();
  };
  return { form, setForm, editing, setEditing, add, remove };
}

export function TestsTab({
  call,
  canEdit,
  draft,
  draftUsable,
  initial,
}: {
  call: Call;
  canEdit: boolean;
  draft: unknown;
  draftUsable: boolean;
  initial: NewTest;
}) {
  const policyTests = usePolicyTests(call, draft, draftUsable);
  const { tests, outcomes, error, note, runAll } = policyTests;
  const { form, setForm, editing, setEditing, add, remove } = useTestChanges(call, policyTests, initial);
  const [deleting, setDeleting] = useState<PolicyTest>();
  const duplicate = tests.find(
    (t) => t.id !== editing?.id && t.name.trim().toLowerCase() === form.name.trim().toLowerCase(),
  );

  return (
    <div className="stack">
      <p className="lead">
        A policy test is a pipeline, a ref and the outcome you expect. Every save runs all of them and is refused if one
        breaks, with the case named.
      </p>
      {error ? <TestsError error={error} /> : null}
      {note ? <p role="status">{note}</p> : null}
      <div className="toolbar">
        <Button onClick={runAll} isDisabled={tests.length === 0}>
          Run all {draftUsable ? 'against the unsaved policy' : 'against the saved policy'}
        </Button>
      </div>
      <TestsTable
        tests={tests}
        outcomes={outcomes}
        canEdit={canEdit}
        onEdit={(t) => {
          setEditing(t);
          setForm(formOf(t));
        }}
        onDelete={setDeleting}
      />
      {canEdit ? (
        <TestForm
          form={form}
          setForm={setForm}
          editing={editing}
          duplicate={duplicate}
          onSave={add}
          onCancel={() => {
            setEditing(undefined);
            setForm(initial);
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteTestDialog
          test={deleting}
          onConfirm={() => {
            setDeleting(undefined);
            void remove(deleting);
          }}
          onCancel={() => setDeleting(undefined)}
        />
      ) : null}
    </div>
  );
}
