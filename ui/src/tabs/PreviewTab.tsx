/** Paste a pipeline, pick a ref, and see exactly what the simulator (and so the provider) would do. */
import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import { useState } from 'react';
import type { ApiError, PreviewView } from '../../../src/settings/api';
import type { BitbucketRepository } from '../../../src/settings/bitbucket-rest';
import type { Call } from '../api';
import type { PreviewState } from '../preview-state';
import { identityOf, RepositorySelect } from '../repository-select';
import { SimulationView } from '../result';
import { TargetPicker, toTarget } from '../target';

export function PreviewTab({ call, draft, draftUsable, state, setState, onSaveAsTest }: {
  call: Call;
  draft: unknown;
  /** The editor holds valid unsaved changes. */
  draftUsable: boolean;
  state: PreviewState;
  setState: (next: PreviewState) => void;
  onSaveAsTest?: (view: PreviewView) => void;
}) {
  const [useDraft, setUseDraft] = useState(true);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<PreviewView>();
  const [error, setError] = useState<ApiError>();
  const [repository, setRepository] = useState<BitbucketRepository>();

  const run = async () => {
    setBusy(true);
    const result = await call<PreviewView>('preview', { yaml: state.yaml, target: toTarget(state.target), ...(repository ? { repository: identityOf(repository) } : {}), ...(draftUsable && useDraft ? { policy: draft } : {}) });
    setBusy(false);
    if (result.ok) {
      setView(result);
      setError(undefined);
    } else {
      setView(undefined);
      setError(result.error);
    }
  };

  return (
    <div className="stack">
      <p className="lead">Preview runs the provider’s own engine on a pipeline, the same way the simulator CLI does. Nothing is saved and no pipeline runs.</p>
      <label className="field-label" htmlFor="preview-yaml">
        bitbucket-pipelines.yml
      </label>
      <TextArea id="preview-yaml" value={state.yaml} isMonospaced minimumRows={14} resize="vertical" onChange={(e) => setState({ ...state, yaml: e.target.value })} />
      <TargetPicker idPrefix="preview-target" value={state.target} onChange={(target) => setState({ ...state, target })} />
      <div className="grid">
        <RepositorySelect id="preview-repository" label="Repository" value={repository?.uuid ?? ''} onChange={setRepository} emptyLabel="A repository no scope includes" help="Scoped environments serve only the repositories they name." />
      </div>
      {draftUsable ? <Checkbox label="Use the unsaved policy from the editor" isChecked={useDraft} onChange={(e) => setUseDraft(e.target.checked)} /> : null}
      <div className="toolbar">
        <Button appearance="primary" onClick={run} isDisabled={busy}>
          {busy ? 'Previewing…' : 'Preview'}
        </Button>
        {view && onSaveAsTest ? <Button onClick={() => onSaveAsTest(view)}>Save as policy test…</Button> : null}
      </div>
      {error ? (
        <SectionMessage appearance="error" title="Preview failed">
          <p>{error.message}</p>
        </SectionMessage>
      ) : null}
      {view ? <SimulationView result={view.result} policySource={view.policySource} passthrough={view.passthrough} /> : null}
    </div>
  );
}
