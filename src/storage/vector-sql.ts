import { CompiledQuery, sql } from 'kysely';
import { and, type Filter } from '../kernel/plans/filter-ast.js';
import type { NearestPlan, NearestResult } from '../kernel/plans/group-plan.js';
import { FilterSql, fieldSql } from './filter-sql.js';
import type { GroupSqlTarget } from './group-sql.js';

/**
 * Exact nearest-vector search: every row matching the filter is scored in SQL (the
 * dialect's vectorScore) and the engine keeps the best `limit` (ORDER BY … LIMIT is a
 * bounded top-k sort on both engines). Only ids and scores leave the database, with the
 * number of scored rows (`COUNT(*) OVER ()` is taken before the LIMIT): Xata's `totalCount`.
 */
export async function runNearestPlan(target: Pick<GroupSqlTarget, 'db' | 'opts'>, plan: NearestPlan): Promise<NearestResult> {
  const { opts, db } = target;
  const column = { tableAlias: 't0', column: plan.column };
  const where: Filter = and([{ kind: 'exists', field: { kind: 'column', ...column } }, ...(plan.where ? [plan.where] : [])]);
  const joins = plan.joins.map((j) =>
    sql` LEFT JOIN ${opts.table(j.table.name)} AS ${sql.id(j.alias)} ON ${sql.id(j.alias, 'id')} = ${sql.id(j.parentAlias, j.linkPath)}`);
  const score = opts.dialect.vectorScore(fieldSql(column), plan.query, plan.similarity);
  const scored = sql`SELECT ${sql.id('t0', 'id')} AS "id", ${score} AS "score" FROM ${opts.table(plan.table.name)} AS ${sql.id('t0')}${sql.join(joins, sql``)}
    WHERE ${new FilterSql(opts.dialect).compile(where)}`;
  // A zero vector has no cosine similarity (a null score): such rows are neither kept nor counted.
  const compiled = sql`SELECT "id", "score", COUNT(*) OVER () AS "total" FROM (${scored}) AS "scored"
    WHERE "score" IS NOT NULL ORDER BY "score" DESC, "id" ASC LIMIT ${sql.lit(plan.limit)}`.compile(db);
  let rows: unknown[][];
  try {
    if (opts.arrays) {
      rows = await opts.arrays(compiled.sql, compiled.parameters);
    } else {
      const result = await db.executeQuery<{ id: unknown; score: unknown; total: unknown }>(CompiledQuery.raw(compiled.sql, [...compiled.parameters]));
      rows = result.rows.map((row) => [row.id, row.score, row.total]);
    }
  } catch (err) {
    // Huge components can overflow the arithmetic (PostgreSQL refuses it): a client error.
    throw opts.dialect.mapError(err) ?? err;
  }
  return {
    hits: rows.map((row) => ({ id: row[0] as string | number, score: Number(row[1]) })),
    total: rows.length === 0 ? 0 : Number(rows[0]![2]),
  };
}
