/**
 * A section message for the first view: the look of Atlaskit's SectionMessage (which brings a
 * tooltip and popper stack of ~130 KB) in a heading, a body and a coloured edge. The lazy tabs
 * keep using SectionMessage itself.
 */
import type { ReactNode } from 'react';

export function Notice({
  appearance,
  title,
  children,
  testId,
}: {
  appearance: 'information' | 'warning' | 'error' | 'success';
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <section className={`notice notice-${appearance}`} aria-label={title} data-testid={testId}>
      <h2 className="notice-title">{title}</h2>
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
