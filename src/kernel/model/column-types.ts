import type { XanoColumn } from './xano-column.js';

/** Column types of the data model, as the Xata contract names them. */
export const COLUMN_TYPES = [
  'string', 'text', 'email', 'int', 'float', 'bool', 'datetime',
  'multiple', 'link', 'json', 'object', 'vector', 'file', 'file[]',
] as const;

export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A column as clients send and receive it (objects carry nested `columns`). */
export interface ColumnDefinition {
  name: string;
  type: ColumnType;
  link?: { table: string };
  vector?: { dimension: number };
  notNull?: boolean;
  unique?: boolean;
  defaultValue?: string;
  columns?: ColumnDefinition[];
  /** Xata's column options, kept as given: a file column's default for `enablePublicUrl`, a free-text description. */
  file?: FileColumnOptions;
  'file[]'?: FileColumnOptions;
  description?: string;
  /** The Metadata API's type and options (see xano-column.ts); the data API shows only the physical type. */
  xano?: XanoColumn;
}

/** Options of a `file` / `file[]` column (Xata's `file` and `file[]` keys). */
export interface FileColumnOptions { defaultPublicAccess?: boolean }

/** A stored (physical) column: objects are flattened to dotted paths. */
export interface LeafColumn {
  /** Dotted path, also the SQL column name: `settings.theme`. */
  path: string;
  type: Exclude<ColumnType, 'object'>;
  link?: { table: string };
  vector?: { dimension: number };
  notNull: boolean;
  unique: boolean;
  defaultValue?: string;
  /** A file column's default for `enablePublicUrl` (its `file`/`file[]` options). */
  defaultPublicAccess?: boolean;
  /** The value rules of the column's Xano type, enforced on writes from either API. */
  xano?: XanoColumn;
}

/** `file` holds one file's metadata, `file[]` up to 50; the bytes live in the blob store (core/files/). */
export const isFileType = (type: string): type is 'file' | 'file[]' => type === 'file' || type === 'file[]';

export function isColumnType(value: unknown): value is ColumnType {
  return typeof value === 'string' && (COLUMN_TYPES as readonly string[]).includes(value);
}

/** Flattens nested object columns into leaf columns, in schema order. */
export function flattenColumns(columns: ColumnDefinition[], prefix = ''): LeafColumn[] {
  const leaves: LeafColumn[] = [];
  for (const column of columns) {
    const path = prefix + column.name;
    if (column.type === 'object') {
      leaves.push(...flattenColumns(column.columns ?? [], path + '.'));
      continue;
    }
    leaves.push({
      path,
      type: column.type,
      ...(column.link ? { link: { table: column.link.table } } : {}),
      ...(column.vector ? { vector: { dimension: column.vector.dimension } } : {}),
      notNull: column.notNull === true,
      unique: column.unique === true,
      ...(column.defaultValue !== undefined ? { defaultValue: column.defaultValue } : {}),
      ...(fileOptions(column)?.defaultPublicAccess !== undefined ? { defaultPublicAccess: fileOptions(column)!.defaultPublicAccess } : {}),
      ...(column.xano ? { xano: column.xano } : {}),
    });
  }
  return leaves;
}

/** The options of a file column under its type's key (`file` or `file[]`). */
export function fileOptions(column: ColumnDefinition): FileColumnOptions | undefined {
  return column.type === 'file' ? column.file : column.type === 'file[]' ? column['file[]'] : undefined;
}

/** A deep copy that keeps only the contract's fields, in a stable key order. */
export function normalizeColumn(column: ColumnDefinition): ColumnDefinition {
  const out: ColumnDefinition = { name: column.name, type: column.type };
  if (column.link) out.link = { table: column.link.table };
  if (column.vector) out.vector = { dimension: column.vector.dimension };
  if (column.notNull) out.notNull = true;
  if (column.unique) out.unique = true;
  if (column.defaultValue !== undefined) out.defaultValue = column.defaultValue;
  if (column.description !== undefined) out.description = column.description;
  const file = fileOptions(column);
  if (file) out[column.type as 'file' | 'file[]'] = file.defaultPublicAccess !== undefined ? { defaultPublicAccess: file.defaultPublicAccess } : {};
  if (column.type === 'object') out.columns = (column.columns ?? []).map(normalizeColumn);
  if (column.xano) out.xano = structuredClone(column.xano);
  return out;
}

/** Columns as the data API shows them: the Xata contract only, Xano metadata left out. */
export function xataView(columns: ColumnDefinition[]): ColumnDefinition[] {
  return columns.map((column) => {
    const { xano: _xano, columns: children, ...rest } = column;
    return children ? { ...rest, columns: xataView(children) } : rest;
  });
}
