import { useEffect, useState } from 'react';
import { labelColumnOf, labelsOf } from './link-records';
import type { TableRef } from './records-api';
import { valueAt, type GridColumn, type XataRecord } from './table-columns';

/** Linked table → its label column (undefined: it has no text column). */
export type LabelColumns = Record<string, string | undefined>;

/** Each linked table's label column, loaded once per table of the grid. */
export function useLabelColumns(table: TableRef, columns: GridColumn[]): LabelColumns {
  const [found, setFound] = useState<LabelColumns>({});
  const linked = [...new Set(columns.flatMap((c) => (c.type === 'link' && c.link ? [c.link] : [])))].sort();
  const key = `${table.ws}:${table.branch}/${linked.join(',')}`;
  useEffect(() => {
    const abort = new AbortController();
    void Promise.all(linked.map(async (name) => [name, await labelColumnOf({ ...table, table: name }, abort.signal).catch(() => undefined)] as const))
      .then((pairs) => { if (!abort.signal.aborted) setFound(Object.fromEntries(pairs)); });
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return found;
}

/**
 * The labels of the records the visible rows link to: linked table → id → label. One query
 * per linked table, again when the linked ids change (an edit, another page). A label that
 * cannot be loaded is left out: the cell still shows the id.
 */
export function useLinkLabels(table: TableRef, columns: GridColumn[], records: XataRecord[], labelColumns: LabelColumns): Record<string, Map<string, string>> {
  const [labels, setLabels] = useState<Record<string, Map<string, string>>>({});
  const wanted: Record<string, string[]> = {};
  for (const column of columns) {
    if (column.type !== 'link' || !column.link || !labelColumns[column.link]) continue;
    const ids = records.map((r) => (valueAt(r, column.path) as { id?: string } | null | undefined)?.id).filter((id): id is string => !!id);
    wanted[column.link] = [...new Set([...(wanted[column.link] ?? []), ...ids])].sort();
  }
  const key = JSON.stringify([table.ws, table.branch, labelColumns, wanted]);
  useEffect(() => {
    const abort = new AbortController();
    const entries = Object.entries(wanted).filter(([, ids]) => ids.length > 0);
    void Promise.all(entries.map(async ([name, ids]) => [name, await labelsOf({ ...table, table: name }, labelColumns[name]!, ids, abort.signal).catch(() => new Map<string, string>())] as const))
      .then((pairs) => { if (!abort.signal.aborted) setLabels(Object.fromEntries(pairs)); });
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return labels;
}
