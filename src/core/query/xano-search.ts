import { TRUE, type Filter } from '../../kernel/plans/filter-ast.js';
import type { FieldPaths } from './field-paths.js';
import type { SortKey } from '../../kernel/plans/select-plan.js';
import { parseXanoSearchA } from './xano-search-a.js';
import { isXanoSearchB, parseXanoSearchB } from './xano-search-b.js';
import { searchError } from './xano-search-ops.js';
import { FilterBudget } from './filter-budget.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';

/**
 * The Metadata API's `search` and `sort` (POST …/content/search, search/patch, search/delete)
 * → the filter AST and sort keys. Both search formats are accepted: B (statements and
 * groups) is recognised by its items' `type`, anything else is read as A ("col|op" keys).
 */
export function parseXanoSearch(input: unknown, paths: FieldPaths): Filter {
  if (input === undefined || input === null) return TRUE;
  if (typeof input !== 'object') throw searchError('search', 'search must be an array of conditions (or one condition object)');
  const budget = new FilterBudget();
  return isXanoSearchB(input) ? parseXanoSearchB(input, paths, budget) : parseXanoSearchA(input, paths, budget);
}

const UNSORTABLE = new Set(['multiple', 'json', 'vector', 'file', 'file[]']);

/** `{"name": "asc"}` or, for several keys in priority order, `[{"rating": "desc"}, {"name": "asc"}]`. */
export function parseXanoSort(input: unknown, paths: FieldPaths): SortKey[] {
  if (input === undefined || input === null) return [];
  const bare = !Array.isArray(input);
  const items = bare ? [input] : input as unknown[];
  const tooMany = () => limitExceeded('sort keys', 'sortKeys', 'sort');
  if (items.length > REQUEST_LIMITS.sortKeys) throw tooMany();
  const keys = items.flatMap((item, i) => {
    const at = bare ? 'sort' : `sort.${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw searchError(at, 'sort must be {"column": "asc"|"desc"} or an array of them');
    return Object.entries(item).map(([column, direction]): SortKey => {
      const param = `${at}.${column}`;
      const dir = typeof direction === 'string' ? direction.toLowerCase() : direction;
      if (dir !== 'asc' && dir !== 'desc') throw searchError(param, `sort on column [${column}]: direction must be "asc" or "desc"`);
      if (column.startsWith('xata.')) throw searchError(param, `sort: [${column}] is not a column`);
      let ref;
      try { ref = paths.resolve(column).ref; } catch (err) { throw searchError(param, (err as Error).message); }
      if (typeof ref.column !== 'string' && UNSORTABLE.has(ref.column.type)) throw searchError(param, `sort on column [${column}]: columns of this type cannot be sorted`);
      return { field: { tableAlias: ref.tableAlias, column: ref.column }, direction: dir };
    });
  });
  if (keys.length > REQUEST_LIMITS.sortKeys) throw tooMany();
  return keys;
}
