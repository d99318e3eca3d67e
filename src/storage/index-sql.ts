import { sql, type Kysely } from 'kysely';
import { StrataError } from '../kernel/errors.js';
import type { TableIndex } from '../kernel/model/table-index.js';
import type { LeafColumn } from '../kernel/model/column-types.js';
import type { TableModel } from '../kernel/model/table-model.js';
import type { BranchSqlOptions } from './branch-sql.js';
import type { SearchContext } from './search-dialect.js';

/**
 * The Metadata API's indexes as real engine indexes, for both engines, inside the schema
 * change's transaction (so a failed build leaves nothing behind). Each is named
 * `xi_<table id>_<index id>`: ids are unique per branch, names per schema (PostgreSQL) or file
 * (SQLite). btree and unique indexes are plain SQL here; search, spatial and vector indexes
 * are the engine's business (index-dialect.ts).
 */
/** The message of a unique violation on these columns (one for a column's own constraint, several for a composite index). */
export function notUnique(columns: string[] | undefined): string {
  if (!columns?.length) return 'a unique constraint was violated';
  return columns.length === 1 ? `column [${columns[0]}]: value is not unique` : `columns [${columns.join(', ')}]: the combination of values is not unique`;
}

export const indexName = (table: TableModel, index: TableIndex) => `xi_${table.id}_${index.id}`;

export class TableIndexSql {
  constructor(private readonly db: Kysely<any>, private readonly opts: BranchSqlOptions) {}

  private get c(): SearchContext {
    return { db: this.db, table: this.opts.table };
  }
  private get engine() {
    return this.opts.dialect.indexes;
  }

  async create(table: TableModel, index: TableIndex): Promise<void> {
    const name = indexName(table, index);
    const leaf = (field: string): LeafColumn => {
      const found = table.leaf(field);
      if (!found) throw new StrataError('NOT_FOUND', `column [${field}] not found in table [${table.name}]`, { param: 'fields' });
      return found;
    };
    switch (index.type) {
      case 'btree':
      case 'unique':
        await this.createBtree(table, name, index);
        break;
      case 'search':
        await this.engine.createSearch(this.c, table, name, index.lang, index.fields.map((f) => ({ leaf: leaf(f.name), priority: f.priority })));
        break;
      case 'spatial':
        await this.engine.createSpatial(this.c, table, name, leaf(index.fields[0]!.name));
        break;
      case 'vector':
        await this.engine.createVector(this.c, table, name, leaf(index.fields[0]!.name), index.fields[0]!.op);
        break;
      case 'gin':
        await this.engine.createGin(this.c, table, name, leaf(index.fields[0]!.name), index.fields[0]!.op);
        break;
    }
    await this.engine.label?.(this.c, name, index.id);
    this.opts.afterDdl?.();
  }

  async drop(table: TableModel, index: TableIndex): Promise<void> {
    const name = indexName(table, index);
    if (index.type === 'search') {
      await this.engine.dropSearch(this.c, table, name, index.id);
    } else {
      const found = await this.engine.locate(this.c, table, name, index.id);
      if (found) await sql`DROP INDEX ${this.opts.table(found)}`.execute(this.db);
    }
    this.opts.afterDdl?.();
  }

  private async createBtree(table: TableModel, name: string, index: Extract<TableIndex, { type: 'btree' | 'unique' }>): Promise<void> {
    const columns = index.fields.map((f) => sql`${sql.id(f.name)}${sql.raw(f.op === 'desc' ? this.engine.descending : '')}`);
    const unique = index.type === 'unique' ? sql`UNIQUE ` : sql``;
    try {
      await sql`CREATE ${unique}INDEX ${sql.id(name)} ON ${this.opts.table(table.name)} (${sql.join(columns)})`.execute(this.db);
    } catch (err) {
      if (this.opts.dialect.mapError(err)?.code !== 'CONSTRAINT_VIOLATION') throw err;
      const fields = index.fields.map((f) => f.name).join(', ');
      throw new StrataError('CONSTRAINT_VIOLATION', `unique index on [${fields}] not created: records of table [${table.name}] share the same values there; make them unique first`, { param: 'fields' });
    }
  }
}
