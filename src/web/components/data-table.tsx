// A table of rows described by typed columns: column headers with their scope, a caption that names
// the table for screen readers (the section's heading already shows it), right-aligned figures, and
// what to say instead of an empty table.
import type { ReactNode } from 'react';

export interface Column<Row> {
  /** Unique within the table. */
  key: string;
  header: ReactNode;
  /** The header is read by screen readers only (a column of buttons). */
  hiddenHeader?: boolean;
  /** Figures: right-aligned, in the header too. */
  numeric?: boolean;
  /** The cells' class, besides `numeric`. */
  className?: string;
  /** The cell's data-testid. */
  testId?: (row: Row) => string;
  cell: (row: Row) => ReactNode;
}

export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  className,
  wrapperClassName = 'table-wrap',
  rowTestId,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** Shown instead of the table when there are no rows; without it, the headers show alone. */
  empty?: ReactNode;
  className?: string;
  wrapperClassName?: string;
  rowTestId?: string;
}) {
  if (rows.length === 0 && empty !== undefined) return <p className="muted">{empty}</p>;
  const classOf = (column: Column<Row>) =>
    [column.numeric ? 'numeric' : '', column.className ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    // A wide table scrolls sideways inside its wrapper: the wrapper is a named region that takes the
    // focus, so the keyboard can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className={wrapperClassName} aria-label={caption} tabIndex={0}>
      <table className={className}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.numeric ? 'numeric' : undefined}>
                {column.hiddenHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-testid={rowTestId}>
              {columns.map((column) => (
                <td key={column.key} className={classOf(column)} data-testid={column.testId?.(row)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
