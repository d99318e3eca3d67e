import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';

/**
 * The columns one table may have (core/request-limits.ts: columnsPerTable), counted as leaf
 * columns (an object column's children one each). Every schema path reaches applyMigration,
 * which checks each addColumn against the table and the whole migration before any DDL;
 * the faces' validators check their input first, so a huge schema is refused before work.
 */
export function assertColumnsPerTable(count: number, table: string | undefined, param?: string): void {
  if (count > REQUEST_LIMITS.columnsPerTable) throw limitExceeded(table === undefined ? 'columns of a table' : `columns of table [${table}]`, 'columnsPerTable', param);
}

/** Leaf columns a client's column definition (any JSON) would add; bounded by the body's nesting. */
export function inputLeafCount(input: unknown): number {
  const children = (input as { type?: unknown; columns?: unknown } | null)?.columns;
  if ((input as { type?: unknown } | null)?.type !== 'object' || !Array.isArray(children)) return 1;
  return children.reduce((sum: number, child) => sum + inputLeafCount(child), 0);
}
