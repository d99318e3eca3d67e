import type { LeafColumn } from '../model/column-types.js';
import type { BranchSchema, TableModel } from '../model/table-model.js';
import { StrataError, badRequest } from '../errors.js';
import { newRecordId } from '../ids.js';
import { assertRecordId } from '../names.js';
import { defaultFor } from '../model/values.js';
import { needsValue } from '../model/xano-column.js';
import type { BranchTx, BranchReader, WriteValue } from '../../storage/storage.js';
import type { BranchContext } from '../databases.js';
import { buildProjection, materialize, type RecordFormat } from './projection.js';
import { hashPasswords, parseRecordInput } from './record-input.js';

export interface ReadOptions { columns?: string[]; format: RecordFormat }
export interface WriteOptions extends ReadOptions { ifVersion?: number; createOnly?: boolean }
export interface WriteResult { record: Record<string, unknown>; created: boolean }

const recordNotFound = (id: unknown) => new StrataError('NOT_FOUND', `record [${String(id)}] not found`);
const alreadyExists = (id: unknown) => new StrataError('ALREADY_EXISTS', `record with ID [${String(id)}] already exists`);
const versionMismatch = (id: unknown, expected: number, actual: number) =>
  new StrataError('VERSION_MISMATCH', `record [${String(id)}]: version mismatch, expected ${expected} but the record is at ${actual}`);

/**
 * Single-record reads and writes: the rules (ids, versions, createOnly, ifVersion,
 * defaults, notNull, links) live here, once, for every API face. Writes run in one
 * transaction and return the record as written.
 */
export class RecordService {
  async table(ctx: BranchContext, name: string, via?: BranchReader): Promise<{ schema: BranchSchema; table: TableModel }> {
    const schema = await ctx.schema(via);
    const table = schema.tables.get(name);
    if (!table) throw new StrataError('NOT_FOUND', `table [${name}] not found`);
    return { schema, table };
  }

  async get(ctx: BranchContext, tableName: string, id: string, opts: ReadOptions): Promise<Record<string, unknown>> {
    const { schema, table } = await this.table(ctx, tableName);
    const key = storageId(table, id);
    const record = key === undefined ? undefined : await readOne(ctx.store, schema, table, key, opts);
    if (!record) throw recordNotFound(id);
    return record;
  }

  /** POST /data: a new record; an `id` in the body is used (and must be new), otherwise one is generated. */
  async insert(ctx: BranchContext, tableName: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.writeNew(ctx, tableName, 'exists', async (tx, schema, table, now, claim) => {
      const input = await hashPasswords(parseRecordInput(table, body, { allowOperators: false }));
      let id: string | null = null;
      if (input.id !== undefined && input.id !== null) {
        id = assertRecordId(String(input.id));
        if ((await tx.recordVersion(table, id)) !== undefined) throw alreadyExists(id);
        claim(id);
      } else if (table.idKind === 'string') {
        id = newRecordId();
      }
      const newId = await insertValues(tx, schema, table, id, input.values, now);
      return { record: await mustRead(tx, schema, table, newId, opts), created: true };
    });
  }

  /** PUT /data/{id}: create (201) or replace (200); createOnly refuses to replace, ifVersion guards it. */
  async put(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.writeNew(ctx, tableName, opts.createOnly ? 'exists' : 'retry', async (tx, schema, table, now, claim) => {
      const key = this.pathId(table, id);
      const input = await hashPasswords(parseRecordInput(table, body, { allowOperators: false }));
      checkBodyId(input.id, id);
      const version = await tx.recordVersion(table, key);
      if (version === undefined) {
        claim(key);
        await insertValues(tx, schema, table, key, input.values, now);
        return { record: await mustRead(tx, schema, table, key, opts), created: true };
      }
      if (opts.createOnly) throw alreadyExists(id);
      if (opts.ifVersion !== undefined && opts.ifVersion !== version) throw versionMismatch(id, opts.ifVersion, version);
      const values = withDefaults(table, input.values, now);
      await checkLinks(tx, schema, values);
      await tx.updateRecord(table, key, values, now, { replace: true });
      return { record: await mustRead(tx, schema, table, key, opts), created: false };
    });
  }

