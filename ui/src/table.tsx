/**
 * A data table with the props the page uses from Atlaskit's DynamicTable (caption, head, rows,
 * emptyView, isLoading) and its look, in plain table markup: the Atlaskit package and the emotion
 * runtime it brings weigh ~80 KB of script on every tab with a table. No sorting, paging or ranking.
 */
import type { ReactElement, ReactNode } from 'react';
import './table.css';

interface HeadCell {
  readonly key: string | number;
  readonly content: ReactNode;
  /** Share of the table's width, in per cent. */
  readonly width?: number;
}

interface RowCell {
  readonly key: string | number;
  readonly content: ReactNode;
}

interface Row {
  readonly key: string;
  readonly cells: readonly RowCell[];
}

export default function DynamicTable({
  caption,
  head,
  rows = [],
  emptyView,
  isLoading = false,
}: {
  caption?: ReactNode;
  head?: { readonly cells: readonly HeadCell[] };
  rows?: readonly Row[];
  emptyView?: ReactElement;
  isLoading?: boolean;
}) {
  return (
    <div className="data-table-wrap">
      <table className="data-table" aria-busy={isLoading || undefined}>
        {caption ? <caption>{caption}</caption> : null}
        {head ? (
          <thead>
            <tr>
              {head.cells.map((cell) => (
                <th key={cell.key} scope="col" style={cell.width ? { width: `${cell.width}%` } : undefined}>
                  {cell.content}
                </th>
              ))}
            </tr>
          </thead>
        ) : null}
        {rows.length ? (
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell) => (
                  <td key={cell.key}>{cell.content}</td>
                ))}
              </tr>
            ))}
          </tbody>
        ) : null}
      </table>
      {rows.length || isLoading || !emptyView ? null : <div className="data-table-empty">{emptyView}</div>}
    </div>
  );
}
