import { flattenColumns, normalizeColumn, xataView, type ColumnDefinition } from '../../kernel/model/column-types.js';
import { StrataError } from '../../kernel/errors.js';
import { physicalShape } from './apply-migration.js';
import type { MigrationOp } from './migration-ops.js';
import type { SchemaTable } from './schema-replay.js';

/**
 * The edits that turn schema `source` into `target` (Xata's schema/compare). A column kept
 * under its name never goes through remove + add, which would drop its data: a change of
 * what is only catalog (default, description, a file column's default public access) is an
 * in-place `alterColumn`; a change of type, link, vector size, notNull or unique is refused
 * with a 400 that says how to make it deliberately.
 */
export function compareSchemas(source: SchemaTable[], target: SchemaTable[]): MigrationOp[] {
  const ops: MigrationOp[] = [];
  const sourceNames = new Set(source.map((t) => t.name));
  const targetNames = new Set(target.map((t) => t.name));
  for (const t of target) if (!sourceNames.has(t.name)) ops.push({ addTable: { table: t.name } });
  for (const t of target) {
    const current = source.find((s) => s.name === t.name);
    ops.push(...diffTable(t.name, current?.columns ?? [], t.columns, 'alter'));
  }
  // Columns first, tables last: a table can only go once nothing links to it.
  ops.push(...removeTables(source.filter((t) => !targetNames.has(t.name))));
  return ops.sort((a, b) => rank(a) - rank(b));
}

/** The data API's view of a column, for comparing: Xano metadata aside (Xata clients never send it). */
const sameColumn = (a: ColumnDefinition, b: ColumnDefinition) =>
  JSON.stringify(normalizeColumn(xataView([a])[0]!)) === JSON.stringify(normalizeColumn(xataView([b])[0]!));

/**
 * Column edits from `current` to `wanted` for one table (top-level columns; objects compared
 * whole). `refuse`: any change of a kept column is an error (PUT …/schema); `alter`: see above.
 */
export function diffTable(table: string, current: ColumnDefinition[], wanted: ColumnDefinition[], onChange: 'alter' | 'refuse'): MigrationOp[] {
  const ops: MigrationOp[] = [];
  for (const column of current) {
    const next = wanted.find((w) => w.name === column.name);
    if (!next) ops.push({ removeColumn: { table, column: column.name } });
    else if (!sameColumn(column, next)) {
      if (onChange === 'refuse') {
        throw new StrataError('INVALID_SCHEMA', `column [${column.name}]: changing a column's definition is not supported; remove it and add it again`);
      }
      if (physicalShape(column) !== physicalShape(next)) throw refusedChange(table, column, next);
      const definition = column.xano ? { ...next, xano: column.xano } : next;
      ops.push({ alterColumn: { table, column: column.name, definition } });
    }
  }
  for (const column of wanted) if (!current.some((c) => c.name === column.name)) ops.push({ addColumn: { table, column } });
  return ops;
}

function refusedChange(table: string, from: ColumnDefinition, to: ColumnDefinition): StrataError {
  const before = flattenColumns([from]);
  const after = flattenColumns([to]);
  const differs = (key: 'type' | 'link' | 'vector' | 'notNull' | 'unique') =>
    JSON.stringify(before.map((l) => l[key])) !== JSON.stringify(after.map((l) => l[key]));
  const aspects = (['type', 'link', 'vector', 'notNull', 'unique'] as const).filter(differs);
  const what = before.length === after.length && aspects.length ? aspects.join(', ') : 'nested columns';
  return new StrataError('INVALID_SCHEMA',
    `column [${table}.${from.name}]: changing its ${what} in place is not supported, and removing and adding it again would lose its data; `
    + 'keep its current definition, or remove the column in one edit and add the new one in another if its data may go');
}

/**
 * removeTable ops in an order where no table goes while another removed table still links
 * to it; links inside a cycle of removed tables are removed first (rank sorts them before).
 */
function removeTables(tables: SchemaTable[]): MigrationOp[] {
  const ops: MigrationOp[] = [];
  const pending = new Map(tables.map((t) => [t.name, t]));
  const linksToOthers = (t: SchemaTable) => flattenColumns(t.columns).filter((l) => l.link && l.link.table !== t.name && pending.has(l.link.table));
  while (pending.size > 0) {
    const free = [...pending.values()].find((t) => ![...pending.values()].some((o) => linksToOthers(o).some((l) => l.link!.table === t.name)));
    if (free) {
      ops.push({ removeTable: { table: free.name } });
      pending.delete(free.name);
      continue;
    }
    for (const t of pending.values()) for (const l of linksToOthers(t)) ops.push({ removeColumn: { table: t.name, column: l.path } });
    for (const t of pending.values()) ops.push({ removeTable: { table: t.name } });
    break;
  }
  return ops;
}

function rank(op: MigrationOp): number {
  if ('addTable' in op) return 0;
  if ('removeColumn' in op) return 1;
  if ('alterColumn' in op) return 2;
  if ('addColumn' in op) return 2;
  return 3; // removeTable
}
