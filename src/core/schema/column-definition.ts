import { isColumnType, isFileType, normalizeColumn, flattenColumns, type ColumnDefinition, type ColumnType } from '../../kernel/model/column-types.js';
import { StrataError } from '../../kernel/errors.js';
import { assertColumnName, assertColumnPathLength } from '../names.js';
import { parseDefault } from '../values/values.js';
import { XANO_TYPES, storesXanoType, type XanoColumn } from '../../kernel/model/xano-column.js';

const invalid = (message: string) => new StrataError('INVALID_SCHEMA', message);

/**
 * Validates a column definition from a client (any JSON) and returns it normalised.
 * `tableExists` answers whether a link target exists at this point of the migration.
 */
export function validateColumn(input: unknown, parentPath: string, tableExists: (name: string) => boolean): ColumnDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('a column must be an object with name and type');
  const c = input as Record<string, unknown>;
  if (typeof c.name !== 'string') throw invalid('column name is required');
  const name = c.name;
  for (const segment of name.split('.')) assertColumnName(segment);
  const path = parentPath ? `${parentPath}.${name}` : name;
  if (!isColumnType(c.type)) throw invalid(`column [${path}]: unknown type [${String(c.type)}]`);
  for (const flag of ['notNull', 'unique'] as const) {
    if (c[flag] !== undefined && typeof c[flag] !== 'boolean') throw invalid(`column [${path}]: ${flag} must be true or false`);
  }
  if (c.defaultValue !== undefined && typeof c.defaultValue !== 'string') throw invalid(`column [${path}]: defaultValue must be a string`);
  if (c.xano !== undefined) checkXanoMeta(c.xano, c.type, path);
  if (c.description !== undefined && typeof c.description !== 'string') throw invalid(`column [${path}]: description must be a string`);
  for (const key of ['file', 'file[]'] as const) {
    if (c[key] === undefined) continue;
    const options = c[key] as { defaultPublicAccess?: unknown } | null;
    if (c.type !== key) throw invalid(`column [${path}]: ${key} options belong to a ${key} column, not a ${String(c.type)} column`);
    if (typeof options !== 'object' || options === null || Array.isArray(options)
      || (options.defaultPublicAccess !== undefined && typeof options.defaultPublicAccess !== 'boolean')) {
      throw invalid(`column [${path}]: ${key} must be an object such as {"defaultPublicAccess": true}`);
    }
  }
  const column = { ...c, name } as unknown as ColumnDefinition;
  // `link` and `vector` mean something for their own type only; elsewhere they are dropped.
  if (column.type !== 'link') delete column.link;
  if (column.type !== 'vector') delete column.vector;
  if (isFileType(column.type) && column.defaultValue !== undefined) throw invalid(`column [${path}]: file columns take no defaultValue`);

  switch (column.type) {
    case 'link': {
      const target = (c.link as { table?: unknown } | undefined)?.table;
      if (typeof target !== 'string') throw invalid(`column [${path}]: a link column needs link.table`);
      if (!tableExists(target)) throw invalid(`column [${path}]: linked table [${target}] does not exist`);
      break;
    }
    case 'vector': {
      const dimension = (c.vector as { dimension?: unknown } | undefined)?.dimension;
      if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension < 2 || dimension > 10000) {
        throw invalid(`column [${path}]: a vector column needs vector.dimension between 2 and 10000`);
      }
      if (column.defaultValue !== undefined) throw invalid(`column [${path}]: vector columns take no defaultValue`);
      break;
    }
    case 'object': {
      if (!Array.isArray(c.columns) || c.columns.length === 0) throw invalid(`column [${path}]: an object column needs nested columns`);
      if (column.notNull || column.unique || column.defaultValue !== undefined) throw invalid(`column [${path}]: object columns take no notNull, unique or defaultValue`);
      const children = c.columns.map((child) => validateColumn(child, path, tableExists));
      const names = new Set<string>();
      for (const child of children) {
        // Regardless of case: SQLite column names are case-insensitive.
        if (names.has(child.name.toLowerCase())) throw invalid(`column [${path}.${child.name}] is defined twice`);
        names.add(child.name.toLowerCase());
      }
      column.columns = children;
      break;
    }
  }
  if (column.unique && ['multiple', 'json', 'vector', 'file', 'file[]'].includes(column.type)) throw invalid(`column [${path}]: ${column.type} columns cannot be unique`);
  const normalized = normalizeColumn(column);
  for (const leaf of flattenColumns([normalized], parentPath ? parentPath + '.' : '')) {
    assertColumnPathLength(leaf.path);
    if (leaf.defaultValue !== undefined) parseDefault(leaf, leaf.defaultValue);
  }
  return normalized;
}

/**
 * Xano metadata (the Metadata API builds it; a data API client could send any) must name a Xano
 * type its physical type stores, and carry what that type's value rules read in a usable shape.
 */
function checkXanoMeta(xano: unknown, type: string, path: string): void {
  const meta = xano as Partial<XanoColumn> | null;
  const pattern = (meta?.filters as { pattern?: unknown } | undefined)?.pattern;
  const valid = typeof meta === 'object' && meta !== null && !Array.isArray(meta)
    && (XANO_TYPES as readonly string[]).includes(meta.type as string) && (meta.style === 'single' || meta.style === 'list')
    && storesXanoType(type as ColumnType, meta as XanoColumn)
    && (meta.filters === undefined || (typeof meta.filters === 'object' && meta.filters !== null))
    && (meta.type !== 'enum' || (Array.isArray(meta.values) && meta.values.every((v) => typeof v === 'string')))
    && (meta.children === undefined || Array.isArray(meta.children))
    && (meta.validators === undefined || (typeof meta.validators === 'object' && meta.validators !== null && !Array.isArray(meta.validators)))
    && (meta.valueLabels === undefined || (typeof meta.valueLabels === 'object' && meta.valueLabels !== null && Object.values(meta.valueLabels).every((l) => typeof l === 'string')))
    && (meta.declaredAs === undefined || meta.declaredAs === 'int' || meta.declaredAs === 'uuid')
    && (pattern === undefined || (typeof pattern === 'string' && compiles(pattern)));
  if (!valid) throw invalid(`column [${path}]: invalid xano metadata for a ${type} column`);
}

function compiles(pattern: string): boolean {
  try { new RegExp(pattern, 'u'); return true; } catch { return false; }
}
