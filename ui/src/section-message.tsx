/** Atlaskit's SectionMessage props (appearance, title, children) on the page's own Notice. */
import type { ReactNode } from 'react';
import { Notice } from './notice';

export default function SectionMessage({
  appearance = 'information',
  title,
  children,
}: {
  appearance?: 'information' | 'warning' | 'error' | 'success';
  title?: string;
  children?: ReactNode;
}) {
  return (
    <Notice appearance={appearance} title={title}>
      {children}
    </Notice>
  );
}
