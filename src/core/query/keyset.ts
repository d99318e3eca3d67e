import { and, not, or, type Filter } from '../../kernel/plans/filter-ast.js';
import type { SortKey } from '../../kernel/plans/select-plan.js';

/**
 * Keyset conditions: the rows strictly after (or before) a position in a total order,
 * given the sort keys' values at that position. Missing values sort last in both
 * directions, so "after a value" includes the missing ones and "after missing" only the
 * rows tied on it (decided by the next key).
 */
type ColumnKey = Extract<SortKey, { field: unknown }>;

export function keysetAfter(sort: SortKey[], values: unknown[]): Filter {
  return lexicographic(sort, values, (key, value) => {
    if (value === null) return { kind: 'const', value: false };
    return or([{ kind: 'compare', field: ref(key), op: key.direction === 'asc' ? '>' : '<', value }, not({ kind: 'exists', field: ref(key) })]);
  });
}

export function keysetBefore(sort: SortKey[], values: unknown[]): Filter {
  return lexicographic(sort, values, (key, value) => {
    if (value === null) return { kind: 'exists', field: ref(key) };
    return { kind: 'compare', field: ref(key), op: key.direction === 'asc' ? '<' : '>', value };
  });
}

function lexicographic(sort: SortKey[], values: unknown[], beyond: (key: ColumnKey, value: unknown) => Filter): Filter {
  const keys = sort.filter((k): k is ColumnKey => 'field' in k);
  const alternatives: Filter[] = [];
  for (let i = 0; i < keys.length; i++) {
    const equalBefore = keys.slice(0, i).map((key, j): Filter => {
      const value = values[j];
      return value === null || value === undefined ? not({ kind: 'exists', field: ref(key) }) : { kind: 'compare', field: ref(key), op: '=', value };
    });
    alternatives.push(and([...equalBefore, beyond(keys[i]!, values[i] ?? null)]));
  }
  return or(alternatives);
}

function ref(key: ColumnKey) {
  return { kind: 'column' as const, ...key.field };
}
