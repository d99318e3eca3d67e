import type { ColumnType } from './table-columns';

/**
 * The data API's filter operators, per column type (what src/core/query/xata-filter.ts
 * accepts: text patterns on text columns only, no ranges on booleans, `$includes*` on
 * multiple columns, only `$exists` on json, files and vectors), and how a filter builder's
 * conditions become one Xata filter expression.
 */
export type Operator =
  | '$is' | '$isNot' | '$contains' | '$iContains' | '$startsWith' | '$endsWith' | '$pattern' | '$iPattern'
  | '$gt' | '$ge' | '$lt' | '$le' | '$includes' | '$includesNone' | '$exists' | '$notExists';

export const OPERATOR_LABELS: Record<Operator, string> = {
  $is: 'is', $isNot: 'is not', $contains: 'contains', $iContains: 'contains (any case)', $startsWith: 'starts with',
  $endsWith: 'ends with', $pattern: 'matches pattern (* ?)', $iPattern: 'matches pattern (any case)',
  $gt: '>', $ge: '≥', $lt: '<', $le: '≤', $includes: 'includes', $includesNone: 'does not include',
  $exists: 'is set', $notExists: 'is not set',
};

const EXISTS: Operator[] = ['$exists', '$notExists'];
const RANGE: Operator[] = ['$gt', '$ge', '$lt', '$le'];
const TEXT: Operator[] = ['$is', '$isNot', '$contains', '$iContains', '$startsWith', '$endsWith', '$pattern', '$iPattern', ...RANGE, ...EXISTS];

/** The filterable kind of a column: the record id is text, `xata.*` metadata numbers and dates. */
export type FilterKind = 'text' | 'number' | 'bool' | 'datetime' | 'list' | 'link' | 'existsOnly';

export function filterKind(type: ColumnType | 'id'): FilterKind {
  switch (type) {
    case 'id': case 'string': case 'text': case 'email': return 'text';
    case 'int': case 'float': return 'number';
    case 'bool': return 'bool';
    case 'datetime': return 'datetime';
    case 'multiple': return 'list';
    case 'link': return 'link';
    default: return 'existsOnly';
  }
}

export function operatorsFor(kind: FilterKind): Operator[] {
  switch (kind) {
    case 'text': return TEXT;
    case 'number': case 'datetime': return ['$is', '$isNot', ...RANGE, ...EXISTS];
    case 'bool': case 'link': return ['$is', '$isNot', ...EXISTS];
    case 'list': return ['$includes', '$includesNone', ...EXISTS];
    case 'existsOnly': return EXISTS;
  }
}

export const takesValue = (op: Operator) => op !== '$exists' && op !== '$notExists';

export interface Condition { column: string; kind: FilterKind; operator: Operator; value: string }
export type Combinator = '$all' | '$any';

/** A condition's typed operand, or an Error naming what is wrong with the text typed. */
export function operand(condition: Condition): unknown {
  const { value, kind, column } = condition;
  switch (kind) {
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`${column}: enter a number`);
      return n;
    }
    case 'bool': return value === 'true';
    case 'datetime': {
      const at = new Date(value);
      if (value === '' || Number.isNaN(at.getTime())) throw new Error(`${column}: enter a date and time`);
      return at.toISOString();
    }
    default: return value;
  }
}

/** The builder's conditions as one filter (undefined when there are none). Throws on a bad operand. */
export function buildFilter(conditions: Condition[], combinator: Combinator): Record<string, unknown> | undefined {
  if (conditions.length === 0) return undefined;
  const parts = conditions.map((c): Record<string, unknown> =>
    takesValue(c.operator) ? { [c.column]: { [c.operator]: operand(c) } } : { [c.operator]: c.column });
  return parts.length === 1 ? parts[0] : { [combinator]: parts };
}
