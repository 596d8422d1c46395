/**
 * The page's confirmations, each with a readable diff of what will change against the enforced
 * revision: save (with the weakenings, the policy tests run while it is open, another revision's
 * changes it replaces, and a required reason), rollback (with its weakenings and a recorded
 * override of failing policy tests), import over unsaved changes, and environment removal.
 * Loaded when the first one opens.
 */
import SectionMessage from './section-message';
import { useState } from 'react';
import { SaveReplay } from './save-replay';
import type { ApiError, HistoryEntry, PolicyView } from '../../src/settings/api';
import { weakenings, type Weakening } from '../../src/policy/weakening';
import type { Call } from './api';
import { ConfirmDialog, ReasonField } from './dialog';
import { TextDiff } from './diff-view';
import type { EditorTools } from './editor-tools-loader';
import { PolicyTestsCheck, usePolicyTestRun } from './policy-tests-check';
import type { Replacing } from './use-saving';

export type Pending =
  | { kind: 'save' }
  | { kind: 'rollback'; entry: HistoryEntry; failures?: ApiError }
  | { kind: 'import'; text: string; fileName: string }
  | { kind: 'remove-environment'; index: number; name: string; draft: unknown };

export interface DialogsProps {
  readonly pending: Pending;
  readonly call: Call;
  readonly tools: EditorTools;
  readonly view: PolicyView;
  readonly draft: unknown;
  /** The draft as YAML text, as it would be saved. */
  readonly yamlText: string;
  /** The draft's base YAML text, for syncing the text of a changed draft. */
  readonly baseText: string | undefined;
  /** Another revision's changes this draft replaces, chosen in the merge dialog. */
  readonly replacing?: Replacing;
  /** The Save dialog's replay (save-replay.tsx): the admin confirmed the runs the draft newly blocks. */
  readonly confirmBlocks: boolean;
  setConfirmBlocks(next: boolean): void;
  readonly dirty: boolean;
  readonly busy: boolean;
  readonly reason: string;
  setReason(next: string): void;
  readonly override: boolean;
  setOverride(next: boolean): void;
  onSave(): void;
  onRollback(entry: HistoryEntry): void;
  onImport(text: string): void;
  onRemove(draft: unknown): void;
  onClose(): void;
}

/** What going from the enforced policy to `next` weakens; nothing when either is not a valid policy. */
function weakeningsTo(tools: EditorTools, view: PolicyView, next: unknown): Weakening[] {
  const after = tools.inspect(next).policy;
  return after ? weakenings(tools.inspect(view.policy).policy, after) : [];
}

function WeakeningList({ found }: { found: Weakening[] }) {
  if (found.length === 0) return null;
  return (
    <SectionMessage appearance="warning" title="This change weakens enforcement">
      <ul data-testid="weakenings">
        {found.map((w, i) => (
          <li key={i}>{w.message}</li>
        ))}
      </ul>
    </SectionMessage>
  );
}

function ReplacingNotice({
  replacing,
  acknowledged,
  onAcknowledge,
}: {
  replacing: Replacing;
  acknowledged: boolean;
  onAcknowledge: (next: boolean) => void;
}) {
  return (
    <SectionMessage appearance="warning" title={`This save replaces changes saved in revision ${replacing.revision}`}>
      <ul data-testid="replacing">
        {replacing.fields.map((field) => (
          <li key={field}>{field}</li>
        ))}
      </ul>
      <div className="field field-check">
        <input
          id="save-replace"
          type="checkbox"
          checked={acknowledged}
          onChange={(e) => onAcknowledge(e.target.checked)}
        />{' '}
        <label htmlFor="save-replace">Replace their changes to these fields with mine (recorded in History)</label>
      </div>
    </SectionMessage>
  );
}

function enforcedText(tools: EditorTools, view: PolicyView) {
  return view.policy === undefined ? '' : (view.policyText ?? tools.toYamlText(view.policy));
}

const enforcedLabel = (view: PolicyView) =>
  view.revision ? `revision ${view.revision} (enforced)` : 'no policy (pipelines pass through)';

