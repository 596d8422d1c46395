/** Named preview cases that every save must keep passing. */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
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
  const [tests, setTests] = useState<PolicyTest[]>([]);
  const [outcomes, setOutcomes] = useState<Record<string, PolicyTestOutcome>>({});
  const [form, setForm] = useState<NewTest>(initial);
  const [error, setError] = useState<ApiError>();
  const [note, setNote] = useState<string>();
  /** The case being edited; a new case when undefined. */
  const [editing, setEditing] = useState<PolicyTest>();
  const [deleting, setDeleting] = useState<PolicyTest>();

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
    const failed = result.outcomes.filter((o) => !o.passed).length;
    setNote(
      `Ran ${result.outcomes.length} case${result.outcomes.length === 1 ? '' : 's'} against ${result.policySource}: ${failed === 0 ? 'all pass' : `${failed} fail`}.`,
    );
  };

  const duplicate = tests.find(
    (t) => t.id !== editing?.id && t.name.trim().toLowerCase() === form.name.trim().toLowerCase(),
  );

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
    setDeleting(undefined);
    const result = await call<{ deleted: string }>('deletePolicyTest', { id: test.id });
    if (!result.ok) return setError(result.error);
    setNote(`Deleted “${test.name}”.`);
    await load();
  };

  return (
    <div className="stack">
      <p className="lead">
        A policy test is a pipeline, a ref and the outcome you expect. Every save runs all of them and is refused if one
        breaks, with the case named.
      </p>
      {error ? (
        <SectionMessage appearance="error" title="Not done">
          <p>{error.message}</p>
          {error.failures?.length ? (
            <ul>
              {error.failures.map((f) => (
                <li key={f.id}>
                  “{f.name}”: expected {f.expect}, actual outcome{' '}
                  <strong data-testid="actual-outcome">{f.actual}</strong>
                </li>
              ))}
            </ul>
          ) : null}
        </SectionMessage>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
      <div className="toolbar">
        <Button onClick={runAll} isDisabled={tests.length === 0}>
          Run all {draftUsable ? 'against the unsaved policy' : 'against the saved policy'}
        </Button>
      </div>
      <DynamicTable
        caption="Saved policy tests"
        head={{
          cells: [
            { key: 'name', content: 'Case' },
            { key: 'target', content: 'Run for' },
            { key: 'expect', content: 'Expects' },
            { key: 'by', content: 'Saved by' },
            { key: 'result', content: 'Last run' },
            { key: 'actions', content: 'Actions' },
          ],
        }}
        rows={tests.map((t) => {
          const outcome = outcomes[t.id];
          return {
            key: t.id,
            cells: [
              { key: 'name', content: t.name },
              { key: 'target', content: runFor(t) },
              { key: 'expect', content: <OutcomeLozenge outcome={t.expect} /> },
              { key: 'by', content: <Person accountId={t.savedBy} /> },
              {
                key: 'result',
                content: outcome ? (
                  <span>
                    {outcome.passed ? 'pass' : `FAIL: got ${outcome.actual}`}
                    {outcome.detail ? <span className="hint"> · {outcome.detail}</span> : null}
                  </span>
                ) : (
                  '—'
                ),
              },
              {
                key: 'actions',
                content: canEdit ? (
                  <span className="row-actions">
                    <Button
                      appearance="subtle"
                      onClick={() => {
                        setEditing(t);
                        setForm(formOf(t));
                      }}
                      aria-label={`Edit policy test ${t.name}`}
                    >
                      Edit
                    </Button>
                    <Button
                      appearance="subtle"
                      onClick={() => setDeleting(t)}
                      aria-label={`Delete policy test ${t.name}`}
                    >
                      Delete
                    </Button>
                  </span>
                ) : null,
              },
            ],
          };
        })}
        emptyView={<p>No policy tests yet.</p>}
      />
      {canEdit ? (
        <section className="card" aria-labelledby="new-test-title">
          <Heading size="small" as="h3" id="new-test-title">
            {editing ? `Edit policy test “${editing.name}”` : 'New policy test'}
          </Heading>
          <div className="field">
            <label className="field-label" htmlFor="test-name">
              Name
            </label>
            <Textfield
              id="test-name"
              value={form.name}
              placeholder="PROD deploy from a feature branch is blocked"
              isInvalid={Boolean(duplicate)}
              aria-invalid={Boolean(duplicate)}
              aria-describedby={duplicate ? 'test-name-error' : undefined}
              onChange={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })}
            />
            {duplicate ? (
              <ul className="field-errors" id="test-name-error" role="alert">
                <li>
                  A policy test named “{duplicate.name}” already exists: give this one another name, or edit that one.
                </li>
              </ul>
            ) : null}
          </div>
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
          <TargetPicker
            idPrefix="test-target"
            value={form.target}
            onChange={(target) => setForm({ ...form, target })}
          />
          <div className="grid">
            <RepositorySelect
              id="test-repository"
              label="Repository"
              value={form.repository?.uuid ?? ''}
              current={form.repository}
              onChange={(repository) =>
                setForm({ ...form, repository: repository ? identityOf(repository) : undefined })
              }
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
          <div className="toolbar">
            <Button appearance="primary" onClick={add} isDisabled={!form.name.trim() || Boolean(duplicate)}>
              Save policy test
            </Button>
            {editing ? (
              <Button
                onClick={() => {
                  setEditing(undefined);
                  setForm(initial);
                }}
              >
                Cancel editing
              </Button>
            ) : null}
          </div>
        </section>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete policy test “${deleting.name}”?`}
          confirmLabel="Delete policy test"
          danger
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          <p>Saves no longer run this case. This is what goes:</p>
          <TextDiff
            before={caseText(deleting)}
            after=""
            beforeLabel={`the policy test “${deleting.name}”`}
            afterLabel="no such test"
            testId="delete-test-diff"
          />
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
