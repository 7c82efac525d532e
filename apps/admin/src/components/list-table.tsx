import type { ReactNode } from 'react';
import { Paper, Table, TableScrollContainer, TableTbody, TableTh, TableThead, TableTr } from '@mantine/core';

/** Every console table's frame: bordered, and scrolling sideways below `minWidth` instead of squeezing its columns. */
export function TableFrame({ minWidth, children }: { minWidth: number; children: ReactNode }) {
  return (
    <Paper withBorder>
      <TableScrollContainer minWidth={minWidth}>{children}</TableScrollContainer>
    </Paper>
  );
}

/** A column heading; figures are aligned right. A column of buttons has an empty label. */
export interface ListColumn {
  label: string;
  numeric?: boolean;
}

/**
 * A server-rendered table of rows in the server's order (the lists of keys, teams and models): the
 * caller renders its rows; sortable tables of figures use DataTable instead.
 */
export function ListTable({ columns, minWidth, highlightOnHover = true, children }: { columns: ListColumn[]; minWidth: number; highlightOnHover?: boolean; children: ReactNode }) {
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover={highlightOnHover} verticalSpacing="xs">
        <TableThead>
          <TableTr>
            {columns.map((column, index) => (
              <TableTh key={column.label || index} ta={column.numeric ? 'right' : undefined}>
                {column.label || null}
              </TableTh>
            ))}
          </TableTr>
        </TableThead>
        <TableTbody>{children}</TableTbody>
      </Table>
    </TableFrame>
  );
}
