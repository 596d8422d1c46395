/**
 * A status lozenge with the look and props of Atlaskit's Lozenge (uppercase, bold or subtle), in a
 * span and a few CSS rules: the Atlaskit package brings ~45 KB of script to every tab that shows one.
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
