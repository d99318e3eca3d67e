import type { ColumnDefinition } from '../../kernel/model/column-types.js';
import { StrataError, badRequest } from '../../kernel/errors.js';
import { assertTableName } from '../names.js';
import { validateColumn } from './column-definition.js';
import type { MigrationOp } from './migration-ops.js';

export interface SchemaTable { name: string; columns: ColumnDefinition[] }

const invalid = (message: string) => new StrataError('INVALID_SCHEMA', message);

/**
 * Replays migration operations on a schema in memory (no storage): what a branch would look
 * like after them. Schema compare uses it for operations a client sends instead of a schema
 * (`xata diff` sends its local migration files). Each op is checked as the engine would.
 */
export function replayOperations(start: SchemaTable[], ops: unknown): SchemaTable[] {
  if (!Array.isArray(ops)) throw badRequest('schema operations must be an array');
  const tables = structuredClone(start);
  const find = (name: unknown): SchemaTable => {
    const table = tables.find((t) => t.name === name);
    if (!table) throw new StrataError('NOT_FOUND', `table [${String(name)}] not found`);
    return table;
  };
  for (const op of ops as MigrationOp[]) {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) throw badRequest('every schema operation must be an object such as {"addTable": {"table": "name"}}');
    if ('addTable' in op) {
      const name = assertTableName(String(op.addTable?.table ?? ''));
      if (tables.some((t) => t.name === name)) throw new StrataError('ALREADY_EXISTS', `table [${name}] already exists`);
      tables.push({ name, columns: [] });
    } else if ('removeTable' in op) {
      tables.splice(tables.indexOf(find(op.removeTable?.table)), 1);
    } else if ('renameTable' in op) {
      const table = find(op.renameTable?.oldName);
      const newName = assertTableName(String(op.renameTable?.newName ?? ''));
      if (tables.some((t) => t.name === newName)) throw new StrataError('ALREADY_EXISTS', `table [${newName}] already exists`);
      for (const other of tables) retarget(other.columns, table.name, newName);
      table.name = newName;
    } else if ('addColumn' in op) {
      const table = find(op.addColumn?.table);
      const input = op.addColumn?.column as unknown as Record<string, unknown> | undefined;
      const { siblings, leaf, parentPath } = locate(table, String(input?.name ?? ''));
      if (siblings.some((c) => c.name === leaf)) throw new StrataError('ALREADY_EXISTS', `column [${String(input?.name)}] already exists in table [${table.name}]`);
      siblings.push(validateColumn({ ...input, name: leaf }, parentPath, (name) => tables.some((t) => t.name === name)));
    } else if ('removeColumn' in op) {
      const table = find(op.removeColumn?.table);
      const { siblings, leaf } = locate(table, String(op.removeColumn?.column ?? ''));
      const index = siblings.findIndex((c) => c.name === leaf);
      if (index < 0) throw new StrataError('NOT_FOUND', `column [${op.removeColumn?.column}] not found in table [${table.name}]`);
      siblings.splice(index, 1);
    } else if ('renameColumn' in op) {
      const table = find(op.renameColumn?.table);
      const { siblings, leaf } = locate(table, String(op.renameColumn?.oldName ?? ''));
      const column = siblings.find((c) => c.name === leaf);
      if (!column) throw new StrataError('NOT_FOUND', `column [${op.renameColumn?.oldName}] not found in table [${table.name}]`);
      const newName = String(op.renameColumn?.newName ?? '').split('.').pop()!;
      if (siblings.some((c) => c.name === newName)) throw new StrataError('ALREADY_EXISTS', `column [${newName}] already exists in table [${table.name}]`);
      column.name = newName;
    } else {
      throw badRequest(`unknown schema operation [${Object.keys(op as object)[0] ?? ''}]`);
    }
  }
  return tables;
}

/** The list holding a (possibly dotted) column path, and the path's last segment. */
function locate(table: SchemaTable, path: string): { siblings: ColumnDefinition[]; leaf: string; parentPath: string } {
  const parts = path.split('.');
  let siblings = table.columns;
  for (const part of parts.slice(0, -1)) {
    const parent = siblings.find((c) => c.name === part);
    if (!parent || parent.type !== 'object') throw invalid(`column [${path}]: [${part}] is not an object column of table [${table.name}]`);
    siblings = parent.columns ??= [];
  }
  return { siblings, leaf: parts[parts.length - 1]!, parentPath: parts.slice(0, -1).join('.') };
}

function retarget(columns: ColumnDefinition[], from: string, to: string): void {
  for (const column of columns) {
    if (column.link?.table === from) column.link.table = to;
    if (column.columns) retarget(column.columns, from, to);
  }
}
