/**
 * A table's columns as the grid uses them: the schema's leaves (object columns flattened to
 * dotted paths, as the data API names them in filters and sorts), and reading or writing a
 * record's value at such a path.
 */
export type ColumnType =
  | 'string' | 'text' | 'email' | 'int' | 'float' | 'bool' | 'datetime'
  | 'multiple' | 'link' | 'json' | 'vector' | 'file' | 'file[]';

export interface SchemaColumn { name: string; type: string; columns?: SchemaColumn[]; link?: { table: string }; notNull?: boolean; unique?: boolean }

export interface GridColumn { path: string; type: ColumnType; link?: string; notNull: boolean }

export function leafColumns(columns: SchemaColumn[], prefix = ''): GridColumn[] {
  return columns.flatMap((column): GridColumn[] => {
    const path = prefix + column.name;
    if (column.type === 'object') return leafColumns(column.columns ?? [], path + '.');
    return [{ path, type: column.type as ColumnType, link: column.link?.table, notNull: column.notNull === true }];
  });
}

export type XataRecord = Record<string, unknown> & { id: string; xata: { version: number; createdAt: string; updatedAt: string } };

export function valueAt(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** `{"settings.plan": v}` as the nested body the write endpoints take: `{settings: {plan: v}}`. */
export function nestedBody(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<Record<string, unknown>>((inner, part, i, parts) => (i === parts.length - 1 ? { [part]: value } : { [part]: inner }), {});
}

export const isFileColumn = (column: GridColumn) => column.type === 'file' || column.type === 'file[]';
