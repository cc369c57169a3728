// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type Column, DataTable } from './data-table.tsx';

afterEach(cleanup);

interface Row {
  id: string;
  name: string;
  cost: number;
}

const columns: Column<Row>[] = [
  { key: 'name', header: 'Name', cell: (row) => row.name },
  {
    key: 'cost',
    header: 'Cost',
    numeric: true,
    className: 'strong',
    testId: (row) => `cost-${row.id}`,
    cell: (row) => `$${row.cost}`,
  },
  {
    key: 'actions',
    header: 'Actions',
    hiddenHeader: true,
    cell: (row) => <button type="button">Revoke {row.name}</button>,
  },
];

describe('DataTable', () => {
  it('names the table, heads each column and fills a row per item, in order', () => {
    render(
      <DataTable
        caption="Costs by user"
        columns={columns}
        rows={[
          { id: 'a', name: 'Ada', cost: 3 },
          { id: 'b', name: 'Bob', cost: 1 },
        ]}
        rowKey={(row) => row.id}
        rowTestId="cost-row"
        className="usage-table"
      />,
    );
    const table = screen.getByRole('table', { name: 'Costs by user' });
    expect(table.className).toBe('usage-table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Name', 'Cost', 'Actions']);
    expect(within(table).getByRole('columnheader', { name: 'Cost' }).className).toBe('numeric');
    expect(
      within(table).getByRole('columnheader', { name: 'Actions' }).querySelector('.visually-hidden'),
    ).not.toBeNull();
    expect(screen.getAllByTestId('cost-row').map((row) => row.textContent)).toEqual([
      'Ada$3Revoke Ada',
      'Bob$1Revoke Bob',
    ]);
    expect(screen.getByTestId('cost-b').className).toBe('numeric strong');
  });

  it('says what it was given instead of an empty table', () => {
    render(
      <DataTable caption="Tokens" columns={columns} rows={[]} rowKey={(row) => row.id} empty="No access tokens." />,
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('No access tokens.').className).toBe('muted');
  });

  it('keeps its headers when empty and given nothing to say', () => {
    render(<DataTable caption="Tokens" columns={columns} rows={[]} rowKey={(row) => row.id} />);
    expect(screen.getAllByRole('row')).toHaveLength(1);
  });
});
