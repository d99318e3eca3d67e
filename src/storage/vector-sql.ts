import { CompiledQuery, sql } from 'kysely';
import { and, type Filter } from '../core/query/filter-ast.js';
import type { NearestHit, NearestPlan } from '../core/analytics/group-plan.js';
import { FilterSql, fieldSql } from './filter-sql.js';
import type { GroupSqlTarget } from './group-sql.js';

/**
 * Exact nearest-vector search: every row matching the filter is scored in SQL (the
 * dialect's vectorScore) and the engine keeps the best `limit` (ORDER BY … LIMIT is a
 * bounded top-k sort on both engines). Only ids and scores leave the database.
 */
export async function runNearestPlan(target: Pick<GroupSqlTarget, 'db' | 'opts'>, plan: NearestPlan): Promise<NearestHit[]> {
  const { opts, db } = target;
  const column = { tableAlias: 't0', column: plan.column };
  const where: Filter = and([{ kind: 'exists', field: { kind: 'column', ...column } }, ...(plan.where ? [plan.where] : [])]);
  const joins = plan.joins.map((j) =>
    sql` LEFT JOIN ${opts.table(j.table.name)} AS ${sql.id(j.alias)} ON ${sql.id(j.alias, 'id')} = ${sql.id(j.parentAlias, j.linkPath)}`);
  const score = opts.dialect.vectorScore(fieldSql(column), plan.query, plan.similarity);
  const compiled = sql`SELECT ${sql.id('t0', 'id')} AS "id", ${score} AS "score" FROM ${opts.table(plan.table.name)} AS ${sql.id('t0')}${sql.join(joins, sql``)}
    WHERE ${new FilterSql(opts.dialect).compile(where)} ORDER BY "score" DESC NULLS LAST, ${sql.id('t0', 'id')} ASC LIMIT ${sql.lit(plan.limit)}`.compile(db);
  let rows: unknown[][];
  try {
    if (opts.arrays) {
      rows = await opts.arrays(compiled.sql, compiled.parameters);
    } else {
      const result = await db.executeQuery<{ id: unknown; score: unknown }>(CompiledQuery.raw(compiled.sql, [...compiled.parameters]));
      rows = result.rows.map((row) => [row.id, row.score]);
    }
  } catch (err) {
    // Huge components can overflow the arithmetic (PostgreSQL refuses it): a client error.
    throw opts.dialect.mapError(err) ?? err;
  }
  // A zero vector has no cosine similarity: such rows sort last and are left out.
  return rows.filter((row) => row[1] !== null && row[1] !== undefined).map((row) => ({ id: row[0] as string | number, score: Number(row[1]) }));
}
