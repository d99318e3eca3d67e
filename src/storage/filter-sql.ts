import { sql, type RawBuilder } from 'kysely';
import type { CompareOp, FieldRef, Filter, PatternPart } from '../core/query/filter-ast.js';
import type { PlanField } from '../core/query/select-plan.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * The filter AST → parameterised SQL, for both engines. Identifiers are quoted with sql.id,
 * values are parameters (encoded by the dialect for the column's type); where the engines
 * differ (pattern matching, array elements) the dialect supplies the fragment.
 */
const SYSTEM_COLUMNS = { id: 'id', version: 'xata_version', createdAt: 'xata_createdat', updatedAt: 'xata_updatedat' } as const;
const ELEMENT_ALIAS = '_e';

export function fieldSql(field: PlanField): RawBuilder<unknown> {
  const column = typeof field.column === 'string' ? SYSTEM_COLUMNS[field.column] : field.column.path;
  return sql.id(field.tableAlias, column);
}

export class FilterSql {
  constructor(private readonly dialect: SqlDialect) {}

  compile(filter: Filter): RawBuilder<unknown> {
    switch (filter.kind) {
      case 'and':
      case 'or':
        return this.balanced(filter.filters, filter.kind === 'and' ? sql` AND ` : sql` OR `);
      case 'not':
        return sql`NOT ${this.compile(filter.filter)}`;
      case 'const':
        return filter.value ? sql`(1 = 1)` : sql`(1 = 0)`;
      case 'exists':
        return sql`(${this.ref(filter.field)} IS NOT NULL)`;
      case 'compare': {
        const c = isInteger(filter.field) ? integerComparison(filter.op, filter.value as number) : { op: filter.op, value: filter.value };
        if (typeof c === 'boolean') return this.guarded(filter.field, c ? sql`(1 = 1)` : sql`(1 = 0)`);
        return this.guarded(filter.field, sql`${this.ref(filter.field)} ${sql.raw(c.op)} ${this.value(filter.field, c.value)}`);
      }
      case 'in': {
        // An integer column holds no fractional value (and PostgreSQL could not cast one to bigint).
        const values = isInteger(filter.field) ? filter.values.filter((v) => Number.isSafeInteger(v)) : filter.values;
        if (values.length === 0) return sql`(1 = 0)`;
        return this.guarded(filter.field, sql`${this.ref(filter.field)} IN (${sql.join(values.map((v) => this.value(filter.field, v)))})`);
      }
      case 'like':
        return this.guarded(filter.field, this.dialect.matchPattern(this.ref(filter.field), filter.pattern, filter.caseInsensitive));
      case 'arrayAny':
        return sql`EXISTS (SELECT 1 FROM ${this.dialect.arrayElements(fieldSql(filter.field), ELEMENT_ALIAS)} WHERE ${this.compile(filter.predicate)})`;
      case 'idEquals':
        return sql`${sql.id(filter.tableAlias, 'id')} = ${filter.value}`;
      case 'idIn':
        if (filter.values.length === 0) return sql`(1 = 0)`;
        return sql`${sql.id(filter.tableAlias, 'id')} IN (${sql.join(filter.values)})`;
    }
  }

  /**
   * A long AND/OR as a balanced tree of parenthesised halves: SQLite parses `a OR b OR …`
   * into a tree as deep as the list and refuses one deeper than 1000.
   */
  private balanced(filters: Filter[], op: RawBuilder<unknown>): RawBuilder<unknown> {
    if (filters.length <= 16) return sql`(${sql.join(filters.map((f) => this.compile(f)), op)})`;
    const half = Math.ceil(filters.length / 2);
    return sql`(${this.balanced(filters.slice(0, half), op)}${op}${this.balanced(filters.slice(half), op)})`;
  }

  private ref(field: FieldRef): RawBuilder<unknown> {
    return field.kind === 'element' ? sql.id(ELEMENT_ALIAS, 'value') : fieldSql(field);
  }

  /** A missing value makes the predicate false, not unknown, so NOT stays a complement. */
  private guarded(field: FieldRef, predicate: RawBuilder<unknown>): RawBuilder<unknown> {
    if (field.kind === 'element') return sql`(${predicate})`;
    return sql`(${this.ref(field)} IS NOT NULL AND ${predicate})`;
  }

  private value(field: FieldRef, value: unknown): RawBuilder<unknown> {
    if (field.kind === 'element') return sql`${value}`;
    const column = field.column;
    if (column === 'createdAt' || column === 'updatedAt') return sql`${this.dialect.encodeTimestamp(value as number)}`;
    if (typeof column === 'string') return sql`${value}`;
    return sql`${this.dialect.encode(column, value)}`;
  }
}

const isInteger = (field: FieldRef) => field.kind === 'column' && (field.column === 'version' || (typeof field.column !== 'string' && field.column.type === 'int'));

/**
 * A comparison of an integer column with any number, as an integer bound or a constant:
 * stored integers are safe integers, so x > 2.5 ⇔ x ≥ 3, x = 2.5 never holds, x ≥ 1e300
 * never holds. PostgreSQL cannot compare a bigint with a fractional or huge parameter.
 */
function integerComparison(op: CompareOp, v: number): { op: CompareOp; value: number } | boolean {
  if (Number.isSafeInteger(v)) return { op, value: v };
  if (op === '=') return false;
  if (op === '<>') return true;
  const bound = op === '>' ? Math.floor(v) + 1 : op === '>=' ? Math.ceil(v) : op === '<' ? Math.ceil(v) - 1 : Math.floor(v);
  const max = Number.MAX_SAFE_INTEGER;
  if (op === '>' || op === '>=') return bound > max ? false : bound < -max ? true : { op: '>=', value: bound };
  return bound < -max ? false : bound > max ? true : { op: '<=', value: bound };
}

/** Xata patterns as SQL LIKE patterns with `\` as the escape character. */
export function likePattern(parts: PatternPart[]): string {
  return parts.map((p) => ('literal' in p ? p.literal.replace(/[\\%_]/g, (c) => `\\${c}`) : p.wildcard === 'many' ? '%' : '_')).join('');
}
