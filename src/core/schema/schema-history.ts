import { createHash } from 'node:crypto';
import { xataView, type ColumnDefinition } from '../../kernel/model/column-types.js';
import { StrataError } from '../../kernel/errors.js';
import type { MigrationRow } from '../ports/storage.js';
import type { MigrationOp } from './migration-ops.js';

/** One entry of Xata's schema history (`Commit`). */
export interface Commit { id: string; parentID?: string; checksum: string; createdAt: string; operations: MigrationOp[] }
export interface HistoryRequest { since?: string; page?: { after?: string; before?: string; size?: number } }
export interface HistoryPage { meta: { cursor: string; more: boolean }; logs: Commit[] }

export const HISTORY_PAGE_DEFAULT = 20;
export const HISTORY_PAGE_MAX = 1000;

/** The six operations Xata's clients know; Strata's own `alterColumn` is left out (the CLI refuses files holding it). */
const XATA_OPS = new Set(['addTable', 'removeTable', 'renameTable', 'addColumn', 'removeColumn', 'renameColumn']);

/**
 * A branch's migration log as Xata's schema history: newest first, paged by migration id.
 * `since` keeps only the migrations after that one; `page.after` continues after a cursor
 * (older entries), `page.before` gives the entries newer than it.
 */
export function historyPage(migrations: MigrationRow[], request: HistoryRequest): HistoryPage {
  let logs = migrations.map(toCommit).reverse();
  const positionOf = (id: string, what: string) => {
    const index = logs.findIndex((c) => c.id === id);
    if (index < 0) throw new StrataError('NOT_FOUND', `${what}: migration [${id}] not found in this branch`);
    return index;
  };
  if (request.since) logs = logs.slice(0, positionOf(request.since, 'since'));
  if (request.page?.after) logs = logs.slice(positionOf(request.page.after, 'page.after') + 1);
  if (request.page?.before) logs = logs.slice(0, positionOf(request.page.before, 'page.before'));
  const size = request.page?.size ?? HISTORY_PAGE_DEFAULT;
  const page = logs.slice(0, size);
  return { meta: { cursor: page[page.length - 1]?.id ?? '', more: logs.length > page.length }, logs: page };
}

/**
 * A stored migration as a Commit. Column definitions are shown as the data API shows them
 * (no Xano metadata); the checksum is a digest of parent and operations, stable across calls
 * (Xata's own algorithm is not public, and its clients never check it).
 */
export function toCommit(row: MigrationRow): Commit {
  const operations = (row.operations as MigrationOp[]).filter((op) => XATA_OPS.has(Object.keys(op)[0] ?? '')).map(xataOperation);
  const checksum = createHash('sha256').update(JSON.stringify({ parentID: row.parentId, operations })).digest('hex');
  return { id: row.id, ...(row.parentId ? { parentID: row.parentId } : {}), checksum: `1:${checksum}`, createdAt: row.createdAt, operations };
}

function xataOperation(op: MigrationOp): MigrationOp {
  if (!('addColumn' in op)) return op;
  const column = xataView([op.addColumn.column as ColumnDefinition])[0]!;
  return { addColumn: { ...op.addColumn, column } };
}
