import { sql, type RawBuilder } from 'kysely';
import type { CompareOp, FieldRef, Filter, JsonTest, PatternPart } from '../kernel/plans/filter-ast.js';
import type { PlanField } from '../kernel/plans/select-plan.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * The filter AST → parameterised SQL, for both engines. Identifiers are quoted with sql.id,
 * values are parameters (encoded by the dialect for the column's type); where the engines
 * differ (pattern matching, array elements) the dialect supplies the fragment.
 *
 * `bind` walks a filter the way `compile` does without building SQL: it answers the filter's
 * shape (everything its SQL text depends on: structure, fields, operators, list lengths, and
 * the value-dependent choices below) and collects the parameters in placeholder order, so a
 * select compiled once per shape can be re-bound (branch-sql.ts checks the order on every miss).
 */
const SYSTEM_COLUMNS = { id: 'id', version: 'xata_version', createdAt: 'xata_createdat', updatedAt: 'xata_updatedat' } as const;
const ELEMENT_ALIAS = '_e';
const JSON_ALIAS = '_j';
const JSON_ELEMENT_ALIAS = '_je';
type JsonFilter = Extract<Filter, { kind: 'json' }>;

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
        const c = comparison(filter);
        if (typeof c === 'boolean') return this.guarded(filter.field, c ? sql`(1 = 1)` : sql`(1 = 0)`);
        return this.guarded(filter.field, sql`${this.ref(filter.field)} ${sql.raw(c.op)} ${this.param(filter.field, c.value)}`);
      }
      case 'in': {
        const values = inValues(filter);
        if (values.length === 0) return sql`(1 = 0)`;
        return this.guarded(filter.field, sql`${this.ref(filter.field)} IN (${sql.join(values.map((v) => this.param(filter.field, v)))})`);
      }
      case 'like': {
        const pattern = this.dialect.patternText(filter.pattern, filter.caseInsensitive);
        return this.guarded(filter.field, this.dialect.matchPattern(this.ref(filter.field), pattern, filter.caseInsensitive));
      }
      case 'arrayAny':
        return sql`EXISTS (SELECT 1 FROM ${this.dialect.arrayElements(fieldSql(filter.field), ELEMENT_ALIAS)} WHERE ${this.compile(filter.predicate)})`;
      case 'json':
        return this.json(filter);
      case 'idEquals':
        return sql`${sql.id(filter.tableAlias, 'id')} = ${filter.value}`;
      case 'idIn':
        if (filter.values.length === 0) return sql`(1 = 0)`;
        return sql`${sql.id(filter.tableAlias, 'id')} IN (${sql.join(filter.values)})`;
    }
  }

  /** The filter's shape key; its parameters are appended to `params` in placeholder order. */
  bind(filter: Filter, params: unknown[]): string {
    switch (filter.kind) {
      case 'and':
      case 'or': {
        // Keys of the children, whose count also fixes the balanced tree's form.
        let key = filter.kind === 'and' ? '&(' : '|(';
        for (const f of filter.filters) key += `${this.bind(f, params)},`;
        return `${key})`;
      }
      case 'not':
        return `!${this.bind(filter.filter, params)}`;
      case 'const':
        return filter.value ? 'T' : 'F';
      case 'exists':
        return `e:${refKey(filter.field)}`;
      case 'compare': {
        const c = comparison(filter);
        if (typeof c === 'boolean') return `${c ? 'T' : 'F'}:${refKey(filter.field)}`;
        params.push(this.value(filter.field, c.value));
        return `${c.op}:${refKey(filter.field)}`;
      }
      case 'in': {
        const values = inValues(filter);
        if (values.length === 0) return 'F';
        for (const v of values) params.push(this.value(filter.field, v));
        return `in${values.length}:${refKey(filter.field)}`;
      }
      case 'like':
        params.push(this.dialect.patternText(filter.pattern, filter.caseInsensitive));
        return `${filter.caseInsensitive ? 'ilike' : 'like'}:${refKey(filter.field)}`;
      case 'arrayAny':
        return `any:${refKey(filter.field)}(${this.bind(filter.predicate, params)})`;
      case 'json':
        // As `json` compiles: the path (in the FROM item), then the test's values.
        params.push(this.dialect.jsonPathText(filter.path));
        return `json${filter.negated ? '!' : ''}:${fieldKey(filter.field)}:${this.bindJsonTest(filter.test, params)}`;
      case 'idEquals':
        params.push(filter.value);
        return `id=:${filter.tableAlias}`;
      case 'idIn':
        if (filter.values.length === 0) return 'F';
        params.push(...filter.values);
        return `idIn${filter.values.length}:${filter.tableAlias}`;
    }
  }

  /**
   * A test on the value at a JSON path: EXISTS over the dialect's one-row FROM item ("t", "s",
   * "n", "j"), so a missing path is false; negated, the value must be there and fail the test.
   */
  private json(filter: JsonFilter): RawBuilder<unknown> {
    const at = this.dialect.jsonAt(fieldSql(filter.field), this.dialect.jsonPathText(filter.path), JSON_ALIAS);
    const test = this.jsonTest(filter.test);
    if (!test) return sql`EXISTS (SELECT 1 FROM ${at})`;
    return sql`EXISTS (SELECT 1 FROM ${at} WHERE ${filter.negated ? sql`NOT COALESCE(${test}, FALSE)` : test})`;
  }

  private jsonTest(test: JsonTest): RawBuilder<unknown> | undefined {
    const column = (name: 's' | 'n' | 'j') => sql.id(JSON_ALIAS, name);
    const double = (v: number) => sql`CAST(${v} AS DOUBLE PRECISION)`;
    switch (test.kind) {
      case 'exists':
        return undefined;
      case 'compare':
        return typeof test.value === 'number'
          ? sql`(${column('n')} ${sql.raw(test.op)} ${double(test.value)})`
          : sql`(${column('s')} ${sql.raw(test.op)} ${test.value})`;
      case 'in': {
        const { strings, numbers } = splitValues(test.values);
        const parts = [
          ...(strings.length ? [sql`${column('s')} IN (${sql.join(strings)})`] : []),
          ...(numbers.length ? [sql`${column('n')} IN (${sql.join(numbers.map(double))})`] : []),
        ];
        return sql`(${sql.join(parts, sql` OR `)})`;
      }
      case 'like': {
        const d = this.dialect;
        const pattern = d.patternText(test.pattern, test.caseInsensitive);
        const element = d.matchPattern(sql.id(JSON_ELEMENT_ALIAS, 'value'), pattern, test.caseInsensitive);
        return sql`(${d.matchPattern(column('s'), pattern, test.caseInsensitive)} OR EXISTS (SELECT 1 FROM ${d.jsonStrings(column('j'), JSON_ELEMENT_ALIAS)} WHERE ${element}))`;
      }
      case 'equals':
        return this.dialect.jsonEquals(column('j'), JSON.stringify(test.value));
    }
  }

  private bindJsonTest(test: JsonTest, params: unknown[]): string {
    switch (test.kind) {
      case 'exists':
        return 'e';
      case 'compare':
        params.push(test.value);
        return `${test.op}${typeof test.value === 'number' ? 'n' : 's'}`;
      case 'in': {
        const { strings, numbers } = splitValues(test.values);
        params.push(...strings, ...numbers);
        return `in${strings.length}/${numbers.length}`;
      }
      case 'like': {
        const pattern = this.dialect.patternText(test.pattern, test.caseInsensitive);
        params.push(pattern, pattern);
        return test.caseInsensitive ? 'ilike' : 'like';
      }
      case 'equals':
        params.push(JSON.stringify(test.value));
        return 'eq';
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

  private param(field: FieldRef, value: unknown): RawBuilder<unknown> {
    return sql`${this.value(field, value)}`;
  }

  /** A logical value as the parameter bound for `field` (encoded for its column type). */
  private value(field: FieldRef, value: unknown): unknown {
    if (field.kind === 'element') return value;
    const column = field.column;
    if (column === 'createdAt' || column === 'updatedAt') return this.dialect.encodeTimestamp(value as number);
    if (typeof column === 'string') return value;
    return this.dialect.encode(column, value);
  }
}

/**
 * A field in a shape key. Aliases and column paths hold only `[a-zA-Z0-9_~.-]` (names.ts), so
 * the key's punctuation cannot be forged, and `$` marks a system column.
 */
export function fieldKey(field: PlanField): string {
  return `${field.tableAlias}.${typeof field.column === 'string' ? `$${field.column}` : field.column.path}`;
}

function splitValues(values: Array<string | number>): { strings: string[]; numbers: number[] } {
  return { strings: values.filter((v): v is string => typeof v === 'string'), numbers: values.filter((v): v is number => typeof v === 'number') };
}

const refKey = (field: FieldRef): string => (field.kind === 'element' ? '_e' : fieldKey(field));

function comparison(filter: Extract<Filter, { kind: 'compare' }>): { op: CompareOp; value: unknown } | boolean {
  return isInteger(filter.field) ? integerComparison(filter.op, filter.value as number) : { op: filter.op, value: filter.value };
}

/** An integer column holds no fractional value (and PostgreSQL could not cast one to bigint). */
function inValues(filter: Extract<Filter, { kind: 'in' }>): unknown[] {
  return isInteger(filter.field) ? filter.values.filter((v) => Number.isSafeInteger(v)) : filter.values;
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
