/**
 * The fields two admins both changed, one at a time: "your edits" and "their edits" side by side
 * with what the field was before either, and a choice per field. Their value is chosen until the
 * admin picks theirs or mine for every field; keeping one of yours replaces their change, which
 * the Save dialog then asks to confirm and History records.
 */
import { useState } from 'react';
import { ConfirmDialog } from './dialog';
import { describeValue, type Side } from './merge';
import type { MergeInProgress } from './use-saving';

function ConflictRow({
  index,
  label,
  base,
  theirs,
  mine,
  revision,
  choice,
  onChoose,
}: {
  index: number;
  label: string;
  base: unknown;
  theirs: unknown;
  mine: unknown;
  revision: number;
  choice: Side | undefined;
  onChoose: (side: Side) => void;
}) {
  const name = `merge-choice-${index}`;
  return (
    <fieldset className="merge-conflict" data-testid="merge-conflict">
      <legend>{label}</legend>
      <p className="hint">Before either change: {describeValue(base)}</p>
      <div className="merge-sides">
        <label className="merge-side">
          <input type="radio" name={name} checked={choice === 'theirs'} onChange={() => onChoose('theirs')} />
          <span>
            <strong>Their edits</strong> (revision {revision}): <code>{describeValue(theirs)}</code>
          </span>
        </label>
        <label className="merge-side">
          <input type="radio" name={name} checked={choice === 'mine'} onChange={() => onChoose('mine')} />
          <span>
            <strong>Your edits</strong>: <code>{describeValue(mine)}</code> (replaces their change)
          </span>
        </label>
      </div>
    </fieldset>
  );
}

export default function MergeDialog({
  merging,
  onApply,
  onCancel,
}: {
  merging: MergeInProgress;
  onApply: (choices: ReadonlyMap<string, Side>) => void;
  onCancel: () => void;
}) {
  const [choices, setChoices] = useState<ReadonlyMap<string, Side>>(new Map());
  const open = merging.conflicts.filter((conflict) => !choices.has(conflict.key)).length;
  const fields = merging.conflicts.length === 1 ? 'a field' : `${merging.conflicts.length} fields`;
  return (
    <ConfirmDialog
      title={`You and revision ${merging.revision} both changed ${fields}`}
      confirmLabel="Apply to the draft"
      confirmDisabled={open > 0}
      onConfirm={() => onApply(choices)}
      onCancel={onCancel}
      cancelLabel="Decide later"
    >
      <p>
        Everything else is merged already. For each field, keep their value or yours. Nothing is saved until you save
        the policy; until you choose, the draft keeps their value.
      </p>
      {merging.conflicts.map((conflict, index) => (
        <ConflictRow
          key={conflict.key}
          index={index}
          label={conflict.label}
          base={conflict.base}
          theirs={conflict.theirs}
          mine={conflict.mine}
          revision={merging.revision}
          choice={choices.get(conflict.key)}
          onChoose={(side) => setChoices((current) => new Map(current).set(conflict.key, side))}
        />
      ))}
      <p className="hint" aria-live="polite">
        {open ? `${open} field${open === 1 ? '' : 's'} still to choose.` : 'Every field is chosen.'}
      </p>
    </ConfirmDialog>
  );
}
