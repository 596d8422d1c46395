/** Paste a pipeline, pick a ref, and see exactly what the simulator (and so the provider) would do. */
import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import SectionMessage from '../section-message';
import TextArea from '@atlaskit/textarea';
import { useState } from 'react';
import type { ApiError, PreviewView } from '../../../src/settings/api';
import type { Call } from '../api';
import type { PreviewState } from '../preview-state';
import { identityOf, RepositorySelect } from '../repository-select';
import { SimulationView } from '../result';
import { TargetPicker, toTarget, variablesOf } from '../target';
import { ReplayPanel } from '../replay';

/** The grants a preview ran under, and which of them this run used. */
function GrantsApplied({ view }: { view: PreviewView }) {
  const applied = view.grantsApplied;
  if (!applied) return null;
  const used = view.result.grants ?? [];
  const at = new Date(applied.now).toUTCString();
  if (applied.inForce.length === 0)
    return (
      <p role="status" data-testid="preview-grants">
        No break-glass grant was in force at {at}: this is the policy alone.
      </p>
    );
  return (
    <SectionMessage
      appearance={used.length ? 'warning' : 'information'}
      title={
        used.length
          ? `Break-glass grant${used.length === 1 ? '' : 's'} used: ${used.join(', ')}`
          : 'No grant in force covers this run'
      }
    >
      <p data-testid="preview-grants">
        Ran at {at} under the grant{applied.inForce.length === 1 ? '' : 's'} in force then:{' '}
        {applied.inForce.map((g) => `${g.id} (${g.repository}, until ${new Date(g.expires).toUTCString()})`).join('; ')}
        .{' '}
        {used.length
          ? 'Without them this run would be checked by the policy alone; untick “Apply active grants” to see that.'
          : 'The outcome below is the policy’s own.'}
      </p>
    </SectionMessage>
  );
}

interface StateProps {
  state: PreviewState;
  setState: (next: PreviewState) => void;
}

/** The pipeline, the ref it runs for and the repository it runs as. */
function PreviewInputs({ state, setState }: StateProps) {
  return (
    <>
      <label className="field-label" htmlFor="preview-yaml">
        bitbucket-pipelines.yml
      </label>
      <TextArea
        id="preview-yaml"
        value={state.yaml}
        isMonospaced
        minimumRows={14}
        resize="vertical"
        onChange={(e) => setState({ ...state, yaml: e.target.value })}
      />
      <TargetPicker
        idPrefix="preview-target"
        value={state.target}
        onChange={(target) => setState({ ...state, target })}
        withVariables
      />
      <div className="grid">
        <RepositorySelect
          id="preview-repository"
          label="Repository"
          value={state.repository?.uuid ?? ''}
          current={state.repository}
          onChange={(repository) => setState({ ...state, repository: repository ? identityOf(repository) : undefined })}
          emptyLabel="A repository no scope includes"
          help="Scoped environments serve only the repositories they name."
        />
      </div>
    </>
  );
}

/** Runs the preview on demand and keeps its last result or error. */
function usePreview(call: Call, state: PreviewState, draft: unknown, draftUsable: boolean) {
  const [useDraft, setUseDraft] = useState(true);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<PreviewView>();
  const [error, setError] = useState<ApiError>();
  // On by default, always: real runs get the grants in force when they start, so by default the
  // preview shows what a run would get now. The server reads the grants and its clock when Preview
  // is pressed (a list fetched when the tab opened goes stale while the tab stays mounted), and the
  // result says which grants were in force and which one changed the outcome.
  const [applyGrants, setApplyGrants] = useState(true);

  const { variables } = variablesOf(state.target.variables);
  const run = async () => {
    setBusy(true);
    const result = await call<PreviewView>('preview', {
      yaml: state.yaml,
      target: toTarget(state.target),
      ...(variables.length ? { variables } : {}),
      ...(state.repository ? { repository: state.repository } : {}),
      ...(applyGrants ? { applyGrants: true } : {}),
      ...(draftUsable && useDraft ? { policy: draft } : {}),
    });
    setBusy(false);
    if (result.ok) {
      setView(result);
      setError(undefined);
    } else {
      setView(undefined);
      setError(result.error);
    }
  };
  return { useDraft, setUseDraft, applyGrants, setApplyGrants, busy, view, error, run };
}

export function PreviewTab({
  call,
  draft,
  draftUsable,
  state,
  setState,
  onSaveAsTest,
  replayText,
}: StateProps & {
  call: Call;
  draft: unknown;
  /** The editor holds valid unsaved changes. */
  draftUsable: boolean;
  onSaveAsTest?: (view: PreviewView) => void;
  /** The draft as YAML, for admins' replay; absent for members, who cannot replay. */
  replayText?: string;
}) {
  const { useDraft, setUseDraft, applyGrants, setApplyGrants, busy, view, error, run } = usePreview(
    call,
    state,
    draft,
    draftUsable,
  );
  // Policy tests run without grants (grants end; tests stay): a result a grant changed would not hold as a test.
  const grantChanged = Boolean(view?.result.grants?.length);

  return (
    <div className="stack">
      <p className="lead">
        Preview runs the provider’s own engine on a pipeline, the same way the simulator CLI does. Nothing is saved and
        no pipeline runs.
      </p>
      <PreviewInputs state={state} setState={setState} />
      {draftUsable ? (
        <Checkbox
          label="Use the unsaved policy from the editor"
          isChecked={useDraft}
          onChange={(e) => setUseDraft(e.target.checked)}
        />
      ) : null}
      <div>
        <Checkbox
          name="apply-grants"
          label="Apply active grants"
          isChecked={applyGrants}
          onChange={(e) => setApplyGrants(e.target.checked)}
        />
        <div className="field-help">
          Runs get the break-glass grants in force when they start; ticked, the preview does the same at the moment you
          press Preview. Untick to see the policy alone.
        </div>
      </div>
      <div className="toolbar">
        <Button appearance="primary" onClick={run} isDisabled={busy}>
          {busy ? 'Previewing…' : 'Preview'}
        </Button>
        {view && onSaveAsTest && !grantChanged ? (
          <Button onClick={() => onSaveAsTest(view)}>Save as policy test…</Button>
        ) : null}
      </div>
      {view && onSaveAsTest && grantChanged ? (
        <p className="hint">
          A grant changed this result, and policy tests run without grants: untick “Apply active grants” and preview
          again to save it as a policy test.
        </p>
      ) : null}
      {error ? (
        <SectionMessage appearance="error" title="Preview failed">
          <p>{error.message}</p>
        </SectionMessage>
      ) : null}
      {view ? <GrantsApplied view={view} /> : null}
      {view ? (
        <SimulationView result={view.result} policySource={view.policySource} passthrough={view.passthrough} />
      ) : null}
      {onSaveAsTest ? <ReplayPanel call={call} policyText={replayText} /> : null}
    </div>
  );
}
