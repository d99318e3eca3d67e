import { data } from '../api/http';
import { loadSchema, tablePath, type TableRef } from './records-api';
import { leafColumns, valueAt, type XataRecord } from './table-columns';

/**
 * The records a link column points at, as the grid shows and picks them: each by its id and
 * its table's first text column (its "label", the one a person reads: a name, a title).
 */
export interface LinkedRecord { id: string; label?: string }

const LABEL_TYPES = new Set(['string', 'text', 'email']);

/** The linked table's first text column (a dotted path inside an object column), if it has one. */
export async function labelColumnOf(t: TableRef, signal?: AbortSignal): Promise<string | undefined> {
  const { columns } = await loadSchema(t, signal);
  return leafColumns(columns).find((c) => LABEL_TYPES.has(c.type))?.path;
}

const asLinked = (record: XataRecord, label: string | undefined): LinkedRecord => {
  const value = label ? valueAt(record, label) : undefined;
  return { id: record.id, label: value === null || value === undefined ? undefined : String(value) };
};

/** Up to `size` records whose id or label contains `text` (any case); the first ones when it is empty. */
export async function searchLinked(t: TableRef, label: string | undefined, text: string, size: number, signal?: AbortSignal): Promise<LinkedRecord[]> {
  const q = text.trim();
  const matches = [{ id: { $iContains: q } }, ...(label ? [{ [label]: { $iContains: q } }] : [])];
  const body = { columns: label ? ['id', label] : ['id'], ...(q ? { filter: { $any: matches } } : {}), page: { size } };
  const answer = await data<{ records: XataRecord[] }>('POST', `${tablePath(t)}/query`, body, { signal });
  return answer.records.map((r) => asLinked(r, label));
}

/** The labels of these records (one query; ids not found are left out). */
export async function labelsOf(t: TableRef, label: string, ids: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const body = { columns: ['id', label], filter: { id: { $any: ids } }, page: { size: Math.min(ids.length, 1000) } };
  const answer = await data<{ records: XataRecord[] }>('POST', `${tablePath(t)}/query`, body, { signal });
  return new Map(answer.records.flatMap((r) => { const l = asLinked(r, label).label; return l === undefined ? [] : [[r.id, l] as const]; }));
}
