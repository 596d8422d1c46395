/** Named preview cases that every save must keep passing. */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { useCallback, useEffect, useState } from 'react';
import type { ApiError, PolicyTestOutcome } from '../../../src/settings/api';
import type { PolicyTest } from '../../../src/storage/policy-tests';
import type { Call } from '../api';
import { OutcomeLozenge } from '../result';
import { describeTarget, TargetPicker, toTarget, type TargetForm } from '../target';

export interface NewTest {
  name: string;
  yaml: string;
  target: TargetForm;
  expect: 'allowed' | 'blocked' | 'none';
}

export function TestsTab({ call, canEdit, draft, draftUsable, initial }: { call: Call; canEdit: boolean; draft: unknown; draftUsable: boolean; initial: NewTest }) {
  const [tests, setTests] = useState<PolicyTest[]>([]);
  const [outcomes, setOutcomes] = useState<Record<string, PolicyTestOutcome>>({});
  const [form, setForm] = useState<NewTest>(initial);
  const [error, setError] = useState<ApiError>();
  const [note, setNote] = useState<string>();

  const load = useCallback(async () => {
    const result = await call<{ tests: PolicyTest[] }>('listPolicyTests');
    if (result.ok) setTests(result.tests);
    else setError(result.error);
  }, [call]);
  useEffect(() => {
    void load();
  }, [load]);

  const runAll = async () => {
    const result = await call<{ outcomes: PolicyTestOutcome[]; policySource: string }>('runPolicyTests', draftUsable ? { policy: draft } : {});
    if (!result.ok) return setError(result.error);
    setOutcomes(Object.fromEntries(result.outcomes.map((o) => [o.id, o])));
    const failed = result.outcomes.filter((o) => !o.passed).length;
    setNote(`Ran ${result.outcomes.length} case${result.outcomes.length === 1 ? '' : 's'} against ${result.policySource}: ${failed === 0 ? 'all pass' : `${failed} fail`}.`);
  };

  const add = async () => {
    const result = await call<{ test: PolicyTest }>('savePolicyTest', { name: form.name, yaml: form.yaml, target: toTarget(form.target), expect: form.expect });
    if (!result.ok) return setError(result.error);
    setError(undefined);
    setNote(`Saved “${result.test.name}”. Every policy save now runs it.`);
    setForm({ ...form, name: '' });
    await load();
  };

  const remove = async (id: string) => {
    const result = await call<{ deleted: string }>('deletePolicyTest', { id });
    if (!result.ok) return setError(result.error);
    await load();
  };

  return (
    <div className="stack">
      <p className="lead">A policy test is a pipeline, a ref and the outcome you expect. Every save runs all of them and is refused if one breaks, with the case named.</p>
      {error ? (
        <SectionMessage appearance="error" title="Not done">
          <p>{error.message}</p>
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
        head={{ cells: [{ key: 'name', content: 'Case' }, { key: 'target', content: 'Run for' }, { key: 'expect', content: 'Expects' }, { key: 'result', content: 'Last run' }, { key: 'actions', content: 'Actions' }] }}
        rows={tests.map((t) => {
          const outcome = outcomes[t.id];
          return {
            key: t.id,
            cells: [
              { key: 'name', content: t.name },
              { key: 'target', content: describeTarget(t.target) },
              { key: 'expect', content: <OutcomeLozenge outcome={t.expect} /> },
              { key: 'result', content: outcome ? <span>{outcome.passed ? 'pass' : `FAIL: got ${outcome.actual}`}{outcome.detail ? <span className="hint"> · {outcome.detail}</span> : null}</span> : '—' },
              { key: 'actions', content: canEdit ? <Button appearance="subtle" onClick={() => remove(t.id)} aria-label={`Delete policy test ${t.name}`}>Delete</Button> : null },
            ],
          };
        })}
        emptyView={<p>No policy tests yet.</p>}
      />
      {canEdit ? (
        <section className="card" aria-labelledby="new-test-title">
          <Heading size="small" as="h3" id="new-test-title">
            New policy test
          </Heading>
          <div className="field">
            <label className="field-label" htmlFor="test-name">
              Name
            </label>
            <Textfield id="test-name" value={form.name} placeholder="PROD deploy from a feature branch is blocked" onChange={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />
          </div>
          <label className="field-label" htmlFor="test-yaml">
            bitbucket-pipelines.yml
          </label>
          <TextArea id="test-yaml" value={form.yaml} isMonospaced minimumRows={8} onChange={(e) => setForm({ ...form, yaml: e.target.value })} />
          <TargetPicker idPrefix="test-target" value={form.target} onChange={(target) => setForm({ ...form, target })} />
          <div className="field">
            <label className="field-label" htmlFor="test-expect">
              Expected outcome
            </label>
            <select id="test-expect" className="native-select" value={form.expect} onChange={(e) => setForm({ ...form, expect: e.target.value as NewTest['expect'] })}>
              <option value="blocked">blocked</option>
              <option value="allowed">allowed</option>
              <option value="none">none (nothing runs)</option>
            </select>
          </div>
          <div className="toolbar">
            <Button appearance="primary" onClick={add} isDisabled={!form.name.trim()}>
              Save policy test
            </Button>
          </div>
        </section>
      ) : null}
    </div>
  );
}
