import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PlanField } from '../kernel/plans/select-plan.js';
import { TOTAL_COUNT_LIMIT, type NumericModifier, type ScoreBooster, type SearchHits, type SearchPlan } from '../kernel/plans/search-plan.js';
import { searchableLeaves } from '../kernel/text/search-text.js';
import type { BranchSqlOptions } from './branch-sql.js';
import { FilterSql, fieldSql } from './filter-sql.js';
import type { SearchDialect } from './search-dialect.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * A SearchPlan → SQL, for both engines, in three steps so that a word found in most records
 * costs no more than ranking them: (1) the page's ids and scores — the engine's match and
 * rank, the filter (with its joins), the boosters folded into the score, best first (ties by
 * id), LIMIT/OFFSET — which reads only the index, the table's rows and the filter's joins;
 * (2) the page's fields, joined for its few records only; (3) the number of matches, counted
 * up to TOTAL_COUNT_LIMIT + 1 (and not counted at all when the page ends before its size).
 */
/** A record that matched only through typo variants scores this fraction of an exact match. */
const VARIANT_ONLY_WEIGHT = 0.5;

export async function runSearch(db: Kysely<any>, opts: BranchSqlOptions, plan: SearchPlan): Promise<SearchHits> {
  const d = opts.dialect;
  const engine = d.search;
  const match = engine.match({ db, table: opts.table }, plan, searchableLeaves(plan.table));
  const score = scoreSql(engine, new FilterSql(d), match.rank, match.exact, plan.boosters);
  const joinsSql = (joins: SearchPlan['joins']) => sql.join(joins.map((j) =>
    sql` LEFT JOIN ${opts.table(j.table.name)} AS ${sql.id(j.alias)} ON ${sql.id(j.alias, 'id')} = ${sql.id(j.parentAlias, j.linkPath)}`), sql``);

  const where = [match.where, new FilterSql(d).compile(plan.where)].filter((w): w is RawBuilder<unknown> => w !== undefined);
  const from = sql`FROM ${opts.table(plan.table.name)} AS "t0"${match.join ?? sql``}${joinsSql(plan.filterJoins)} WHERE ${sql.join(where, sql` AND `)}`;
  const page = sql`SELECT "t0"."id" AS "_id", ${score} AS "_score" ${from}
    ORDER BY "_score" DESC, "t0"."id" ASC LIMIT ${sql.lit(plan.limit)} OFFSET ${sql.lit(plan.offset)}`;
  const fields = plan.fields.map((f, i) => sql`${fieldSql(f)} AS ${sql.id(`c${i}`)}`);
  const query = sql<Record<string, unknown>>`SELECT ${sql.join(fields)}, "_h"."_score" AS "_score"
    FROM (${page}) AS "_h" JOIN ${opts.table(plan.table.name)} AS "t0" ON "t0"."id" = "_h"."_id"${joinsSql(plan.joins)}
    ORDER BY "_h"."_score" DESC, "t0"."id" ASC`;
  // Both statements go through the full-text index where the engine can be told to: with a
  // query of many typo variants PostgreSQL's estimate otherwise picks a scan of every row.
  const viaIndex = <T>(run: (on: Kysely<any>) => Promise<T>) => (engine.throughIndex ? engine.throughIndex(db, run) : run(db));
  const result = await viaIndex((on) => query.execute(on));
  const found = result.rows.length;
  // A short page that is not past the end holds the last match: the count is known.
  let total = plan.offset + found;
  if (found === plan.limit || (found === 0 && plan.offset > 0)) {
    const count = (on: Kysely<any>) => sql<{ n: unknown }>`SELECT COUNT(*) AS "n" FROM (SELECT 1 AS "one" ${from} LIMIT ${sql.lit(TOTAL_COUNT_LIMIT + 1)}) AS "_c"`.execute(on);
    const counted = await viaIndex(count);
    total = Number(counted.rows[0]?.n ?? 0);
  }
  const decoders = plan.fields.map((f) => decoderFor(d, f));
  return {
    rows: result.rows.map((row) => decoders.map((decode, i) => decode(row[`c${i}`]))),
    scores: result.rows.map((row) => Number(row._score)),
    total: Math.min(total, TOTAL_COUNT_LIMIT),
  };
}

/** relevance × (exact ? 1 : ½) × value boosters + numeric boosters + date boosters. */
function scoreSql(engine: SearchDialect, filters: FilterSql, rank: RawBuilder<unknown>, exact: RawBuilder<unknown> | undefined, boosters: ScoreBooster[]): RawBuilder<unknown> {
  const num = (n: number) => engine.float(sql`${n}`);
  let relevance = engine.float(rank);
  if (exact) relevance = sql`${relevance} * (CASE WHEN ${exact} THEN ${num(1)} ELSE ${num(VARIANT_ONLY_WEIGHT)} END)`;
  const added: RawBuilder<unknown>[] = [];
  for (const booster of boosters) {
    const when = filters.compile(booster.when);
    if (booster.kind === 'multiply') {
      relevance = sql`${relevance} * (CASE WHEN ${when} THEN ${num(booster.factor)} ELSE ${num(1)} END)`;
      continue;
    }
    const value = fieldSql(booster.field);
    if (booster.kind === 'numeric') {
      const { expr, domain } = modified(engine.float(value), booster.modifier);
      added.push(sql`(CASE WHEN ${when} AND ${value} IS NOT NULL${domain ? sql` AND ${domain}` : sql``} THEN ${num(booster.factor)} * ${expr} ELSE ${num(0)} END)`);
    } else {
      // Exponential decay: 1 at the origin, `decay` at `scale` from it, decay² at twice that…
      const distance = sql`abs(${engine.epochMs(value)} - ${num(booster.origin)}) / ${num(booster.scale)}`;
      added.push(sql`(CASE WHEN ${when} AND ${value} IS NOT NULL THEN ${num(booster.factor)} * power(${num(booster.decay)}, ${distance}) ELSE ${num(0)} END)`);
    }
  }
  return added.length > 0 ? sql`(${relevance} + ${sql.join(added, sql` + `)})` : relevance;
}

/** A numeric booster's modifier, and the values it is defined for (others add nothing). */
function modified(x: RawBuilder<unknown>, modifier: NumericModifier): { expr: RawBuilder<unknown>; domain?: RawBuilder<unknown> } {
  switch (modifier) {
    case 'none': return { expr: x };
    case 'log': return { expr: sql`log(${x})`, domain: sql`${x} > 0` };
    case 'log1p': return { expr: sql`log(${x} + 1)`, domain: sql`${x} > -1` };
    case 'ln': return { expr: sql`ln(${x})`, domain: sql`${x} > 0` };
    case 'ln1p': return { expr: sql`ln(${x} + 1)`, domain: sql`${x} > -1` };
    case 'square': return { expr: sql`(${x} * ${x})` };
    case 'sqrt': return { expr: sql`sqrt(${x})`, domain: sql`${x} >= 0` };
    case 'reciprocal': return { expr: sql`(1 / ${x})`, domain: sql`${x} <> 0` };
  }
}

function decoderFor(d: SqlDialect, field: PlanField): (raw: unknown) => unknown {
  const column = field.column;
  const absent = (raw: unknown) => raw === null || raw === undefined;
  if (column === 'id') return (raw) => raw;
  if (column === 'version') return (raw) => (absent(raw) ? raw : Number(raw));
  if (column === 'createdAt' || column === 'updatedAt') return (raw) => (absent(raw) ? null : d.decodeTimestamp(raw));
  return (raw) => (absent(raw) ? null : d.decode(column, raw));
}
