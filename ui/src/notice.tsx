/**
 * A section message with the look of Atlaskit's SectionMessage (which brings a tooltip and popper
 * stack of ~130 KB): a heading, a body and a coloured edge. A titled one is a region named by its
 * title. The tabs use it through section-message.tsx, which keeps Atlaskit's props.
 */
import type { ReactNode } from 'react';

export function Notice({
  appearance,
  title,
  children,
  testId,
}: {
  appearance: 'information' | 'warning' | 'error' | 'success';
  title?: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <section className={`notice notice-${appearance}`} aria-label={title} data-testid={testId}>
      {title ? <h2 className="notice-title">{title}</h2> : null}
      <div className="notice-body">{children}</div>
    </section>
  );
}

/** A status label with the look of Atlaskit's Lozenge, never truncated. */
export function StatusLabel({
  appearance,
  children,
}: {
  appearance: 'success' | 'removed' | 'default';
  children: ReactNode;
}) {
  return <span className={`status-label status-label-${appearance}`}>{children}</span>;
}
