/**
 * The page's confirmations, each with a readable diff of what will change against the enforced
 * revision: save (with the weakenings and a required reason), rollback (with a recorded override
 * of failing policy tests), import over unsaved changes, environment removal, and the comparison
 * after a stale save. Loaded when the first one opens.
 */
import SectionMessage from '@atlaskit/section-message';
import { useState } from 'react';
import type { ApiError, HistoryEntry, PolicyView } from '../../src/settings/api';
import { weakenings } from '../../src/policy/weakening';
import { ConfirmDialog, ReasonField } from './dialog';
import { TextDiff } from './diff-view';
import type { EditorTools } from './editor-tools-loader';
import type { Call } from './api';
import { SaveReplay } from './save-replay';

export type Pending =
  | { kind: 'save' }
  | { kind: 'rollback'; entry: HistoryEntry; failures?: ApiError }
  | { kind: 'import'; text: string; fileName: string }
  | { kind: 'remove-environment'; index: number; name: string; draft: unknown }
  | { kind: 'compare-current'; revision: number };

export interface DialogsProps {
  readonly pending: Pending;
  readonly tools: EditorTools;
  readonly view: PolicyView;
  readonly draft: unknown;
  /** The draft as YAML text, as it would be saved. */
  readonly yamlText: string;
  /** The draft's base YAML text, for syncing the text of a changed draft. */
  readonly baseText: string | undefined;
  readonly dirty: boolean;
  readonly busy: boolean;
  readonly reason: string;
  setReason(next: string): void;
  readonly override: boolean;
  setOverride(next: boolean): void;
  onSave(): void;
  /** For the Save dialog's replay (save-replay.tsx). */
  readonly call?: Call;
  readonly confirmBlocks?: boolean;
  setConfirmBlocks?(next: boolean): void;
  onRollback(entry: HistoryEntry): void;
  onImport(text: string): void;
  onRemove(draft: unknown): void;
  onLoadCurrent(): void;
  onClose(): void;
}

export default function Dialogs(props: DialogsProps) {
  const { pending, tools, view, yamlText, busy, reason, setReason, onClose } = props;
  const savedText = view.policy === undefined ? '' : (view.policyText ?? tools.toYamlText(view.policy));
  const [needsConfirm, setNeedsConfirm] = useState(false);
  const enforcedLabel = view.revision ? `revision ${view.revision} (enforced)` : 'no policy (pipelines pass through)';

  if (pending.kind === 'save') {
    const weakened = (() => {
      const after = tools.inspect(props.draft).policy;
      return after ? weakenings(tools.inspect(view.policy).policy, after) : [];
    })();
    return (
      <ConfirmDialog
        title={`Save revision ${view.revision + 1}?`}
        confirmLabel={weakened.length ? 'Save with this reason' : `Save revision ${view.revision + 1}`}
        confirmDisabled={busy || (weakened.length > 0 && !reason.trim()) || (needsConfirm && !props.confirmBlocks)}
        danger={weakened.length > 0}
        onConfirm={props.onSave}
        onCancel={onClose}
      >
        {weakened.length ? (
          <SectionMessage appearance="warning" title="This change weakens enforcement">
            <ul data-testid="weakenings">
              {weakened.map((w, i) => (
                <li key={i}>{w.message}</li>
              ))}
            </ul>
          </SectionMessage>
        ) : null}
        {props.call && props.setConfirmBlocks ? <SaveReplay call={props.call} yamlText={yamlText} confirmed={Boolean(props.confirmBlocks)} setConfirmed={props.setConfirmBlocks} onNeedsConfirmation={setNeedsConfirm} /> : null}
        <TextDiff before={savedText} after={yamlText} beforeLabel={enforcedLabel} afterLabel="your draft" testId="save-diff" />
        {weakened.length ? <ReasonField id="save-reason" value={reason} onChange={setReason} /> : null}
      </ConfirmDialog>
    );
  }

  if (pending.kind === 'rollback')
    return (
      <ConfirmDialog
        title={`Roll back to revision ${pending.entry.revision}?`}
        confirmLabel={pending.failures ? 'Override the failing tests and roll back' : `Roll back to revision ${pending.entry.revision}`}
        confirmDisabled={busy || (pending.failures !== undefined && (!props.override || !reason.trim()))}
        danger={pending.failures !== undefined}
        onConfirm={() => props.onRollback(pending.entry)}
        onCancel={onClose}
      >
        <p>
          Revision {pending.entry.revision}’s policy is saved again as revision {view.revision + 1}.{props.dirty ? ' This replaces the editor’s unsaved changes.' : ''}
        </p>
        {pending.failures ? (
          <SectionMessage appearance="error" title="Policy tests fail on this revision">
            <p>{pending.failures.message}</p>
            <div className="field field-check">
              <input id="rollback-override" type="checkbox" checked={props.override} onChange={(e) => props.setOverride(e.target.checked)} />{' '}
              <label htmlFor="rollback-override">Roll back anyway: override the failing tests (recorded with the revision)</label>
            </div>
            <ReasonField id="rollback-reason" value={reason} onChange={setReason} />
          </SectionMessage>
        ) : null}
        <TextDiff
          before={savedText}
          after={pending.entry.policyText ?? tools.toYamlText(pending.entry.policy)}
          beforeLabel={enforcedLabel}
          afterLabel={`revision ${pending.entry.revision}`}
          testId="rollback-diff"
        />
      </ConfirmDialog>
    );

  if (pending.kind === 'import')
    return (
      <ConfirmDialog title={`Replace your unsaved changes with ${pending.fileName}?`} confirmLabel="Replace with the file" danger onConfirm={() => props.onImport(pending.text)} onCancel={onClose}>
        <p>The editor has changes that are not saved. Importing the file replaces them.</p>
        <TextDiff before={yamlText} after={pending.text} beforeLabel="your unsaved draft" afterLabel={pending.fileName} testId="import-diff" />
      </ConfirmDialog>
    );

  if (pending.kind === 'remove-environment')
    return (
      <ConfirmDialog title={`Remove environment ${pending.name}?`} confirmLabel={`Remove ${pending.name}`} danger onConfirm={() => props.onRemove(pending.draft)} onCancel={onClose}>
        <p>The environment leaves the draft; nothing is saved until you save the policy.</p>
        <TextDiff before={savedText} after={tools.syncYamlText(props.baseText, pending.draft)} beforeLabel={enforcedLabel} afterLabel="the draft without it" testId="remove-diff" />
      </ConfirmDialog>
    );

  return (
    <ConfirmDialog title={`Your changes and revision ${pending.revision}`} confirmLabel={`Load revision ${pending.revision}`} cancelLabel="Keep my changes in the editor" onConfirm={props.onLoadCurrent} onCancel={onClose}>
      <p>Loading revision {pending.revision} puts your changes aside; you can put them back in the editor afterwards.</p>
      <TextDiff before={savedText} after={yamlText} beforeLabel={`revision ${pending.revision}`} afterLabel="your changes" testId="stale-diff" />
    </ConfirmDialog>
  );
}
