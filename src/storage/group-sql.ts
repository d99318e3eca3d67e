import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { groupKeyColumn, type GroupKey, type GroupPlan, type Measure } from '../kernel/plans/group-plan.js';
import type { PlanField } from '../kernel/plans/select-plan.js';
import { FilterSql, fieldSql } from './filter-sql.js';
import type { BranchSqlOptions } from './branch-sql.js';
import type { SqlDialect } from './sql-dialect.js';
import type { PlanRow } from '../core/ports/storage.js';

/**
 * A GroupPlan → one SQL statement for both engines:
 *
 *   SELECT … FROM (SELECT <keys> AS "$k0"…, <measures> AS "<name>"… FROM <table, joins,
 *     array elements> WHERE … GROUP BY 1, 2, …) AS "t0" WHERE <having> ORDER BY … LIMIT …
 *
 * The grouped rows are a derived table `t0` whose columns are the measure names, so the
 * filter over groups compiles with the same FilterSql as any WHERE. A per-parent limit
 * (top values in each bucket) numbers the groups of each parent with ROW_NUMBER().
 * Numbers that shape the SQL (intervals, offsets, fractions) were validated as finite by
 * the core and are inlined; every other value is a parameter.
 */
export interface GroupSqlTarget {
  db: Kysely<any>;
  opts: BranchSqlOptions;
  /** Decodes a raw value of a field to its logical value (the branch's own decoders). */
  decoder(field: PlanField): (raw: unknown) => unknown;
}

const keyAlias = groupKeyColumn;
const elementAlias = (i: number) => `$e${i}`;
/** A validated finite number inlined, parenthesised so a sign never meets an operator. */
const num = (n: number) => sql`(${sql.lit(n)})`;
const toNumber = (raw: unknown) => (raw === null || raw === undefined ? null : Number(raw));

export async function runGroupPlan(target: GroupSqlTarget, plan: GroupPlan): Promise<PlanRow[]> {
  const compiled = groupSql(target.opts, plan).compile(target.db);
  const aliases = [...plan.keys.map((_, i) => keyAlias(i)), ...plan.measures.map((m) => m.name)];
  let rows: unknown[][];
  try {
    if (target.opts.arrays) {
      rows = await target.opts.arrays(compiled.sql, compiled.parameters);
    } else {
      const result = await target.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(compiled.sql, [...compiled.parameters]));
      rows = result.rows.map((row) => aliases.map((alias) => row[alias]));
    }
  } catch (err) {
    // Arithmetic on user numbers can overflow (a histogram of huge values): a client error.
    throw target.opts.dialect.mapError(err) ?? err;
  }
  const decoders = [...plan.keys.map((k) => keyDecoder(target, k)), ...plan.measures.map((m) => measureDecoder(target, m.measure))];
  for (const row of rows) {
    for (let i = 0; i < decoders.length; i++) row[i] = decoders[i]!(row[i]);
  }
  return rows;
}

function groupSql(opts: BranchSqlOptions, plan: GroupPlan): RawBuilder<unknown> {
  const d = opts.dialect;
  const filters = new FilterSql(d);
  const joins = plan.joins.map((j) =>
    sql` LEFT JOIN ${opts.table(j.table.name)} AS ${sql.id(j.alias)} ON ${sql.id(j.alias, 'id')} = ${sql.id(j.parentAlias, j.linkPath)}`);
  const elements = plan.keys.flatMap((k, i) => (k.kind === 'element' ? [sql` CROSS JOIN ${d.arrayElements(fieldSql(k.field), elementAlias(i))}`] : []));
  const where = plan.where ? sql` WHERE ${filters.compile(plan.where)}` : sql``;
  const outputs = [
    ...plan.keys.map((k, i) => sql`${keyExpr(opts, k, i)} AS ${sql.id(keyAlias(i))}`),
    ...plan.measures.map((m) => sql`${measureExpr(opts, filters, m.measure)} AS ${sql.id(m.name)}`),
  ];
  const groupBy = plan.keys.length > 0 ? sql` GROUP BY ${sql.join(plan.keys.map((_, i) => sql.lit(i + 1)))}` : sql``;
  const inner = sql`SELECT ${sql.join(outputs)} FROM ${opts.table(plan.table.name)} AS ${sql.id('t0')}${sql.join([...joins, ...elements], sql``)}${where}${groupBy}`;

  const columns = sql.join([...plan.keys.map((_, i) => sql.id(keyAlias(i))), ...plan.measures.map((m) => sql.id(m.name))]);
  const having = plan.having ? sql` WHERE ${filters.compile(plan.having)}` : sql``;
  const limit = plan.limit !== undefined ? sql` LIMIT ${sql.lit(plan.limit)}` : sql``;
  if (plan.limitPer) {
    const parents = plan.keys.slice(0, plan.limitPer.keys).map((_, i) => sql.id(keyAlias(i)));
    const window = sql`ROW_NUMBER() OVER (PARTITION BY ${sql.join(parents)}${orderSql(d, plan)}) AS "$rn"`;
    const numbered = sql`SELECT *, ${window} FROM (${inner}) AS "t0"${having}`;
    const order = sql` ORDER BY ${sql.join([...parents.map((p) => sql`${p} ASC NULLS LAST`), sql`"$rn"`])}`;
    return sql`SELECT ${columns} FROM (${numbered}) AS "t0" WHERE "$rn" <= ${sql.lit(plan.limitPer.count)}${order}${limit}`;
  }
  return sql`SELECT ${columns} FROM (${inner}) AS "t0"${having}${orderSql(d, plan)}${limit}`;
}

