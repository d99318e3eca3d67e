import type { FieldRef, Filter, JsonStep, JsonTest, PatternPart } from '../../src/kernel/plans/filter-ast.js';
import { sameJson } from '../../src/storage/sqlite/sqlite-json-functions.js';

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
    case 'json': {
      const v = jsonAt(get(filter.field), filter.path);
      if (v === undefined) return false;
      return filter.negated ? !jsonTest(filter.test, v) : jsonTest(filter.test, v);
    }
    case 'idEquals': return row.id === filter.value;
    case 'idIn': return filter.values.includes(row.id);
  }
  throw new Error('unreachable');
}

/** The value at a JSON path; undefined when missing or JSON null (no value). */
function jsonAt(value: unknown, path: JsonStep[]): unknown {
  let v = value;
  for (const step of path) {
    if ('key' in step) v = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, step.key) ? (v as Record<string, unknown>)[step.key] : undefined;
    else v = Array.isArray(v) ? v[step.index] : undefined;
    if (v === undefined) return undefined;
  }
  return v === null ? undefined : v;
}

/** Typed: strings compare with strings (code units), numbers with numbers; patterns match strings and an array's strings. */
function jsonTest(test: JsonTest, v: unknown): boolean {
  switch (test.kind) {
    case 'exists': return true;
    case 'compare': {
      if (typeof v !== typeof test.value) return false;
      const [a, b] = [v as string | number, test.value];
      switch (test.op) {
        case '=': return a === b;
        case '<>': return a !== b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
      }
      break;
    }
    case 'in': return test.values.some((x) => typeof x === typeof v && x === v);
    case 'like': {
      const fold = (s: string) => (test.caseInsensitive ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
      const re = patternRegex(test.pattern, fold);
      const strings = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
      return strings.some((s) => re.test(fold(s)));
    }
    case 'equals': return sameJson(v, test.value);
  }
  throw new Error('unreachable');
}

function patternRegex(parts: PatternPart[], fold: (s: string) => string): RegExp {
  const source = parts.map((p) => ('literal' in p ? fold(p.literal).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.wildcard === 'many' ? '.*' : '.')).join('');
  return new RegExp(`^${source}$`, 'su');
}
