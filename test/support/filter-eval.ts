import type { FieldRef, Filter, PatternPart } from '../../src/core/query/filter-ast.js';

/**
 * An in-memory evaluator of the filter AST: the reference semantics the SQL compilers are
 * tested against. Two-valued: a predicate on a missing value is false. Strings compare by
 * code unit (byte order for the test alphabet); case-insensitive matching folds ASCII only.
 */
export type Row = { id: string; values: Record<string, unknown> };

export function evaluate(filter: Filter, row: Row, element?: unknown): boolean {
  const get = (field: FieldRef): unknown => {
    if (field.kind === 'element') return element;
    const column = field.column;
    if (column === 'id') return row.id;
    if (typeof column === 'string') throw new Error(`evaluator: system field ${column} not supported`);
    return row.values[column.path] ?? null;
  };
  switch (filter.kind) {
    case 'and': return filter.filters.every((f) => evaluate(f, row, element));
    case 'or': return filter.filters.some((f) => evaluate(f, row, element));
    case 'not': return !evaluate(filter.filter, row, element);
    case 'const': return filter.value;
    case 'exists': return get(filter.field) !== null;
    case 'compare': {
      const v = get(filter.field);
      if (v === null) return false;
      const x = filter.value;
      switch (filter.op) {
        case '=': return v === x;
        case '<>': return v !== x;
        case '<': return (v as number) < (x as number);
        case '<=': return (v as number) <= (x as number);
        case '>': return (v as number) > (x as number);
        case '>=': return (v as number) >= (x as number);
      }
      break;
    }
    case 'in': {
      const v = get(filter.field);
      return v !== null && filter.values.includes(v);
    }
    case 'like': {
      const v = get(filter.field);
      if (v === null) return false;
      const fold = (s: string) => (filter.caseInsensitive ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
      return patternRegex(filter.pattern, fold).test(fold(v as string));
    }
    case 'arrayAny': {
      const v = get(filter.field) as unknown[] | null;
      return v !== null && v.some((e) => evaluate(filter.predicate, row, e));
    }
    case 'idEquals': return row.id === filter.value;
    case 'idIn': return filter.values.includes(row.id);
  }
  throw new Error('unreachable');
}

function patternRegex(parts: PatternPart[], fold: (s: string) => string): RegExp {
  const source = parts.map((p) => ('literal' in p ? fold(p.literal).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.wildcard === 'many' ? '.*' : '.')).join('');
  return new RegExp(`^${source}$`, 'su');
}
