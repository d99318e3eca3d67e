import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { getCoreRowModel, useReactTable, type ColumnDef, type RowSelectionState } from '@tanstack/react-table';
import { CellEditor } from './CellEditor';
import { ConflictNotice } from './ConflictNotice';
import { FileCell } from './FileCell';
import { displayValue, editorText, isEditable } from './cell-values';
import { focusCell, moveInGrid, type CellPosition } from './grid-keyboard';
import type { Sort, TableRef } from './records-api';
import { isFileColumn, valueAt, type GridColumn, type XataRecord } from './table-columns';
import type { useCellEdits } from './use-cell-edits';
import { useLabelColumns, useLinkLabels } from './use-link-labels';

/** What a grid column is: the row's checkbox, the record id, a data column, or the row's actions. */
type Meta = { kind: 'select' } | { kind: 'id' } | { kind: 'data'; column: GridColumn } | { kind: 'actions' };

/**
 * The records as an ARIA grid (TanStack Table for the model, our own accessible markup):
 * one tab stop, arrow keys between cells, Enter/F2 or a double click edits a cell, sortable
 * headers (aria-sort), row selection, per-row delete, file cells, and conflict notices.
 */
export function RecordGrid({ table, columns, records, sort, sortable, onSort, selection, onSelection, onDelete, edits, onRefreshRecord }: {
  table: TableRef; columns: GridColumn[]; records: XataRecord[]; sort: Sort; sortable: boolean;
  onSort: (sort: Sort) => void; selection: RowSelectionState; onSelection: (s: RowSelectionState) => void;
  onDelete: (ids: string[]) => void; edits: ReturnType<typeof useCellEdits>; onRefreshRecord: (id: string) => void;
}) {
  const defs = useMemo<Array<ColumnDef<XataRecord>>>(() => [
    { id: '__select', meta: { kind: 'select' } satisfies Meta },
    { id: 'id', accessorKey: 'id', meta: { kind: 'id' } satisfies Meta },
    ...columns.map((column): ColumnDef<XataRecord> => ({ id: column.path, accessorFn: (r) => valueAt(r, column.path), meta: { kind: 'data', column } satisfies Meta })),
    { id: '__actions', meta: { kind: 'actions' } satisfies Meta },
  ], [columns]);
  const model = useReactTable({
    data: records, columns: defs, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id,
    manualSorting: true, enableRowSelection: true, state: { rowSelection: selection },
    onRowSelectionChange: (updater) => onSelection(typeof updater === 'function' ? updater(selection) : updater),
  });
  const gridRef = useRef<HTMLTableElement>(null);
  const labelColumns = useLabelColumns(table, columns);
  const linkLabels = useLinkLabels(table, columns, records, labelColumns);
  const [active, setActive] = useState<CellPosition>({ row: 0, col: 1 });
  const rows = model.getRowModel().rows;
  const leaves = model.getVisibleLeafColumns();
  const metaOf = (id: string) => leaves.find((c) => c.id === id)!.columnDef.meta as Meta;

  function go(at: CellPosition) { setActive(at); focusCell(gridRef.current, at); }
  function beginEdit(record: XataRecord, column: GridColumn) {
    if (!isEditable(column)) return;
    edits.start(record, column.path, editorText(column, valueAt(record, column.path)));
  }
  function onGridKey(event: KeyboardEvent<HTMLTableElement>) {
    // Only keys pressed on a cell itself: buttons and inputs inside cells keep their keys.
    const cell = (event.target as HTMLElement).closest('[data-row]') as HTMLElement | null;
    if (!cell || cell !== event.target) return;
    const at = { row: Number(cell.dataset.row), col: Number(cell.dataset.col) };
    const next = moveInGrid(event, at, rows.length + 1, leaves.length);
    if (next) { event.preventDefault(); go(next); return; }
    if (event.key !== 'Enter' && event.key !== 'F2' && event.key !== ' ') return;
    const meta = metaOf(leaves[at.col]!.id);
    if (meta.kind === 'data' && at.row > 0 && isEditable(meta.column)) {
      if (event.key !== ' ') { event.preventDefault(); beginEdit(rows[at.row - 1]!.original, meta.column); }
      return;
    }
    // A cell holding a control (sort, select, delete, a file's actions): Enter or Space uses
    // the one control, or moves into the cell when it holds several.
    const controls = cell.querySelectorAll<HTMLElement>('button, input');
    if (controls.length === 1) { event.preventDefault(); controls[0]!.click(); }
    else if (controls.length > 1) { event.preventDefault(); controls[0]!.focus(); }
  }
  // The tab stop stays in the grid when rows go away (a delete, a live change, another page).
  const stop = { row: Math.min(active.row, rows.length), col: Math.min(active.col, leaves.length - 1) };
  const cellProps = (row: number, col: number) => ({
    'data-row': row, 'data-col': col, tabIndex: stop.row === row && stop.col === col ? 0 : -1,
    onFocus: (e: { target: EventTarget; currentTarget: EventTarget }) => { if (e.target === e.currentTarget) setActive({ row, col }); },
  });

  function header(meta: Meta, col: number): ReactNode {
    const props = { ...cellProps(0, col), role: 'columnheader' as const, scope: 'col' as const };
    if (meta.kind === 'select') {
      return <th key="__select" {...props} className="select-cell">
        <input type="checkbox" aria-label="Select all records on this page" checked={model.getIsAllRowsSelected()}
          ref={(el) => { if (el) el.indeterminate = model.getIsSomeRowsSelected(); }} onChange={model.getToggleAllRowsSelectedHandler()} />
      </th>;
    }
    if (meta.kind === 'actions') return <th key="__actions" {...props}><span className="sr-only">Actions</span></th>;
    const path = meta.kind === 'id' ? 'id' : meta.column.path;
    const direction = sort?.column === path ? sort.direction : undefined;
    const ariaSort = direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none';
    const nextSort: Sort = direction === undefined ? { column: path, direction: 'asc' } : direction === 'asc' ? { column: path, direction: 'desc' } : null;
    const sortableColumn = sortable && (meta.kind === 'id' || !['json', 'vector', 'file', 'file[]', 'multiple'].includes(meta.column.type));
    return (
      <th key={path} {...props} aria-sort={ariaSort}>
        {sortableColumn
          ? <button type="button" className="sort-button" tabIndex={-1} onClick={() => onSort(nextSort)}
              title={direction === undefined ? 'Sort ascending' : direction === 'asc' ? 'Sort descending' : 'Remove sort'}>
              {path}<span aria-hidden="true" className="sort-mark">{direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : ''}</span>
            </button>
          : path}
        {meta.kind === 'data' && <span className="column-type">{meta.column.type}</span>}
      </th>
    );
  }

  function cell(record: XataRecord, meta: Meta, row: number, col: number, selected: boolean, toggle: (e: unknown) => void): ReactNode {
    const props = { ...cellProps(row, col), role: 'gridcell' as const };
    switch (meta.kind) {
      case 'select':
        return <td key="__select" {...props} className="select-cell"><input type="checkbox" tabIndex={-1} aria-label={`Select record ${record.id}`} checked={selected} onChange={toggle} /></td>;
      case 'id':
        return <td key="id" {...props} className="mono id-cell">{record.id}</td>;
      case 'actions':
        return <td key="__actions" {...props}><button type="button" tabIndex={-1} className="link danger-link" aria-label={`Delete record ${record.id}`} onClick={() => onDelete([record.id])}>Delete</button></td>;
      case 'data': {
        const { column } = meta;
        if (isFileColumn(column)) {
          return <td key={column.path} {...props}><FileCell table={table} record={record} column={column} onChanged={() => onRefreshRecord(record.id)} /></td>;
        }
        const editing = edits.editing?.id === record.id && edits.editing.path === column.path;
        const value = valueAt(record, column.path);
        const linkLabel = column.type === 'link' && column.link ? linkLabels[column.link]?.get(displayValue(column, value)) : undefined;
        const shown = displayValue(column, value);
        return (
          <td key={column.path} {...props}
            className={`data-cell type-${column.type.replace('[]', 's')}`} onDoubleClick={() => beginEdit(record, column)}>
            {editing
              ? <CellEditor column={column} label={`${column.path} of ${record.id}`} initial={edits.editing!.initial} error={edits.cellError} busy={edits.saving}
                  link={column.type === 'link' && column.link ? { target: { ...table, table: column.link }, label: labelColumns[column.link] } : undefined}
                  onSave={(text) => void edits.save(column, text).then(() => focusCell(gridRef.current, { row, col }))}
                  onCancel={() => { edits.cancel(); focusCell(gridRef.current, { row, col }); }} />
              : value === null || value === undefined ? <span className="null">null</span>
              : linkLabel !== undefined ? <span className="cell-value" title={`${shown}: ${linkLabel}`}><span className="mono">{shown}</span> <span className="link-label">{linkLabel}</span></span>
              : <span className="cell-value" title={shown}>{shown}</span>}
          </td>
        );
      }
    }
  }

  return (
    <div className="grid-scroll">
      <table role="grid" ref={gridRef} aria-label={`Records of ${table.table}`} aria-rowcount={rows.length + 1} onKeyDown={onGridKey} className="record-grid">
        <thead>
          <tr>{leaves.map((c, col) => header(c.columnDef.meta as Meta, col))}</tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const conflict = edits.conflicts[row.id];
            return [
              <tr key={row.id} aria-selected={row.getIsSelected()} className={conflict ? 'has-conflict' : undefined}>
                {leaves.map((c, col) => cell(row.original, c.columnDef.meta as Meta, i + 1, col, row.getIsSelected(), row.getToggleSelectedHandler()))}
              </tr>,
              conflict && (
                <tr key={`${row.id}-conflict`} className="conflict-row">
                  <td colSpan={leaves.length}>
                    <ConflictNotice conflict={conflict} onReload={() => edits.reload(conflict)} onOverwrite={() => edits.overwrite(conflict)} />
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}