  /** PATCH /data/{id}: partial update of an existing record (404 when missing). */
  async update(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.patch(ctx, tableName, id, body, opts, false);
  }

  /** POST /data/{id}: partial update, or create when the record does not exist. */
  async upsert(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.patch(ctx, tableName, id, body, opts, true);
  }

  private patch(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions, upsert: boolean): Promise<WriteResult> {
    return this.writeNew(ctx, tableName, 'retry', async (tx, schema, table, now, claim) => {
      const key = upsert ? this.pathId(table, id) : storageId(table, id);
      const input = await hashPasswords(parseRecordInput(table, body, { allowOperators: true }));
      checkBodyId(input.id, id);
      const version = key === undefined ? undefined : await tx.recordVersion(table, key);
      if (version === undefined) {
        if (!upsert || key === undefined) throw recordNotFound(id);
        claim(key);
        await insertValues(tx, schema, table, key, input.values, now);
        return { record: await mustRead(tx, schema, table, key, opts), created: true };
      }
      if (opts.ifVersion !== undefined && opts.ifVersion !== version) throw versionMismatch(id, opts.ifVersion, version);
      await checkLinks(tx, schema, input.values);
      await tx.updateRecord(table, key!, input.values, now, {});
      return { record: await mustRead(tx, schema, table, key!, opts), created: false };
    });
  }

  /** DELETE /data/{id}: returns the record as it was; links pointing at it become null. */
  async remove(ctx: BranchContext, tableName: string, id: string, opts: ReadOptions): Promise<Record<string, unknown>> {
    const result = await this.write(ctx, tableName, async (tx, schema, table) => {
      const key = storageId(table, id);
      const record = key === undefined ? undefined : await readOne(tx, schema, table, key, opts);
      if (!record) throw recordNotFound(id);
      await tx.deleteRecord(table, key!);
      for (const other of schema.tables.values()) {
        for (const leaf of other.leaves) {
          if (leaf.link?.table === table.name) await tx.clearLinksTo(other, leaf, [key!]);
        }
      }
      return { record, created: false };
    });
    return result.record;
  }

  /**
   * Runs a write in one transaction, against the schema as it is inside that transaction.
   * The schema cache is warmed first: a cold load from inside a burst of transactions that
   * hold every pooled connection would wait for a connection forever (PostgreSQL); inside,
   * a schema changed meanwhile is re-read through the transaction's own connection.
   */
  private async write(ctx: BranchContext, tableName: string, fn: (tx: BranchTx, schema: BranchSchema, table: TableModel, now: number) => Promise<WriteResult>): Promise<WriteResult> {
    await this.table(ctx, tableName);
    return ctx.store.transaction(async (tx) => {
      const { schema, table } = await this.table(ctx, tableName, tx);
      return fn(tx, schema, table, Date.now());
    });
  }

  /**
   * A write that may insert a record under a known id. Two requests can both find the id free
   * and both insert (PostgreSQL runs writes in parallel); the loser's insert fails on the
   * primary key once the winner commits. Then the loser either runs again, now finding the
   * record (upsert, replace), or reports that it exists (insert, createOnly).
   */
  private async writeNew(
    ctx: BranchContext, tableName: string, onRace: 'retry' | 'exists',
    fn: (tx: BranchTx, schema: BranchSchema, table: TableModel, now: number, claim: (key: string | number) => void) => Promise<WriteResult>,
  ): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      const inserting: { table?: TableModel; key?: string | number } = {};
      try {
        return await this.write(ctx, tableName, (tx, schema, table, now) => fn(tx, schema, table, now, (key) => { inserting.table = table; inserting.key = key; }));
      } catch (err) {
        const { table, key } = inserting;
        // Only a uniqueness conflict on the id we were inserting can be the race described above.
        const conflict = err instanceof StrataError && err.code === 'CONSTRAINT_VIOLATION';
        if (!conflict || !table || key === undefined || attempt >= 3) throw err;
        if ((await ctx.store.recordVersion(table, key)) === undefined) throw err;
        if (onRace === 'exists') throw alreadyExists(key);
      }
    }
  }

  private pathId(table: TableModel, id: string): string | number {
    if (table.idKind === 'int') {
      const key = storageId(table, id);
      if (key === undefined) throw new StrataError('INVALID_ID', `invalid record id [${id}]: this table has integer ids`);
      return key;
    }
    return assertRecordId(id);
  }
}

