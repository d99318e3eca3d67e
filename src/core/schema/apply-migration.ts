import { flattenColumns, isFileType, xataView, type ColumnDefinition, type LeafColumn } from '../../kernel/model/column-types.js';
import { TableModel, type IdKind, type TableRecord } from '../../kernel/model/table-model.js';
import { StrataError, badRequest } from '../../kernel/errors.js';
import { newMigrationId } from '../ids.js';
import { assertColumnName, assertColumnPathLength, assertTableName } from '../names.js';
import { defaultFor } from '../values/values.js';
import type { BranchTx } from '../ports/storage.js';
import { validateColumn } from './column-definition.js';
import type { MigrationOp, MigrationResult } from './migration-ops.js';
import { dropIndexesUsing, dropTableIndexes, renameIndexFields } from './index-follow.js';
import { collectBlobKeys } from '../files/file-references.js';
import { assertColumnsPerTable, inputLeafCount } from './column-limit.js';

const invalid = (message: string) => new StrataError('INVALID_SCHEMA', message);
const tableNotFound = (name: string) => new StrataError('NOT_FOUND', `table [${name}] not found`);
/** SQLite compares table and column names regardless of case, so names must differ in more than case on every engine. */
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const caseClash = (kind: 'table' | 'column', name: string, existing: string, where = '') =>
  new StrataError('ALREADY_EXISTS', `${kind} [${name}] clashes with ${kind} [${existing}]${where}: names must differ in more than letter case`);

/**
 * Applies schema edits in one transaction: DDL, catalog and migration log together, so a
 * failed edit leaves the branch exactly as it was. Renames touch names only, never data.
 * Removing a table or a file column appends the blob keys it drops to `released`, for the
 * caller to delete once the transaction commits (core/files/file-effects.ts).
 */
