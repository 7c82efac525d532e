'use client';

import { useState } from 'react';
import { Table, TableTbody, TableTd, TableTh, TableThead, TableTr, UnstyledButton } from '@mantine/core';
import { TableFrame } from '@/components/list-table.tsx';
import { createSortedRowModel, rowSortingFeature, tableFeatures, useTable, type ColumnDef, type RowData, type SortingState } from '@tanstack/react-table';

export const sortableFeatures = tableFeatures({ rowSortingFeature, sortedRowModel: createSortedRowModel() });
export type SortableFeatures = typeof sortableFeatures;
export type AnalyticsColumn<T extends RowData> = ColumnDef<SortableFeatures, T, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- columns of mixed value types

export interface DataTableProps<T extends RowData> {
  data: T[];
  columns: AnalyticsColumn<T>[];
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** Names the table for screen readers. */
  label: string;
  /** Client-side sorting by a header click; off for tables whose order is the server's (the request log). */
  sortable?: boolean;
  testId?: string;
  /** Columns aligned right (figures). */
  numeric?: string[];
  /** Smaller type for wide tables (the request log's twelve columns). */
  fontSize?: 'xs' | 'sm';
}

/** A Mantine table driven by TanStack Table: sortable headers are real buttons, so the keyboard sorts too. */
export function DataTable<T extends RowData>({ data, columns, minWidth, label, sortable = false, testId, numeric = [], fontSize = 'sm' }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useTable({ features: sortableFeatures, columns, data, state: { sorting }, onSortingChange: setSorting, enableSorting: sortable });
  const right = new Set(numeric);
  return (
    <TableFrame minWidth={minWidth}>
      <Table striped highlightOnHover verticalSpacing="xs" fz={fontSize} aria-label={label} data-testid={testId}>
        <TableThead>
          {table.getHeaderGroups().map((group) => (
            <TableTr key={group.id}>
              {group.headers.map((header) => {
                const direction = header.column.getIsSorted();
                const align = right.has(header.column.id) ? 'right' : undefined;
                return (
                  <TableTh key={header.id} ta={align} aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined} style={{ whiteSpace: 'nowrap' }}>
                    {header.isPlaceholder ? null : header.column.getCanSort() ? (
                      <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={700} fz={fontSize} title="Sort">
                        <table.FlexRender header={header} />
                        {direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''}
                      </UnstyledButton>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </TableTh>
                );
              })}
            </TableTr>
          ))}
        </TableThead>
        <TableTbody>
          {table.getRowModel().rows.map((row) => (
            <TableTr key={row.id}>
              {row.getAllCells().map((cell) => (
                <TableTd key={cell.id} ta={right.has(cell.column.id) ? 'right' : undefined} style={{ whiteSpace: 'nowrap' }}>
                  <table.FlexRender cell={cell} />
                </TableTd>
              ))}
            </TableTr>
          ))}
        </TableTbody>
      </Table>
    </TableFrame>
  );
}
