import type { ColumnDefinition } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { xanoTypeOfPhysical, type XanoColumn, type XanoField } from '../../kernel/model/xano-column.js';

/**
 * Columns as the Metadata API describes them (`GET …/schema`): Xano's descriptor, `id`
 * first, `default` as text (`""` when unset). Columns created through the data API have no
 * Xano metadata and read as their nearest Xano type.
 */
export type XanoDescriptor = Record<string, unknown> & { name: string; type: string };

export function describeSchema(table: TableModel, schema: BranchSchema): XanoDescriptor[] {
  const id: XanoDescriptor = {
    name: 'id', type: table.idKind === 'int' ? 'int' : 'text', description: '', nullable: false, default: '',
    required: true, access: 'public', sensitive: false, style: 'single',
  };
  return [id, ...orderedColumns(table).map((column) => describeColumn(column, schema))];
}

/** The columns in the order the Metadata API was last given (table-meta.ts `columnOrder`). */
export function orderedColumns(table: TableModel): ColumnDefinition[] {
  const order = table.meta?.columnOrder;
  if (!order) return table.definitions;
  const rank = (name: string) => { const i = order.indexOf(name); return i === -1 ? order.length : i; };
  // Array.prototype.sort is stable: unranked columns keep their catalog order.
  return [...table.definitions].sort((a, b) => rank(a.name) - rank(b.name));
}

export function describeColumn(column: ColumnDefinition, schema: BranchSchema): XanoDescriptor {
  const target = column.link ? schema.tables.get(column.link.table) : undefined;
  const xano: XanoColumn = column.xano ?? {
    ...xanoTypeOfPhysical(column.type, target?.idKind),
    description: '', nullable: !column.notNull, required: column.notNull === true, access: 'public', sensitive: false,
    ...(column.vector ? { vector: { size: column.vector.dimension } } : {}),
  };
  const out = describeField({ name: column.name, ...xano }, column.defaultValue ?? '');
  if (target) out.tableref_id = target.id;
  if (column.type === 'object') out.children = (column.columns ?? []).map((child) => describeColumn(child, schema));
  return out;
}

function describeField(field: XanoField, defaultValue: string): XanoDescriptor {
  const out: XanoDescriptor = {
    name: field.name, type: field.declaredAs ?? field.type, description: field.description, nullable: field.nullable, default: defaultValue,
    required: field.required, access: field.access, sensitive: field.sensitive, style: field.style,
  };
  if (field.format !== undefined) out.format = field.format;
  if (field.filters !== undefined) out.filters = field.filters;
  if (field.values !== undefined) out.values = describeValues(field.values, field.valueLabels);
  if (field.validators !== undefined) out.validators = field.validators;
  if (field.vector !== undefined) out.vector = field.vector;
  if (field.tablerefId !== undefined) out.tableref_id = field.tablerefId;
  if (field.children !== undefined) out.children = field.children.map((child) => describeField(child, ''));
  return out;
}

/** Plain strings, or — once any value has a label — the 2026 descriptor's `{value, label}` objects. */
function describeValues(values: string[], labels: Record<string, string> | undefined): Array<string | { value: string; label?: string }> {
  if (!labels) return values;
  return values.map((value) => (labels[value] !== undefined ? { value, label: labels[value] } : { value }));
}

/** A column by name (`group.name` for an object's field), with its descriptor. */
export function findDefinition(columns: ColumnDefinition[], path: string[]): ColumnDefinition | undefined {
  const found = columns.find((c) => c.name === path[0]);
  return !found || path.length === 1 ? found : findDefinition(found.columns ?? [], path.slice(1));
}