export async function applyMigration(
  tx: BranchTx, ops: MigrationOp[],
  options: { idKind?: IdKind; released?: string[]; /** A pushed migration keeps its id (and may be empty). */ id?: string } = {},
): Promise<MigrationResult> {
  if (!Array.isArray(ops) || (ops.length === 0 && options.id === undefined)) throw badRequest('a migration needs at least one operation');
  assertAddedColumns(ops);
  const catalog = await tx.loadCatalog(true);
  const tables = new Map<string, TableRecord>(catalog.tables.map((t) => [t.name, structuredClone(t)]));
  const changed = new Set<TableRecord>();
  const removed: TableRecord[] = [];
  let nextId = await tx.nextTableId();
  const model = (t: TableRecord) => new TableModel(t);
  const get = (name: unknown): TableRecord => {
    const t = typeof name === 'string' ? tables.get(name) : undefined;
    if (!t) throw tableNotFound(String(name));
    return t;
  };
  const linkTargetsOf = (leaves: LeafColumn[]) => {
    const targets = new Map<string, TableModel>();
    for (const leaf of leaves) if (leaf.link) targets.set(leaf.path, model(get(leaf.link.table)));
    return targets;
  };

  for (const op of ops) {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) throw badRequest('every migration operation must be an object such as {"addTable": {"table": "name"}}');
    if ('addTable' in op) {
      const name = assertTableName(String(op.addTable?.table ?? ''));
      if (tables.has(name)) throw new StrataError('ALREADY_EXISTS', `table [${name}] already exists`);
      const clash = [...tables.keys()].find((other) => sameName(other, name));
      if (clash) throw caseClash('table', name, clash);
      const record: TableRecord = { id: nextId++, name, idKind: options.idKind ?? 'string', columns: [], createdAt: new Date().toISOString() };
      await tx.createTable(record, new Map());
      tables.set(name, record);
      changed.add(record);
    } else if ('removeTable' in op) {
      const table = get(op.removeTable?.table);
      for (const other of tables.values()) {
        if (other === table) continue;
        const link = flattenColumns(other.columns).find((leaf) => leaf.link?.table === table.name);
        if (link) throw new StrataError('UNPROCESSABLE', `table [${table.name}] is linked from column [${other.name}.${link.path}]; remove that column first`);
      }
      await dropTableIndexes(tx, table);
      if (options.released) await collectBlobKeys(tx, model(table), options.released);
      await tx.dropTable(model(table));
      tables.delete(table.name);
      changed.delete(table);
      removed.push(table);
    } else if ('renameTable' in op) {
      const table = get(op.renameTable?.oldName);
      const newName = assertTableName(String(op.renameTable?.newName ?? ''));
      if (tables.has(newName)) throw new StrataError('ALREADY_EXISTS', `table [${newName}] already exists`);
      const clash = [...tables.keys()].find((other) => other !== table.name && sameName(other, newName));
      if (clash) throw caseClash('table', newName, clash);
      if (sameName(table.name, newName)) {
        // A change of case only: SQLite refuses it in one step.
        const step = `_strata_rename_${table.id}`;
        await tx.renameTable(model(table), step);
        await tx.renameTable(model({ ...table, name: step }), newName);
      } else {
        await tx.renameTable(model(table), newName);
      }
      tables.delete(table.name);
      for (const other of tables.values()) {
        if (retargetLinks(other.columns, table.name, newName)) changed.add(other);
      }
      retargetLinks(table.columns, table.name, newName);
      table.name = newName;
      tables.set(newName, table);
      changed.add(table);
    } else if ('addColumn' in op) {
      const table = get(op.addColumn?.table);
      await addColumn(tx, table, op.addColumn?.column, (name) => tables.has(name), linkTargetsOf);
      changed.add(table);
    } else if ('removeColumn' in op) {
      const table = get(op.removeColumn?.table);
      const path = String(op.removeColumn?.column ?? '');
      const current = model(table);
      const leaves = current.leaf(path) ? [current.leaf(path)!] : current.leavesUnder(path);
      if (leaves.length === 0) throw new StrataError('NOT_FOUND', `column [${path}] not found in table [${table.name}]`);
      await dropIndexesUsing(tx, table, path);
      const files = leaves.filter((leaf) => isFileType(leaf.type));
      if (options.released && files.length > 0) await collectBlobKeys(tx, current, options.released, files);
      for (const leaf of leaves) await tx.dropColumn(current, leaf);
      table.columns = removeDefinition(table.columns, path.split('.'));
      changed.add(table);
    } else if ('renameColumn' in op) {
      const table = get(op.renameColumn?.table);
      const oldName = String(op.renameColumn?.oldName ?? '');
      const current = model(table);
      const parent = oldName.includes('.') ? oldName.slice(0, oldName.lastIndexOf('.')) : '';
      let newName = String(op.renameColumn?.newName ?? '');
      if (parent && !newName.includes('.')) newName = `${parent}.${newName}`;
      const newParent = newName.includes('.') ? newName.slice(0, newName.lastIndexOf('.')) : '';
      if (newParent !== parent) throw invalid(`column [${oldName}]: a rename cannot move a column to another object`);
      assertColumnName(newName.slice(newName.lastIndexOf('.') + 1));
      const leaves = current.leaf(oldName) ? [current.leaf(oldName)!] : current.leavesUnder(oldName);
      if (leaves.length === 0) throw new StrataError('NOT_FOUND', `column [${oldName}] not found in table [${table.name}]`);
      if (current.leaf(newName) || current.isObject(newName)) throw new StrataError('ALREADY_EXISTS', `column [${newName}] already exists in table [${table.name}]`);
      for (const leaf of leaves) {
        const to = newName + leaf.path.slice(oldName.length);
        assertColumnPathLength(to);
        const clash = current.leaves.find((other) => !leaves.includes(other) && sameName(other.path, to));
        if (clash) throw caseClash('column', to, clash.path, ` in table [${table.name}]`);
      }
      for (const leaf of leaves) await tx.renameColumn(current, leaf.path, newName + leaf.path.slice(oldName.length));
      findDefinition(table.columns, oldName.split('.'))!.name = newName.slice(newName.lastIndexOf('.') + 1);
      renameIndexFields(table, oldName, newName);
      changed.add(table);
    } else if ('alterColumn' in op) {
      const table = get(op.alterColumn?.table);
      const path = String(op.alterColumn?.column ?? '');
      const parts = path.split('.');
      const current = findDefinition(table.columns, parts);
      if (!current) throw new StrataError('NOT_FOUND', `column [${path}] not found in table [${table.name}]`);
      const parentPath = parts.slice(0, -1).join('.');
      const next = validateColumn({ ...(op.alterColumn?.definition as object), name: current.name }, parentPath, (name) => tables.has(name));
      if (physicalShape(current) !== physicalShape(next)) {
        throw invalid(`column [${path}]: changing its type, links or constraints is not supported in place; remove it and add it again`);
      }
      const siblings = parentPath ? findDefinition(table.columns, parentPath.split('.'))!.columns! : table.columns;
      siblings[siblings.indexOf(current)] = next;
      changed.add(table);
    } else {
      throw badRequest(`unknown migration operation [${Object.keys(op as object)[0] ?? ''}]`);
    }
  }

  for (const table of removed) await tx.deleteTableRecord(table.id);
  for (const table of changed) await tx.saveTableRecord(table);
  const id = options.id ?? newMigrationId();
  await tx.insertMigration({ id, parentId: catalog.lastMigrationId, createdAt: nextMigrationTime(catalog.lastMigrationAt), operations: ops });
  return { migrationID: id, parentMigrationID: catalog.lastMigrationId, status: 'completed' };
}

