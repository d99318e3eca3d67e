import type { Filter } from '../../kernel/plans/filter-ast.js';
import type { FieldPaths } from './field-paths.js';
import { chain, condition, parseOp, searchError, searchTarget } from './xano-search-ops.js';
import type { FilterBudget } from './filter-budget.js';

/**
 * Xano search format A: conditions as `{"<column>[|<op>][|or]": value}` objects, in an
 * array or one bare object (several keys of one object are several conditions, in order).
 * No operator is `=`; a trailing `|or` joins the condition to the previous one with OR,
 * otherwise AND (SQL precedence, see chain). A trailing empty part is allowed
 * (`created_at|>|`, as some clients send). Examples: `[{"price|>": 30}, {"price|<": 70}]`,
 * `[{"price|<": 30}, {"price|>|or": 70}]`, `{"id|in": [2, 3]}`.
 */
export function parseXanoSearchA(input: unknown, paths: FieldPaths, budget: FilterBudget): Filter {
  const bare = !Array.isArray(input);
  const objects = bare ? [input] : input;
  budget.width(objects.length, 'search');
  const items: Array<{ or: boolean; filter: Filter }> = [];
  objects.forEach((object, i) => {
    const at = bare ? 'search' : `search.${i}`;
    if (typeof object !== 'object' || object === null || Array.isArray(object)) throw searchError(at, 'search: each condition is an object {"column|op": value}');
    for (const [key, value] of Object.entries(object)) {
      budget.node(`${at}.${key}`);
      items.push(parseKey(key, value, paths, `${at}.${key}`, budget));
    }
  });
  return chain(items);
}

function parseKey(key: string, value: unknown, paths: FieldPaths, param: string, budget: FilterBudget): { or: boolean; filter: Filter } {
  const [column, ...rest] = key.split('|');
  const or = rest.length > 0 && rest[rest.length - 1]!.trim().toLowerCase() === 'or';
  const ops = (or ? rest.slice(0, -1) : rest).filter((part) => part.trim() !== '');
  if (ops.length > 1) throw searchError(param, `search: [${key}] has more than one operator`);
  const target = searchTarget(paths, column, param);
  return { or, filter: condition(target, parseOp(ops[0] ?? '=', param), value, param, budget) };
}
