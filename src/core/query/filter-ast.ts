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
    case 'arrayAny': return [filter.field];
    default: return [];
  }
}