async function addColumn(
  tx: BranchTx, table: TableRecord, input: unknown, tableExists: (name: string) => boolean,
  linkTargetsOf: (leaves: LeafColumn[]) => Map<string, TableModel>,
): Promise<void> {
  const name = typeof input === 'object' && input !== null ? String((input as { name?: unknown }).name ?? '') : '';
  // A dotted name adds a child to an existing object column.
  const parentPath = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
  const current = new TableModel(table);
  if (parentPath && !current.isObject(parentPath)) throw invalid(`column [${name}]: [${parentPath}] is not an object column of table [${table.name}]`);
  const column = validateColumn(parentPath ? { ...(input as object), name: name.slice(parentPath.length + 1) } : input, parentPath, tableExists);
  const leaves = flattenColumns([column], parentPath ? parentPath + '.' : '');
  assertColumnsPerTable(current.leaves.length + leaves.length, table.name);
  const fullPath = parentPath ? `${parentPath}.${column.name}` : column.name;
  if (current.leaf(fullPath) || current.isObject(fullPath)) throw new StrataError('ALREADY_EXISTS', `column [${fullPath}] already exists in table [${table.name}]`);
  for (const leaf of leaves) {
    const clash = current.leaves.find((other) => sameName(other.path, leaf.path));
    if (clash) throw caseClash('column', leaf.path, clash.path, ` in table [${table.name}]`);
  }
  const rows = leaves.some((l) => l.notNull) ? await tx.countRows(current) : 0;
  const targets = linkTargetsOf(leaves);
  const now = Date.now();
  for (const leaf of leaves) {
    const fill = defaultFor(leaf, now);
    if (leaf.notNull && fill === undefined && rows > 0) {
      throw invalid(`column [${leaf.path}]: a notNull column added to a table with records needs a defaultValue`);
    }
    await tx.addColumn(current, leaf, targets.get(leaf.path), fill);
  }
  if (parentPath) findDefinition(table.columns, parentPath.split('.'))!.columns!.push(column);
  else table.columns.push(column);
}

/** The columns a migration adds to each table, counted before any DDL runs (the table's own follow in addColumn). */
function assertAddedColumns(ops: MigrationOp[]): void {
  const added = new Map<string, number>();
  for (const op of ops) {
    if (typeof op !== 'object' || op === null || !('addColumn' in op)) continue;
    const table = String(op.addColumn?.table ?? '');
    const count = (added.get(table) ?? 0) + inputLeafCount(op.addColumn?.column);
    assertColumnsPerTable(count, table);
    added.set(table, count);
  }
}

/**
 * The log is ordered by time, so each migration must be later than the last one: several
 * applied within one millisecond (a push) keep their order, whatever their ids.
 */
function nextMigrationTime(last: string): string {
  const now = Date.now();
  const after = last ? Date.parse(last) + 1 : 0;
  return new Date(Math.max(now, Number.isNaN(after) ? 0 : after)).toISOString();
}

/**
 * What a column is in SQL: its data API definition without what the core applies on write
 * or only keeps in the catalog (default, description, a file column's default public access).
 */
export function physicalShape(column: ColumnDefinition): string {
  const strip = (c: ColumnDefinition): ColumnDefinition => {
    const { defaultValue: _default, description: _description, file: _file, 'file[]': _files, columns, ...rest } = c;
    return columns ? { ...rest, columns: columns.map(strip) } : rest;
  };
  return JSON.stringify(strip(xataView([column])[0]!));
}

function findDefinition(columns: ColumnDefinition[], path: string[]): ColumnDefinition | undefined {
  const found = columns.find((c) => c.name === path[0]);
  if (!found || path.length === 1) return found;
  return findDefinition(found.columns ?? [], path.slice(1));
}

/** Removes a column definition; an object column left without children goes too (an object needs columns). */
function removeDefinition(columns: ColumnDefinition[], path: string[]): ColumnDefinition[] {
  if (path.length === 1) return columns.filter((c) => c.name !== path[0]);
  return columns
    .map((c) => (c.name === path[0] ? { ...c, columns: removeDefinition(c.columns ?? [], path.slice(1)) } : c))
    .filter((c) => c.type !== 'object' || (c.columns ?? []).length > 0);
}

function retargetLinks(columns: ColumnDefinition[], from: string, to: string): boolean {
  let changed = false;
  for (const column of columns) {
    if (column.link?.table === from) { column.link.table = to; changed = true; }
    if (column.columns && retargetLinks(column.columns, from, to)) changed = true;
  }
  return changed;
}
