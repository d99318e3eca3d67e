import { sql, type RawBuilder } from 'kysely';
import type { TableModel } from '../kernel/model/table-model.js';
import type { SelectPlan, SortKey } from '../kernel/plans/select-plan.js';
import { FilterSql, fieldKey, fieldSql } from './filter-sql.js';
import { LruCache } from '../kernel/lru-cache.js';

/**
 * A select plan's SQL, and its memo: the text is compiled once per plan *shape* (fields,
 * joins, filter shape, order, limit and offset) and re-bound with each request's values.
 * Entries are keyed by the plan's TableModel (its serial), which every schema change replaces
 * (with every other table of the branch), so a cached text never serves another schema; the
 * entries of replaced models are never asked for again and age out of the LRU.
 */
export interface CompiledSelect { text: string; decoders: Array<(raw: unknown) => unknown> }

/** Shapes kept in this process: far more than applications send; a client sending endless new shapes only churns it. */
export const SELECT_SHAPES_KEPT = 1000;
/** Larger selects (long OR chains, lists of thousands of values) compile per call: memory stays bounded by size too. */
const MAX_KEPT_KEY = 2048;
const MAX_KEPT_TEXT = 16_384;

const shapes = new LruCache<string, CompiledSelect>(SELECT_SHAPES_KEPT);

/** The compiled select of `key` (a shape or a caller's name for it) on this table model, compiled by `compile` on a miss. */
export function memoisedSelect(table: TableModel, key: string, compile: () => CompiledSelect): CompiledSelect {
  if (key.length > MAX_KEPT_KEY) return compile();
  const memoKey = `${table.serial}|${key}`;
  let compiled = shapes.get(memoKey);
  if (!compiled) {
    compiled = compile();
    if (compiled.text.length <= MAX_KEPT_TEXT) shapes.set(memoKey, compiled);
  }
  return compiled;
}

/** How many compiled selects are kept (for tests). */
export const keptSelects = (): number => shapes.size;

/** The plan's shape key (everything its SQL text depends on); its parameters go to `params` in placeholder order. */
export function selectShape(plan: SelectPlan, filters: FilterSql, params: unknown[]): string {
  let key = 'f';
  for (const f of plan.fields) key += `${fieldKey(f)},`;
  key += '|j';
  for (const j of plan.joins) key += `${j.alias}:${j.parentAlias}.${j.linkPath}:${j.table.name},`;
  key += `|w${plan.where ? filters.bind(plan.where, params) : ''}|o`;
  for (const k of plan.orderBy ?? []) key += 'random' in k ? 'random,' : `${fieldKey(k.field)}:${k.direction}:${k.nulls ?? ''},`;
  return `${key}|l${plan.limit ?? ''}|o${plan.offset ?? ''}|p${plan.partitionBy ? fieldKey(plan.partitionBy) : ''}`;
}

/** The SQL of a plan: fields, joins, filter, order, and limit/offset (overall or per partition). */
export function selectSql(plan: SelectPlan, filters: FilterSql, table: (name: string) => RawBuilder<unknown>): RawBuilder<unknown> {
  const fields = plan.fields.map((f, i) => sql`${fieldSql(f)} AS ${sql.id(`c${i}`)}`);
  const joins = plan.joins.map((j) =>
    sql` LEFT JOIN ${table(j.table.name)} AS ${sql.id(j.alias)} ON ${sql.id(j.alias, 'id')} = ${sql.id(j.parentAlias, j.linkPath)}`);
  const where = plan.where ? sql` WHERE ${filters.compile(plan.where)}` : sql``;
  const order = plan.orderBy?.length ? sql.join(plan.orderBy.map(sortSql)) : undefined;
  const from = sql`FROM ${table(plan.table.name)} AS ${sql.id('t0')}${sql.join(joins, sql``)}${where}`;
  if (plan.partitionBy) {
    // Limit/offset per partition: number the rows of each partition in order, keep a window.
    const window = sql`ROW_NUMBER() OVER (PARTITION BY ${fieldSql(plan.partitionBy)}${order ? sql` ORDER BY ${order}` : sql``}) AS "_rn"`;
    const first = plan.offset ?? 0;
    const last = plan.limit !== undefined ? sql` AND "_rn" <= ${sql.lit(first + plan.limit)}` : sql``;
    const outer = plan.fields.map((_, i) => sql.id(`c${i}`));
    return sql`SELECT ${sql.join(outer)} FROM (SELECT ${sql.join(fields)}, ${window} ${from}) AS "_p" WHERE "_rn" > ${sql.lit(first)}${last} ORDER BY "_rn"`;
  }
  const orderBy = order ? sql` ORDER BY ${order}` : sql``;
  // Limit and offset are validated integers, inlined: PostgreSQL plans for the actual page size.
  const limit = plan.limit !== undefined ? sql` LIMIT ${sql.lit(plan.limit)}` : plan.offset ? sql` LIMIT -1` : sql``;
  const offset = plan.offset ? sql` OFFSET ${sql.lit(plan.offset)}` : sql``;
  return sql`SELECT ${sql.join(fields)} ${from}${orderBy}${limit}${offset}`;
}

function sortSql(key: SortKey): RawBuilder<unknown> {
  if ('random' in key) return sql`random()`;
  const nulls = key.nulls === 'any' ? '' : key.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
  return sql`${fieldSql(key.field)} ${sql.raw(key.direction === 'desc' ? 'DESC' : 'ASC')}${sql.raw(nulls)}`;
}

/**
 * The guard that keeps re-binding honest: on every cache miss, the parameters `bind` collected
 * must be the ones Kysely compiled, in the same order. A mismatch is a bug in FilterSql.bind.
 */
export function checkBoundParameters(key: string, bound: readonly unknown[], compiled: readonly unknown[]): void {
  const same = bound.length === compiled.length && bound.every((v, i) => sameParameter(v, compiled[i]));
  if (!same) throw new Error(`select memo: parameters bound for shape ${key} differ from the compiled statement's`);
}

function sameParameter(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  // Encoders may return a fresh object per call (a Date, a Buffer): compare by content.
  return typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b);
}
