import type { LeafColumn } from '../model/column-types.js';

/**
 * The one filter AST. Xata's filter language (and, later, the Metadata API's two search
 * formats) compile into it; each engine's SQL compiler (storage/filter-sql.ts) turns it
 * into parameterised SQL, and the property tests evaluate it in memory.
 *
 * Semantics are two-valued: a predicate on a missing value (NULL) is false, never
 * unknown, so `not` is always the complement (as in Xata's search engine, where a
 * record without the field matches `$not`/`$isNot`).
 */
export type SystemField = 'id' | 'version' | 'createdAt' | 'updatedAt';

/** A column of a table in the plan (`t0` is the queried table, joined tables have their own alias). */
export interface ColumnRef {
  kind: 'column';
  tableAlias: string;
  column: LeafColumn | SystemField;
}

/** The current element of an array column, inside an `arrayAny` predicate. */
export interface ElementRef { kind: 'element' }

export type FieldRef = ColumnRef | ElementRef;

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A `*`/`?` pattern as a sequence of literal text and wildcards. */
export type PatternPart = { literal: string } | { wildcard: 'many' | 'one' };

/** A step of a JSON path (`config->bg->alpha`, `config->themes->0`): an object key or an array index. */
export type JsonStep = { key: string } | { index: number };

/**
 * What the value at a JSON path must be. Missing and JSON null are no value (false for every
 * test). Typed: a string compares only with strings (byte-wise), a number only with numbers.
 */
export type JsonTest =
  | { kind: 'exists' }
  | { kind: 'compare'; op: CompareOp; value: string | number }
  | { kind: 'in'; values: Array<string | number> }
  /** A string matches, or an array holds a string element that matches. */
  | { kind: 'like'; pattern: PatternPart[]; caseInsensitive: boolean }
  /** The same JSON value (objects whatever their key order, numbers by value): booleans, objects, arrays, whole values. */
  | { kind: 'equals'; value: unknown };

export type Filter =
  | { kind: 'and'; filters: Filter[] }
  | { kind: 'or'; filters: Filter[] }
  | { kind: 'not'; filter: Filter }
  | { kind: 'const'; value: boolean }
  /** The field has a value (Xata `$exists`). */
  | { kind: 'exists'; field: FieldRef }
  /** `value` is a logical value of the field's type (epoch ms for datetimes, …). */
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: unknown }
  | { kind: 'in'; field: FieldRef; values: unknown[] }
  | { kind: 'like'; field: FieldRef; pattern: PatternPart[]; caseInsensitive: boolean }
  /** Some element of an array column matches `predicate` (which refers to the element). */
  | { kind: 'arrayAny'; field: ColumnRef; predicate: Filter }
  /**
   * The value at `path` inside a json column (the whole value for an empty path) passes
   * `test`; `negated`: there is a value and it fails the test (see `negate`).
   */
  | { kind: 'json'; field: ColumnRef; path: JsonStep[]; test: JsonTest; negated?: boolean }
  // The hot paths' id lookups: their SQL is compiled once and re-bound (see branch-sql.ts).
  | { kind: 'idEquals'; tableAlias: string; value: string | number }
  | { kind: 'idIn'; tableAlias: string; values: Array<string | number> };

export const TRUE: Filter = { kind: 'const', value: true };

export function and(filters: Filter[]): Filter {
  const parts = filters.filter((f) => !(f.kind === 'const' && f.value));
  if (parts.some((f) => f.kind === 'const' && !f.value)) return { kind: 'const', value: false };
  if (parts.length === 0) return TRUE;
  return parts.length === 1 ? parts[0]! : { kind: 'and', filters: parts };
}

export function or(filters: Filter[]): Filter {
  const parts = filters.filter((f) => !(f.kind === 'const' && !f.value));
  if (parts.some((f) => f.kind === 'const' && f.value)) return TRUE;
  if (parts.length === 0) return { kind: 'const', value: false };
  return parts.length === 1 ? parts[0]! : { kind: 'or', filters: parts };
}

export function not(filter: Filter): Filter {
  if (filter.kind === 'const') return { kind: 'const', value: !filter.value };
  if (filter.kind === 'not') return filter.filter;
  return { kind: 'not', filter };
}

/**
 * The negation of a user's condition. The AST is two-valued, but Xata answered conditions on
 * JSON paths with SQL's NULL logic: one on a missing path is unknown, and so is its negation
 * (`$isNot`, `$not` around it match only records that have the path). So `not` is pushed down
 * to the JSON tests (De Morgan), where it flips `negated` ("has a value and fails the test");
 * `exists` is never unknown, and a filter without JSON tests is negated as before.
 */
export function negate(filter: Filter): Filter {
  if (!hasJsonTest(filter)) return not(filter);
  switch (filter.kind) {
    case 'and': return or(filter.filters.map(negate));
    case 'or': return and(filter.filters.map(negate));
    case 'json':
      if (filter.test.kind === 'exists') return not(filter);
      return { ...filter, negated: !filter.negated };
    default: return not(filter); // a `not` only ever wraps a filter without JSON tests
  }
}

function hasJsonTest(filter: Filter): boolean {
  if (filter.kind === 'json') return true;
  if (filter.kind === 'and' || filter.kind === 'or') return filter.filters.some(hasJsonTest);
  return false;
}

/** Literal text as a pattern (for contains/startsWith/endsWith). */
export function literalPattern(text: string, before: boolean, after: boolean): PatternPart[] {
  return [...(before ? [{ wildcard: 'many' as const }] : []), { literal: text }, ...(after ? [{ wildcard: 'many' as const }] : [])];
}

/**
 * A wildcard pattern as parts: `many` and `one` are its wildcard characters (`*` `?` in Xata's
 * syntax, `%` `_` in SQL LIKE's); `\` escapes the next character in both.
 */
export function parseWildcards(text: string, many: string, one: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) { literal += text[++i]; continue; }
    if (c === many || c === one) {
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ wildcard: c === many ? 'many' : 'one' });
      continue;
    }
    literal += c;
  }
  if (literal) parts.push({ literal });
  return parts;
}

/**
 * Fields the filter requires to have a value (a record missing one cannot match). Sorts on
 * such fields need no NULLS clause, which lets an index deliver the order.
 */
export function requiredFields(filter: Filter): ColumnRef[] {
  switch (filter.kind) {
    case 'and': return filter.filters.flatMap(requiredFields);
    case 'exists': case 'compare': case 'in': case 'like':
      return filter.field.kind === 'column' ? [filter.field] : [];
    case 'arrayAny': case 'json': return [filter.field];
    default: return [];
  }
}
