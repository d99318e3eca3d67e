import { requiredFields, type Filter } from '../../kernel/plans/filter-ast.js';
import type { PlanField, SortKey } from '../../kernel/plans/select-plan.js';

/** Sort keys: their reversal (for `before` pages) and which of them can never be missing. */
export function reversed(key: SortKey): SortKey {
  if ('random' in key) return key;
  const nulls = key.nulls === 'any' ? 'any' : key.nulls === 'first' ? 'last' : 'first';
  return { field: key.field, direction: key.direction === 'asc' ? 'desc' : 'asc', nulls };
}

/** Marks sort keys that cannot be missing (the table's system fields and notNull columns, fields the filter requires). */
export function withNullOrder(keys: SortKey[], filter: Filter): SortKey[] {
  const required = new Set(requiredFields(filter).map((f) => fieldKey(f)));
  return keys.map((key) => {
    if ('random' in key) return key;
    const column = key.field.column;
    // A joined table's fields are missing when the link is (LEFT JOIN), whatever their schema says.
    const own = key.field.tableAlias === 't0' && (typeof column === 'string' || column.notNull);
    const present = own || required.has(fieldKey(key.field));
    return present ? { ...key, nulls: 'any' } : key;
  });
}

const fieldKey = (f: PlanField) => `${f.tableAlias}\u0000${typeof f.column === 'string' ? f.column : f.column.path}`;
