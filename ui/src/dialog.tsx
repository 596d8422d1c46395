/**
 * A confirmation in a native modal <dialog>: the browser traps focus, Escape cancels, and the rest
 * of the page is inert while it is open. No dependency, and no inline styles under Forge's CSP.
 */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly confirmDisabled?: boolean;
  readonly danger?: boolean;
  readonly cancelLabel?: string;
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  confirmDisabled,
  danger,
  cancelLabel = 'Cancel',
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <div className="stack">
        <Heading size="medium" as="h2" id={titleId}>
          {title}
        </Heading>
        {children}
        <div className="toolbar toolbar-end">
          <Button onClick={onCancel}>{cancelLabel}</Button>
          <Button appearance={danger ? 'danger' : 'primary'} isDisabled={confirmDisabled} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}

/** A required short reason, recorded with the revision. */
export function ReasonField({
  id,
  value,
  onChange,
  label,
}: {
  id: string;
  value: string;
  onChange: (next: string) => void;
  label?: string;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label ?? 'Reason (required, recorded with the revision)'}
      </label>
      <textarea
        id={id}
        className="native-textarea"
        value={value}
        maxLength={500}
        rows={2}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