const isJson = (field: PlanField) => typeof field.column !== 'string' && field.column.type === 'json';

function orderSql(d: SqlDialect, plan: GroupPlan): RawBuilder<unknown> {
  const orderBy = plan.orderBy;
  if (!orderBy?.length) return sql``;
  const items = orderBy.map((o) => {
    const key = 'key' in o ? plan.keys[o.key] : undefined;
    const named = sql.id('t0', 'key' in o ? keyAlias(o.key) : o.measure);
    // JSON keys sort by jsonb's text on both engines (jsonb's own order has no SQLite twin).
    const column = key?.kind === 'value' && isJson(key.field) ? d.jsonSortText(named) : named;
    return sql`${column} ${sql.raw(o.direction === 'desc' ? 'DESC' : 'ASC')} NULLS LAST`;
  });
  return sql` ORDER BY ${sql.join(items)}`;
}

function keyExpr(opts: BranchSqlOptions, key: GroupKey, index: number): RawBuilder<unknown> {
  const d = opts.dialect;
  switch (key.kind) {
    case 'value':
      return isJson(key.field) ? d.jsonGroupKey(fieldSql(key.field)) : fieldSql(key.field);
    case 'element':
      return sql.id(elementAlias(index), 'value');
    case 'numericBucket':
      return sql`floor((CAST(${fieldSql(key.field)} AS DOUBLE PRECISION) - ${num(key.offset)}) / ${num(key.interval)})`;
    case 'timeBucket': {
      // Integer arithmetic on epoch ms; the modulo is made non-negative so dates before 1970 floor too.
      const wall = sql`(${d.epochMs(fieldSql(key.field))} + ${num(key.shift)})`;
      const into = sql`((((${wall} - ${num(key.anchor)}) % ${num(key.every)}) + ${num(key.every)}) % ${num(key.every)})`;
      return sql`(${wall} - ${into} - ${num(key.shift)})`;
    }
    case 'calendarBucket': {
      const wall = sql`(${d.epochMs(fieldSql(key.field))} + ${num(key.shift)})`;
      return sql`(${d.startOfCalendar(wall, key.unit)} - ${num(key.shift)})`;
    }
  }
}

function measureExpr(opts: BranchSqlOptions, filters: FilterSql, measure: Measure): RawBuilder<unknown> {
  switch (measure.kind) {
    case 'count': return sql`COUNT(*)`;
    case 'countIf': return sql`COUNT(CASE WHEN ${filters.compile(measure.filter)} THEN 1 END)`;
    case 'countValues': return sql`COUNT(${fieldSql(measure.field)})`;
    case 'countDistinct': return sql`COUNT(DISTINCT ${fieldSql(measure.field)})`;
    case 'sum': return sql`SUM(${fieldSql(measure.field)})`;
    case 'min': return sql`MIN(${fieldSql(measure.field)})`;
    case 'max': return sql`MAX(${fieldSql(measure.field)})`;
    // PostgreSQL averages integers as numeric; both engines answer a double.
    case 'average': return sql`CAST(AVG(${fieldSql(measure.field)}) AS DOUBLE PRECISION)`;
    case 'percentile': return opts.dialect.percentile(sql`CAST(${fieldSql(measure.field)} AS DOUBLE PRECISION)`, measure.fraction);
  }
}

function keyDecoder(target: GroupSqlTarget, key: GroupKey): (raw: unknown) => unknown {
  if (key.kind === 'value') return target.decoder(key.field);
  if (key.kind === 'element') return (raw) => (raw === null || raw === undefined ? null : String(raw));
  return toNumber;
}

function measureDecoder(target: GroupSqlTarget, measure: Measure): (raw: unknown) => unknown {
  // min/max keep the field's type (a datetime stays a datetime); the rest are numbers.
  if (measure.kind === 'min' || measure.kind === 'max') return target.decoder(measure.field);
  return toNumber;
}
