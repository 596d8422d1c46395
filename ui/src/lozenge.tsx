/**
 * A status lozenge with the props of Atlaskit's Lozenge and the look it has here (lower case, subtle,
 * or bold), in a span and a few CSS rules: the package brings ~45 KB of script to every tab that shows one.
 */
import type { ReactNode } from 'react';
import './lozenge.css';

export type LozengeAppearance = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';

export default function Lozenge({
  appearance = 'default',
  isBold = false,
  children,
}: {
  appearance?: LozengeAppearance;
  isBold?: boolean;
  children: ReactNode;
}) {
  return <span className={`lozenge lozenge-${appearance}${isBold ? ' lozenge-bold' : ''}`}>{children}</span>;
}
