import { randomBytes } from 'node:crypto';
import type { BranchContext, DatabaseService } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import type { ColumnDefinition } from '../../kernel/model/column-types.js';
import type { TableMeta } from '../../kernel/model/table-meta.js';
import type { IdKind, TableModel } from '../../kernel/model/table-model.js';
import { assertTableName } from '../names.js';
import { applyMigration } from './apply-migration.js';
import { releaseAfterCommit } from '../files/file-effects.js';
import type { MigrationOp } from './migration-ops.js';
import { migrateWithMeta } from './migrate-with-meta.js';
import { xanoColumnDefinition, type XanoColumnTables } from './xano-column-input.js';
import { applyIndexChange, planIndexes } from './xano-indexes.js';
import { assertColumnsPerTable } from './column-limit.js';

/**
 * Tables as the Metadata API manages them: addressed by integer id (the catalog id), with
 * the metadata Xata has no place for kept in the catalog (table-meta.ts). A table created
 * here has integer auto-increment ids and, unless a schema is given, a `created_at`
 * timestamp defaulting to now; the data API sees the same table under the same name.
 */
export interface TableListQuery { page: number; perPage: number; search?: string; sort: 'created_at' | 'updated_at' | 'name'; order: 'asc' | 'desc' }
export interface TableCreateInput {
  name: string; description?: string; docs?: string; auth?: boolean | null; guid?: string | null;
  tag?: string[] | null; autocomplete?: Array<{ name: string }> | null; schema?: unknown; index?: unknown;
}
export interface TableMetaPatch { name?: string | null; description?: string | null; docs?: string | null; tag?: string[] | null; auth?: boolean | null }

const inputError = (param: string, message: string) => new StrataError('BAD_REQUEST', message, { param });
const now = () => new Date().toISOString();
/** Xano-style guids: 27 url-safe characters. */
const newGuid = () => randomBytes(20).toString('base64url').slice(0, 27);

export const CREATED_AT: ColumnDefinition = {
  name: 'created_at', type: 'datetime', defaultValue: 'now',
  xano: { type: 'timestamp', style: 'single', description: '', nullable: true, required: false, access: 'public', sensitive: false },
};

export const updatedAt = (table: TableModel): string => table.meta?.updatedAt ?? table.createdAt;

export function tablesById(tables: Iterable<TableModel>): XanoColumnTables {
  const byId = new Map([...tables].map((t) => [t.id, t]));
  return { byId: (id) => byId.get(id) };
}

export class XanoTableService {
  constructor(private readonly databases: DatabaseService) {}

  async get(ctx: BranchContext, id: number): Promise<TableModel> {
    const table = (await ctx.schema()).ordered().find((t) => t.id === id);
    if (!table) throw new StrataError('NOT_FOUND', `table [${id}] not found`, { param: 'table_id' });
    return table;
  }

