import type { BranchTx } from '../ports/storage.js';
import type { BranchContext, DatabaseService } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import { PRIMARY_INDEX, sameIndex, type IndexType, type TableIndex } from '../../kernel/model/table-index.js';
import { TableModel } from '../../kernel/model/table-model.js';
import { newIndexId, parseIndex } from './index-input.js';
import type { XanoTableService } from './xano-tables.js';

/**
 * A table's indexes through the Metadata API (`…/table/{t}/index`). Every change runs in ONE
 * transaction with the catalog: the engine indexes are built or dropped, then the table's
 * metadata lists the new set, so a failure (duplicates under a new unique index, a kind the
 * engine lacks) leaves both as they were. Index changes are not migrations: Xata's schema, and
 * so its migration log, has no indexes.
 */
export type IndexView = TableIndex | typeof PRIMARY_INDEX;
interface IndexChange { drop: TableIndex[]; add: TableIndex[]; next: TableIndex[] }

const touch = () => new Date().toISOString();

/** Parses a list of indexes (a PUT, a table's creation), keeping the current ones it lists unchanged. */
export function planIndexes(table: TableModel, input: unknown, param: string): IndexChange {
  if (!Array.isArray(input)) throw new StrataError('BAD_REQUEST', 'index must be an array of indexes', { param });
  const current = table.meta?.index ?? [];
  const taken = current.map((i) => i.id);
  const next: TableIndex[] = [];
  const add: TableIndex[] = [];
  for (const [i, item] of input.entries()) {
    const id = newIndexId(taken);
    const wanted = parseIndex(item, table, id, `${param}.${i}.`);
    if (!wanted) continue;
    if (next.some((other) => sameIndex(other, wanted))) throw new StrataError('BAD_REQUEST', 'this index is listed twice', { param: `${param}.${i}` });
    const kept = current.find((index) => sameIndex(index, wanted));
    next.push(kept ?? wanted);
    if (!kept) { add.push(wanted); taken.push(id); }
  }
  return { drop: current.filter((index) => !next.includes(index)), add, next };
}

/** Applies a change to the engine (drops first, so a replaced index's name is free). */
export async function applyIndexChange(tx: BranchTx, table: TableModel, change: IndexChange): Promise<void> {
  for (const index of change.drop) await tx.dropIndex(table, index);
  for (const index of change.add) await tx.createIndex(table, index);
}

export class XanoIndexService {
  constructor(private readonly databases: DatabaseService, private readonly tables: XanoTableService) {}

  /** The primary key first, then the table's indexes in creation order. */
  async list(ctx: BranchContext, tableId: number): Promise<IndexView[]> {
    const table = await this.tables.get(ctx, tableId);
    return [PRIMARY_INDEX, ...(table.meta?.index ?? [])];
  }

  async create(ctx: BranchContext, tableId: number, type: IndexType, body: unknown): Promise<{ id: string }> {
    let created: TableIndex | undefined;
    await this.change(ctx, tableId, (table) => {
      const current = table.meta?.index ?? [];
      created = parseIndex(body, table, newIndexId(current.map((i) => i.id)), '', type)!;
      const same = current.find((index) => sameIndex(index, created!));
      if (same) throw new StrataError('BAD_REQUEST', `the table has this index already: [${same.id}]`, { param: 'fields' });
      return { drop: [], add: [created], next: [...current, created] };
    });
    return { id: created!.id };
  }

  /** Replaces the whole set: listed indexes that exist already are kept as they are, others built, the rest dropped. */
  async replace(ctx: BranchContext, tableId: number, input: unknown): Promise<IndexView[]> {
    await this.change(ctx, tableId, (table) => planIndexes(table, input, 'index'));
    return this.list(ctx, tableId);
  }

  async remove(ctx: BranchContext, tableId: number, indexId: string): Promise<void> {
    if (indexId === PRIMARY_INDEX.id) throw new StrataError('BAD_REQUEST', 'the primary index is the table\'s id: it cannot be removed', { param: 'index_id' });
    await this.change(ctx, tableId, (table) => {
      const current = table.meta?.index ?? [];
      const index = current.find((i) => i.id === indexId);
      if (!index) throw new StrataError('NOT_FOUND', `index [${indexId}] not found in table [${table.name}]`, { param: 'index_id' });
      return { drop: [index], add: [], next: current.filter((i) => i !== index) };
    });
  }

  /** One transaction: the catalog locked and read, the engine changed, the table's metadata rewritten. */
  private async change(ctx: BranchContext, tableId: number, plan: (table: TableModel) => IndexChange): Promise<void> {
    await this.tables.get(ctx, tableId); // 404 before any lock
    try {
      await ctx.store.transaction(async (tx) => {
        const record = (await tx.loadCatalog(true)).tables.find((t) => t.id === tableId);
        if (!record) throw new StrataError('NOT_FOUND', `table [${tableId}] not found`, { param: 'table_id' });
        const table = new TableModel(record);
        const change = plan(table);
        await applyIndexChange(tx, table, change);
        await tx.saveTableRecord({ ...record, meta: { ...record.meta, index: change.next, updatedAt: touch() } });
      });
    } finally {
      this.databases.schemaChanged(ctx.branch.id);
    }
  }
}
