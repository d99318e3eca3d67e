import { sql, type Kysely } from 'kysely';
import type { BranchSqlOptions } from './branch-sql.js';
import type { ChangeInput, ChangeRow } from '../core/ports/change-log.js';

/**
 * The branch's change log: every committed record write as a row with a sequence number.
 * Numbers come from one counter row per branch, bumped in the writing transaction; its row
 * lock is held until commit, so on PostgreSQL (parallel writers) numbers are handed out in
 * commit order with no holes: a reader that has seen N has seen everything before N. The
 * `branch_id` column keeps a SQLite branch copy (a file copy) from inheriting its source's log.
 */
export const CHANGES_TABLE = '_strata_changes';
export const CHANGE_HEAD_TABLE = '_strata_change_head';


const PRUNE_EVERY = 1000;

export class ChangeLogSql {
  constructor(private readonly db: Kysely<any>, private readonly opts: BranchSqlOptions) {}

  private t(name: string) {
    return this.opts.table(name);
  }

  /** Creates the log's tables (branches made before change streams have none); under the catalog lock. */
  async ensure(): Promise<void> {
    await this.opts.dialect.lockCatalog?.(this.db, this.t('_strata_tables'));
    await sql`CREATE TABLE IF NOT EXISTS ${this.t(CHANGES_TABLE)} ("branch_id" bigint NOT NULL, "seq" bigint NOT NULL,
      "at" bigint NOT NULL, "table_name" text NOT NULL, "record_id" text NOT NULL, "op" text NOT NULL, "version" bigint,
      "record" text, PRIMARY KEY ("branch_id", "seq"))`.execute(this.db);
    await sql`CREATE TABLE IF NOT EXISTS ${this.t(CHANGE_HEAD_TABLE)} ("branch_id" bigint PRIMARY KEY, "seq" bigint NOT NULL)`.execute(this.db);
  }

  /** Appends rows in order (inside the writing transaction); answers the last sequence number. */
  async append(branchId: number, rows: ChangeInput[], retain: number): Promise<number> {
    const head = await sql<{ seq: number | string }>`INSERT INTO ${this.t(CHANGE_HEAD_TABLE)} AS "h" ("branch_id", "seq") VALUES (${branchId}, ${rows.length})
      ON CONFLICT ("branch_id") DO UPDATE SET "seq" = "h"."seq" + excluded."seq" RETURNING "seq"`.execute(this.db);
    const last = Number(head.rows[0]!.seq);
    const first = last - rows.length + 1;
    for (let i = 0; i < rows.length; i += 100) {
      const values = rows.slice(i, i + 100).map((r, k) =>
        sql`(${branchId}, ${first + i + k}, ${r.at}, ${r.table}, ${r.recordId}, ${r.op}, ${r.version}, ${r.record})`);
      await sql`INSERT INTO ${this.t(CHANGES_TABLE)} ("branch_id", "seq", "at", "table_name", "record_id", "op", "version", "record")
        VALUES ${sql.join(values)}`.execute(this.db);
    }
    // Now and then (each time the counter passes a multiple of `step`), forget what is beyond the
    // resume window: the log holds at most retain + step rows, and most writes skip the DELETE.
    const step = Math.max(1, Math.min(PRUNE_EVERY, Math.ceil(retain / 10)));
    if (Math.floor(last / step) !== Math.floor((first - 1) / step)) {
      await sql`DELETE FROM ${this.t(CHANGES_TABLE)} WHERE "branch_id" = ${branchId} AND "seq" <= ${last - retain}`.execute(this.db);
    }
    await this.opts.dialect.notifyChanges?.(this.db, `${branchId}:${last}`);
    return last;
  }

  async read(branchId: number, afterSeq: number, limit: number): Promise<ChangeRow[]> {
    const r = await sql<Record<string, any>>`SELECT "seq", "at", "table_name", "record_id", "op", "version", "record" FROM ${this.t(CHANGES_TABLE)}
      WHERE "branch_id" = ${branchId} AND "seq" > ${afterSeq} ORDER BY "seq" LIMIT ${limit}`.execute(this.db);
    return r.rows.map((row) => ({
      seq: Number(row.seq), at: Number(row.at), table: row.table_name, recordId: row.record_id, op: row.op,
      version: row.version === null ? null : Number(row.version), record: row.record,
    }));
  }

  async head(branchId: number): Promise<number> {
    const r = await sql<{ seq: number | string }>`SELECT "seq" FROM ${this.t(CHANGE_HEAD_TABLE)} WHERE "branch_id" = ${branchId}`.execute(this.db);
    return Number(r.rows[0]?.seq ?? 0);
  }
}