  /** A page of tables; `search` matches names case-insensitively. */
  async list(ctx: BranchContext, query: TableListQuery): Promise<{ items: TableModel[]; more: boolean }> {
    const needle = query.search?.toLowerCase();
    const key = (t: TableModel) => (query.sort === 'name' ? t.name.toLowerCase() : query.sort === 'created_at' ? t.createdAt : updatedAt(t));
    const sorted = (await ctx.schema()).ordered()
      .filter((t) => !needle || t.name.toLowerCase().includes(needle))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id) * (query.order === 'desc' ? -1 : 1));
    const start = (query.page - 1) * query.perPage;
    return { items: sorted.slice(start, start + query.perPage), more: sorted.length > start + query.perPage };
  }

  async create(ctx: BranchContext, input: TableCreateInput): Promise<TableModel> {
    try { assertTableName(input.name); } catch (err) { throw inputError('name', (err as Error).message); }
    const schema = await ctx.schema();
    const columns = input.schema == null ? [CREATED_AT] : schemaColumns(input.schema, tablesById(schema.tables.values()));
    checkAutocomplete(input.autocomplete, columns);
    const ops: MigrationOp[] = [{ addTable: { table: input.name } }, ...columns.map((column) => ({ addColumn: { table: input.name, column } }))];
    await migrateWithMeta(this.databases, ctx, ops, input.name, () => ({
      description: input.description ?? '', docs: input.docs ?? '', auth: input.auth ?? false, guid: input.guid ?? newGuid(),
      tag: input.tag ?? [], autocomplete: input.autocomplete ?? [], updatedAt: now(),
    }), {
      idKind: 'int',
      // Indexes are built after the columns, in the same transaction: a bad one leaves no table behind.
      within: async (tx, table) => {
        if (isEmpty(input.index)) return {};
        const change = planIndexes(table, input.index, 'index');
        await applyIndexChange(tx, table, change);
        return { index: change.next };
      },
    });
    return (await ctx.schema()).tables.get(input.name)!;
  }

  /** Partial: only the fields given (not null) change; a new name renames the table. */
  async updateMeta(ctx: BranchContext, id: number, patch: TableMetaPatch): Promise<TableModel> {
    const table = await this.get(ctx, id);
    const name = patch.name ?? table.name;
    const ops: MigrationOp[] = name !== table.name ? [{ renameTable: { oldName: table.name, newName: name } }] : [];
    const changes: Partial<TableMeta> = {};
    for (const key of ['description', 'docs', 'tag', 'auth'] as const) if (patch[key] != null) Object.assign(changes, { [key]: patch[key] });
    await migrateWithMeta(this.databases, ctx, ops, name, (current) => ({ ...current, ...changes, updatedAt: now() }));
    return this.get(ctx, id);
  }

  async setAutocomplete(ctx: BranchContext, id: number, autocomplete: Array<{ name: string }>): Promise<TableModel> {
    const table = await this.get(ctx, id);
    checkAutocomplete(autocomplete, table.definitions);
    await migrateWithMeta(this.databases, ctx, [], table.name, (current) => ({ ...current, autocomplete, updatedAt: now() }));
    return this.get(ctx, id);
  }

  async remove(ctx: BranchContext, id: number): Promise<void> {
    const table = await this.get(ctx, id);
    try {
      await releaseAfterCommit(ctx.files, (released) => ctx.store.transaction((tx) => applyMigration(tx, [{ removeTable: { table: table.name } }], { released })));
    } finally {
      this.databases.schemaChanged(ctx.branch.id);
    }
  }
}

const isEmpty = (value: unknown) => value == null || (Array.isArray(value) && value.length === 0)
  || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);

/** A create's or PUT's `schema` → column definitions; Xano lists `id` first, which is the table's own id. */
/** `idKind`: the table's id column, which a schema may list first with its own type (int, or text for a data API table). */
export function schemaColumns(input: unknown, tables: XanoColumnTables, idKind: IdKind = 'int'): ColumnDefinition[] {
  const idType = idKind === 'int' ? 'int' : 'text';
  if (!Array.isArray(input)) throw inputError('schema', 'schema must be an array of columns');
  // Xano columns are leaves (no object columns); the id is not one of them.
  assertColumnsPerTable(input.filter((c) => (c as { name?: unknown } | null)?.name !== 'id').length, undefined, 'schema');
  const columns: ColumnDefinition[] = [];
  const names = new Set<string>();
  for (const [i, item] of input.entries()) {
    const name = (item as { name?: unknown } | null)?.name;
    if (name === 'id') {
      const type = (item as { type?: unknown }).type;
      if (i !== 0 || (type !== undefined && type !== idType)) {
        throw inputError(`schema.${i}`, `id is the table's ${idKind === 'int' ? 'integer' : 'text'} id: list it first, with type ${idType} (or leave it out)`);
      }
      continue;
    }
    let column: ColumnDefinition;
    try {
      column = xanoColumnDefinition(item, tables);
    } catch (err) {
      if (err instanceof StrataError) throw new StrataError(err.code, err.message, { param: `schema.${i}.${err.param ?? ''}`.replace(/\.$/, '') });
      throw err;
    }
    if (names.has(column.name.toLowerCase())) throw inputError(`schema.${i}.name`, `column [${column.name}] is listed twice`);
    names.add(column.name.toLowerCase());
    columns.push(column);
  }
  return columns;
}

export function checkAutocomplete(autocomplete: Array<{ name: string }> | null | undefined, columns: ColumnDefinition[]): void {
  for (const [i, item] of (autocomplete ?? []).entries()) {
    if (item.name !== 'id' && !columns.some((c) => c.name === item.name)) throw inputError(`autocomplete.${i}.name`, `column [${item.name}] not found`);
  }
}