function SaveDialog(props: DialogsProps) {
  const { call, tools, view, yamlText, busy, reason, setReason, replacing } = props;
  const [acknowledged, setAcknowledged] = useState(false);
  const [needsConfirm, setNeedsConfirm] = useState(false);
  const run = usePolicyTestRun(call, yamlText);
  const weakened = weakeningsTo(tools, view, props.draft);
  const failing = run.state === 'done' && run.outcomes.some((outcome) => !outcome.passed);
  const needsReason = weakened.length > 0 || replacing !== undefined;
  return (
    <ConfirmDialog
      title={`Save revision ${view.revision + 1}?`}
      confirmLabel={needsReason ? 'Save with this reason' : `Save revision ${view.revision + 1}`}
      confirmDisabled={
        busy ||
        failing ||
        (needsReason && !reason.trim()) ||
        (replacing !== undefined && !acknowledged) ||
        (needsConfirm && !props.confirmBlocks)
      }
      danger={needsReason}
      onConfirm={props.onSave}
      onCancel={props.onClose}
    >
      <PolicyTestsCheck run={run} />
      {replacing ? (
        <ReplacingNotice replacing={replacing} acknowledged={acknowledged} onAcknowledge={setAcknowledged} />
      ) : null}
      <WeakeningList found={weakened} />
      <SaveReplay
        call={call}
        yamlText={yamlText}
        confirmed={props.confirmBlocks}
        setConfirmed={props.setConfirmBlocks}
        onNeedsConfirmation={setNeedsConfirm}
      />
      <TextDiff
        before={enforcedText(tools, view)}
        after={yamlText}
        beforeLabel={enforcedLabel(view)}
        afterLabel="your draft"
        testId="save-diff"
      />
      {needsReason ? <ReasonField id="save-reason" value={reason} onChange={setReason} /> : null}
    </ConfirmDialog>
  );
}

function RollbackDialog(props: DialogsProps & { pending: Extract<Pending, { kind: 'rollback' }> }) {
  const { pending, tools, view, busy, reason, setReason } = props;
  const weakened = weakeningsTo(tools, view, pending.entry.policy);
  const needsReason = weakened.length > 0 || pending.failures !== undefined;
  const blocked = busy || (needsReason && !reason.trim()) || (pending.failures !== undefined && !props.override);
  return (
    <ConfirmDialog
      title={`Roll back to revision ${pending.entry.revision}?`}
      confirmLabel={
        pending.failures
          ? 'Override the failing tests and roll back'
          : needsReason
            ? 'Roll back with this reason'
            : `Roll back to revision ${pending.entry.revision}`
      }
      confirmDisabled={blocked}
      danger={needsReason}
      onConfirm={() => props.onRollback(pending.entry)}
      onCancel={props.onClose}
    >
      <p>
        Revision {pending.entry.revision}’s policy is saved again as revision {view.revision + 1}.
        {props.dirty ? ' This replaces the editor’s unsaved changes.' : ''}
      </p>
      <WeakeningList found={weakened} />
      {pending.failures ? (
        <SectionMessage appearance="error" title="Policy tests fail on this revision">
          <p>{pending.failures.message}</p>
          <div className="field field-check">
            <input
              id="rollback-override"
              type="checkbox"
              checked={props.override}
              onChange={(e) => props.setOverride(e.target.checked)}
            />{' '}
            <label htmlFor="rollback-override">
              Roll back anyway: override the failing tests (recorded with the revision)
            </label>
          </div>
        </SectionMessage>
      ) : null}
      {needsReason ? <ReasonField id="rollback-reason" value={reason} onChange={setReason} /> : null}
      <TextDiff
        before={enforcedText(tools, view)}
        after={pending.entry.policyText ?? tools.toYamlText(pending.entry.policy)}
        beforeLabel={enforcedLabel(view)}
        afterLabel={`revision ${pending.entry.revision}`}
        testId="rollback-diff"
      />
    </ConfirmDialog>
  );
}

export default function Dialogs(props: DialogsProps) {
  const { pending, tools, view, yamlText, onClose } = props;
  if (pending.kind === 'save') return <SaveDialog {...props} />;
  if (pending.kind === 'rollback') return <RollbackDialog {...props} pending={pending} />;
  if (pending.kind === 'import') {
    const imported = tools.parsePolicyDraft(pending.text, undefined).draft;
    return (
      <ConfirmDialog
        title={`Replace your unsaved changes with ${pending.fileName}?`}
        confirmLabel="Replace with the file"
        danger
        onConfirm={() => props.onImport(pending.text)}
        onCancel={onClose}
      >
        <p>The editor has changes that are not saved. Importing the file replaces them.</p>
        <WeakeningList found={weakeningsTo(tools, view, imported)} />
        <TextDiff
          before={yamlText}
          after={pending.text}
          beforeLabel="your unsaved draft"
          afterLabel={pending.fileName}
          testId="import-diff"
        />
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={`Remove environment ${pending.name}?`}
      confirmLabel={`Remove ${pending.name}`}
      danger
      onConfirm={() => props.onRemove(pending.draft)}
      onCancel={onClose}
    >
      <p>The environment leaves the draft; nothing is saved until you save the policy.</p>
      <WeakeningList found={weakeningsTo(tools, view, pending.draft)} />
      <TextDiff
        before={enforcedText(tools, view)}
        after={tools.syncYamlText(props.baseText, pending.draft)}
        beforeLabel={enforcedLabel(view)}
        afterLabel="the draft without it"
        testId="remove-diff"
      />
    </ConfirmDialog>
  );
}
