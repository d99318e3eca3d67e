import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PlanField } from '../core/query/select-plan.js';
import type { NumericModifier, ScoreBooster, SearchHits, SearchPlan } from '../core/search/search-plan.js';
import { searchableLeaves } from '../core/search/search-text.js';
import type { BranchSqlOptions } from './branch-sql.js';
import { FilterSql, fieldSql } from './filter-sql.js';
import type { SearchDialect } from './search-dialect.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * A SearchPlan → one SELECT, for both engines: the engine's match and rank, the filter, the
 * boosters folded into the score, ordered best first (ties by id) with the total number of
 * matches alongside (a window count, so one statement answers both).
 */
/** A record that matched only through typo variants scores this fraction of an exact match. */
const VARIANT_ONLY_WEIGHT = 0.5;

export async function runSearch(db: Kysely<any>, opts: BranchSqlOptions, plan: SearchPlan): Promise<SearchHits> {
  const d = opts.dialect;
  const engine = d.search;
  const match = engine.match({ db, table: opts.table }, plan, searchableLeaves(plan.table));
  const score = scoreSql(engine, new FilterSql(d), match.rank, match.exact, plan.boosters);

  const fields = plan.fields.map((f, i) => sql`${fieldSql(f)} AS ${sql.id(`c${i}`)}`);
  const joins = plan.joins.map((j) =>
    sql` LEFT JOIN ${opts.table(j.table.name)} AS ${sql.id(j.alias)} ON ${sql.id(j.alias, 'id')} = ${sql.id(j.parentAlias, j.linkPath)}`);
  const where = [match.where, new FilterSql(d).compile(plan.where)].filter((w): w is RawBuilder<unknown> => w !== undefined);
  const from = sql`FROM ${opts.table(plan.table.name)} AS "t0"${match.join ?? sql``}${sql.join(joins, sql``)} WHERE ${sql.join(where, sql` AND `)}`;
  const query = sql<Record<string, unknown>>`SELECT ${sql.join(fields)}, ${score} AS "_score", COUNT(*) OVER () AS "_total" ${from}
    ORDER BY "_score" DESC, "t0"."id" ASC LIMIT ${sql.lit(plan.limit)} OFFSET ${sql.lit(plan.offset)}`;
  const result = await query.execute(db);
  let total = Number(result.rows[0]?._total ?? 0);
  if (result.rows.length === 0 && plan.offset > 0) {
    // A page past the end has no row to carry the count.
    total = Number((await sql<{ n: unknown }>`SELECT COUNT(*) AS "n" ${from}`.execute(db)).rows[0]?.n ?? 0);
  }
  const decoders = plan.fields.map((f) => decoderFor(d, f));
  return {
    rows: result.rows.map((row) => decoders.map((decode, i) => decode(row[`c${i}`]))),
    scores: result.rows.map((row) => Number(row._score)),
    total,
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
