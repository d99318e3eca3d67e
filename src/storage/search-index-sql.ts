import { sql, type Kysely } from 'kysely';
import type { LeafColumn } from '../kernel/model/column-types.js';
import type { TableModel } from '../kernel/model/table-model.js';
import { MAX_EXPANSIONS, nearestTerms } from '../kernel/text/fuzzy.js';
import type { TermToExpand } from '../kernel/plans/search-plan.js';
import { isSearchable, searchableLeaves } from '../kernel/text/search-text.js';
import type { BranchSqlOptions } from './branch-sql.js';
import { sameColumns, type SearchContext } from './search-dialect.js';

/**
 * When a table's search index is built and kept, for both engines. `_strata_search` records,
 * per table, the columns its index was built for; schema changes call in here (BranchSql's
 * saveTableRecord, deleteTableRecord, renameColumn, dropColumn) inside their transaction, so
 * the index changes atomically with the schema. Record writes never call in: the engine's
 * triggers keep the index in step with them.
 */
export const SEARCH_STATE_TABLE = '_strata_search';
/**
 * Bumped when the index layout changes: an index of another version is rebuilt (2: the word list
 * has one-deletion keys; SQLite has a word list; 3: PostgreSQL stores each column's tsvector).
 */
const INDEX_VERSION = 3;
/** Variants are checked against the index (liveTerms) this many at a time, nearest first. */
const LIVE_CHECK_BATCH = 64;

export class SearchIndexSql {
  constructor(private readonly db: Kysely<any>, private readonly opts: BranchSqlOptions) {}

  private get c(): SearchContext {
    return { db: this.db, table: this.opts.table };
  }
  private get engine() {
    return this.opts.dialect.search;
  }

  async isReady(table: TableModel): Promise<boolean> {
    const covered = await this.covered(table.id);
    return covered !== undefined && sameColumns(covered, searchableLeaves(table).map((l) => l.path));
  }

  /** Builds or updates the index to the table's current searchable columns. */
  async sync(table: TableModel): Promise<void> {
    await sql`CREATE TABLE IF NOT EXISTS ${this.opts.table(SEARCH_STATE_TABLE)} (
      "table_id" integer PRIMARY KEY, "version" integer NOT NULL, "columns" text NOT NULL)`.execute(this.db);
    const leaves = searchableLeaves(table);
    await this.engine.sync(this.c, table, leaves, await this.covered(table.id));
    await this.save(table.id, leaves.map((l) => l.path));
    this.opts.afterDdl?.();
  }

  async drop(tableId: number): Promise<void> {
    if (!(await this.engine.hasStateTable(this.c))) return;
    await this.engine.drop(this.c, tableId);
    await sql`DELETE FROM ${this.opts.table(SEARCH_STATE_TABLE)} WHERE "table_id" = ${tableId}`.execute(this.db);
    this.opts.afterDdl?.();
  }

  /** The index follows a column rename (the engine's triggers and indexes follow it by themselves). */
  async renameColumn(table: TableModel, from: string, to: string): Promise<void> {
    const covered = await this.covered(table.id);
    if (covered?.includes(from)) await this.save(table.id, covered.map((p) => (p === from ? to : p)));
  }

  async beforeDropColumn(table: TableModel, leaf: LeafColumn): Promise<void> {
    if (!isSearchable(leaf) || !(await this.engine.hasStateTable(this.c))) return;
    if (await this.engine.beforeDropColumn(this.c, table, leaf)) {
      await sql`DELETE FROM ${this.opts.table(SEARCH_STATE_TABLE)} WHERE "table_id" = ${table.id}`.execute(this.db);
    }
    this.opts.afterDdl?.();
  }

  /** For each term, the index terms within its edits, nearest first (none for a term without edits). */
  async variants(table: TableModel, terms: TermToExpand[]): Promise<string[][]> {
    const out: string[][] = [];
    for (const term of terms) {
      const candidates = term.edits > 0 ? await this.engine.candidateTerms(this.c, table, term) : [];
      const live = this.engine.liveTerms?.bind(this.engine);
      if (!live) {
        out.push(nearestTerms(term.text, candidates, term.edits, term.prefix));
        continue;
      }
      const nearest = nearestTerms(term.text, candidates, term.edits, term.prefix, Infinity);
      const kept: string[] = [];
      for (let i = 0; i < nearest.length && kept.length < MAX_EXPANSIONS; i += LIVE_CHECK_BATCH) {
        kept.push(...(await live(this.c, table, nearest.slice(i, i + LIVE_CHECK_BATCH))));
      }
      out.push(kept.slice(0, MAX_EXPANSIONS));
    }
    return out;
  }

  /** The columns the table's index covers, if it has one of the current version. */
  private async covered(tableId: number): Promise<string[] | undefined> {
    if (!(await this.engine.hasStateTable(this.c))) return undefined;
    const r = await sql<{ version: number | string; columns: string }>`
      SELECT "version", "columns" FROM ${this.opts.table(SEARCH_STATE_TABLE)} WHERE "table_id" = ${tableId}`.execute(this.db);
    const row = r.rows[0];
    return row && Number(row.version) === INDEX_VERSION ? (JSON.parse(row.columns) as string[]) : undefined;
  }

  private async save(tableId: number, columns: string[]): Promise<void> {
    const state = this.opts.table(SEARCH_STATE_TABLE);
    await sql`DELETE FROM ${state} WHERE "table_id" = ${tableId}`.execute(this.db);
    await sql`INSERT INTO ${state} ("table_id", "version", "columns") VALUES (${tableId}, ${INDEX_VERSION}, ${JSON.stringify(columns)})`.execute(this.db);
  }
}
