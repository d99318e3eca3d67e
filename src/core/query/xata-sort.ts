import { badRequest } from '../../kernel/errors.js';
import type { FieldPaths } from './field-paths.js';
import type { SortKey } from '../../kernel/plans/select-plan.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';

/**
 * Xata's `sort`: `{"col": "asc"|"desc"}`, an array of those or of bare column names (asc),
 * and `{"*": "random"}`. Sorting follows links (`team.name`); array, json and vector
 * columns have no order.
 */
const UNSORTABLE = new Set(['multiple', 'json', 'vector', 'file', 'file[]']);

export function parseXataSort(input: unknown, paths: FieldPaths): SortKey[] {
  const items = Array.isArray(input) ? input : [input];
  const keys: SortKey[] = [];
  const tooMany = () => limitExceeded('sort keys', 'sortKeys');
  if (items.length > REQUEST_LIMITS.sortKeys) throw tooMany();
  for (const item of items) {
    const entries: Array<[string, unknown]> = typeof item === 'string' ? [[item, 'asc']]
      : typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.entries(item) : [];
    if (entries.length === 0) throw badRequest('sort must be {"column": "asc"|"desc"}, an array of them, or column names');
    if (keys.length + entries.length > REQUEST_LIMITS.sortKeys) throw tooMany();
    for (const [column, direction] of entries) {
      if (column === '*') {
        if (direction !== 'random') throw badRequest('sort: "*" can only be sorted "random"');
        keys.push({ random: true });
        continue;
      }
      if (direction !== 'asc' && direction !== 'desc') throw badRequest(`sort on column [${column}]: direction must be "asc" or "desc"`);
      const { ref } = paths.resolve(column);
      if (typeof ref.column !== 'string' && UNSORTABLE.has(ref.column.type)) throw badRequest(`sort on column [${column}]: columns of type ${ref.column.type} cannot be sorted`);
      keys.push({ field: { tableAlias: ref.tableAlias, column: ref.column }, direction });
    }
  }
  return keys;
}