/**
 * The stored form of a path id, or undefined when it cannot exist in this table (integer ids).
 * A string id that breaks the RecordID rules is a bad request (400), not a missing record.
 */
function storageId(table: TableModel, id: string): string | number | undefined {
  if (table.idKind === 'int') return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined;
  return assertRecordId(id);
}

function checkBodyId(bodyId: unknown, pathId: string): void {
  if (bodyId !== undefined && bodyId !== null && String(bodyId) !== pathId) {
    throw badRequest(`the id in the body [${String(bodyId)}] does not match the id in the path [${pathId}]`);
  }
}

function applyToZero(write: Extract<WriteValue, { kind: 'op' }>): number {
  return write.op === '+' ? write.operand : write.op === '-' ? -write.operand : 0;
}

function withDefaults(table: TableModel, given: Map<LeafColumn, WriteValue>, now: number): Map<LeafColumn, WriteValue> {
  const values = new Map(given);
  for (const leaf of table.leaves) {
    if (values.has(leaf)) continue;
    const fallback = defaultFor(leaf, now);
    if (fallback !== undefined) values.set(leaf, { kind: 'set', value: fallback });
    else if (needsValue(leaf)) throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: value is required (the column is ${leaf.notNull ? 'notNull' : 'required'})`);
  }
  return values;
}

/** Inserts a new record: defaults filled, links checked; an operator starts from zero (upsert of a new id). */
async function insertValues(tx: BranchTx, schema: BranchSchema, table: TableModel, id: string | number | null, given: Map<LeafColumn, WriteValue>, now: number): Promise<string | number> {
  const values = withDefaults(table, given, now);
  await checkLinks(tx, schema, values, id === null ? undefined : { table, id });
  const plain = new Map<LeafColumn, unknown>();
  for (const [leaf, write] of values) plain.set(leaf, write.kind === 'set' ? write.value : applyToZero(write));
  return tx.insertRecord(table, id === null ? null : String(id), plain, now);
}

/**
 * Every linked id must exist (and stays locked against deletion until commit on PostgreSQL),
 * except the record being created itself: a record may link to itself from the start.
 */
async function checkLinks(tx: BranchTx, schema: BranchSchema, values: Map<LeafColumn, WriteValue>, creating?: { table: TableModel; id: string | number }): Promise<void> {
  for (const [leaf, write] of values) {
    if (leaf.type !== 'link' || write.kind !== 'set' || write.value === null) continue;
    const target = schema.tables.get(leaf.link!.table)!;
    const id = target.idKind === 'int' ? Number(write.value) : String(write.value);
    if (target.idKind === 'int' && !Number.isSafeInteger(id)) throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: invalid id [${String(write.value)}]`);
    write.value = id;
    if (creating && creating.table === target && String(creating.id) === String(id)) continue;
    const found = await tx.existingIds(target, [id]);
    if (!found.has(String(id))) throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: record [${String(write.value)}] not found in table [${target.name}]`);
  }
}

async function readOne(reader: BranchReader, schema: BranchSchema, table: TableModel, id: string | number, opts: ReadOptions): Promise<Record<string, unknown> | undefined> {
  const projection = buildProjection(schema, table, opts.columns);
  const rows = await reader.select({ ...projection.plan, where: { kind: 'idEquals', tableAlias: 't0', value: id } }, projection.byIdKey);
  return rows[0] && materialize(projection.root, rows[0], opts.format);
}

async function mustRead(tx: BranchTx, schema: BranchSchema, table: TableModel, id: string | number, opts: ReadOptions): Promise<Record<string, unknown>> {
  const record = await readOne(tx, schema, table, id, opts);
  if (!record) throw new StrataError('INTERNAL', 'a record written in this transaction could not be read back');
  return record;
}
