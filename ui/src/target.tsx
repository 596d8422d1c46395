/** Picks what a previewed run is for: a branch, a tag, a pull request, a custom pipeline or a bare commit. */
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import type { SimulationTarget } from '../../src/simulate/simulate';

import { variablesOf, type TargetForm } from './target-form';

export { DEFAULT_TARGET, variablesOf, type TargetForm } from './target-form';

export function toTarget(form: TargetForm): SimulationTarget {
  switch (form.kind) {
    case 'pullrequest':
      return { kind: 'pullrequest', source: form.name, destination: form.destination };
    case 'custom':
      return { kind: 'custom', name: form.name, ref: { kind: 'branch', name: form.customRef } };
    case 'commit':
      return { kind: 'commit' };
    default:
      return { kind: form.kind, name: form.name };
  }
}

export function describeTarget(target: SimulationTarget): string {
  switch (target.kind) {
    case 'pullrequest':
      return `pull request ${target.source} → ${target.destination}`;
    case 'custom': {
      const on = target.ref && target.ref.kind !== 'commit' ? ` on ${target.ref.kind} ${target.ref.name}` : '';
      return `custom pipeline ${target.name}${on}`;
    }
    case 'commit':
      return 'a commit without a branch';
    default:
      return `${target.kind} ${target.name}`;
  }
}

const NAME_LABEL: Record<TargetForm['kind'], string> = {
  branch: 'Branch',
  tag: 'Tag',
  pullrequest: 'Source branch',
  custom: 'Custom pipeline name',
  commit: '',
};

/** The request's `variables`: what `${{NAME}}` templates and `$NAME` in commands are read with. */
function VariablesField({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: TargetForm;
  onChange: (next: TargetForm) => void;
}) {
  const { problems } = variablesOf(value.variables);
  return (
    <div className="field">
      <label className="field-label" htmlFor={`${idPrefix}-variables`}>
        Variables Bitbucket sends with the run
      </label>
      <TextArea
        id={`${idPrefix}-variables`}
        value={value.variables ?? ''}
        isMonospaced
        minimumRows={2}
        resize="vertical"
        onChange={(e) => onChange({ ...value, variables: e.target.value })}
      />
      <div className="field-help">
        One KEY=VALUE per line (for example DEPLOY_ENV=production), a repository variable; prefix a line with
        workspace:, pipeline:, step: or deployment: for another scope. Templates (<code>{'${{KEY}}'}</code>) are filled
        in from repository over workspace values only. Empty: a request without variables.
      </div>
      {problems.length ? (
        <ul className="field-errors" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function TargetPicker({
  idPrefix,
  value,
  onChange,
  withVariables = false,
}: {
  idPrefix: string;
  value: TargetForm;
  onChange: (next: TargetForm) => void;
  withVariables?: boolean;
}) {
  const picker = (
    <div className="grid grid-3">
      <div className="field">
        <label className="field-label" htmlFor={`${idPrefix}-kind`}>
          Run for
        </label>
        <select
          id={`${idPrefix}-kind`}
          className="native-select"
          value={value.kind}
          onChange={(e) => onChange({ ...value, kind: e.target.value as TargetForm['kind'] })}
        >
          <option value="branch">a branch</option>
          <option value="tag">a tag</option>
          <option value="pullrequest">a pull request</option>
          <option value="custom">a custom pipeline</option>
          <option value="commit">a commit without a branch</option>
        </select>
      </div>
      {value.kind === 'commit' ? null : (
        <div className="field">
          <label className="field-label" htmlFor={`${idPrefix}-name`}>
            {NAME_LABEL[value.kind]}
          </label>
          <Textfield
            id={`${idPrefix}-name`}
            value={value.name}
            onChange={(e) => onChange({ ...value, name: (e.target as HTMLInputElement).value })}
          />
        </div>
      )}
      {value.kind === 'pullrequest' || value.kind === 'custom' ? (
        <div className="field">
          <label className="field-label" htmlFor={`${idPrefix}-second`}>
            {value.kind === 'pullrequest' ? 'Destination branch' : 'On branch'}
          </label>
          <Textfield
            id={`${idPrefix}-second`}
            value={value.kind === 'pullrequest' ? value.destination : value.customRef}
            onChange={(e) => {
              const text = (e.target as HTMLInputElement).value;
              onChange(value.kind === 'pullrequest' ? { ...value, destination: text } : { ...value, customRef: text });
            }}
          />
        </div>
      ) : null}
    </div>
  );
  if (!withVariables) return picker;
  return (
    <>
      {picker}
      <VariablesField idPrefix={idPrefix} value={value} onChange={onChange} />
    </>
  );
}
