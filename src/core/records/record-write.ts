import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { StrataError, badRequest } from '../../kernel/errors.js';
import { canonicalId, newRecordId } from '../ids.js';
import { assertRecordId } from '../names.js';
import { defaultFor } from '../values/values.js';
import type { BranchTx, BranchReader, WriteValue } from '../ports/storage.js';
import { buildProjection, materialize, type RecordFormat } from './projection.js';
import { hashPasswords, type ParsedInput } from './record-input.js';
import { needsValue } from '../../kernel/model/xano-column.js';
import type { FileEffects } from '../files/file-effects.js';
import { releaseRecordFiles, resolveFiles } from '../files/file-write.js';
import type { LibraryLookup } from '../files/library-refs.js';
import { recordAlreadyExists, recordNotFound, tableNotFound } from '../xata-messages.js';

// Raised by the callers of these steps too (record, file and content services).
export { recordNotFound };

/**
 * The write rules (ids, createOnly, ifVersion, defaults, notNull, links), once, as steps that
 * run inside a transaction someone else opened: a single-record request runs one step, a
 * bulk insert or a transaction runs many in the same `store.transaction`.
 */
export type RecordKey = string | number;

export interface ReadOptions { columns?: string[]; format: RecordFormat }

export interface WriteScope {
  tx: BranchTx;
  /** The branch schema as seen inside this transaction. */
  schema: BranchSchema;
  now: number;
  /**
   * Notes that this transaction inserts a record under a chosen id (see runWrite: two
   * writers can race for it). `raceError` is what the loser reports; without one it retries.
   */
  claim(table: TableModel, key: RecordKey, raceError?: () => StrataError): void;
  /** Blobs this transaction created and released (core/files/file-effects.ts). */
  files?: FileEffects;
  /** The workspace's file library, for Xano file columns that reference it (core/files/library-refs.ts). */
  library?: LibraryLookup;
  /** Notes a record change for the change log and streams (runWrite appends them before commit). */
  changed?(table: TableModel, key: RecordKey, op: 'insert' | 'update' | 'delete'): Promise<void>;
  /** The same for many records of one table (read back in one query: imports). */
  changedMany?(table: TableModel, keys: RecordKey[], op: 'insert' | 'update'): Promise<void>;
}

const versionMismatch = (id: unknown, expected: number, actual: number) =>
  new StrataError('VERSION_MISMATCH', `record [${String(id)}]: version mismatch, expected ${expected} but the record is at ${actual}`);

export function tableIn(schema: BranchSchema, name: string): TableModel {
  const table = schema.tables.get(name);
  if (!table) throw tableNotFound(name);
  return table;
}

/** An insert: the id in the input is used (and must be new), otherwise one is generated (string ids) or assigned (int ids). */
export async function createRecord(w: WriteScope, table: TableModel, input: ParsedInput): Promise<RecordKey> {
  let id: string | null = null;
  if (input.id !== undefined && input.id !== null) {
    id = assertRecordId(String(input.id));
    if ((await w.tx.recordVersion(table, id)) !== undefined) throw recordAlreadyExists(id);
    const key = id;
    w.claim(table, key, () => recordAlreadyExists(key));
  } else if (table.idKind === 'string') {
    id = newRecordId();
  }
  const key = await insertValues(w, table, id, input.values);
  await w.changed?.(table, key, 'insert');
  return key;
}

/** Create under a known id, or replace the whole record; createOnly refuses to replace, ifVersion guards it. */
export async function putRecord(w: WriteScope, table: TableModel, key: RecordKey, input: ParsedInput, opts: { createOnly?: boolean; ifVersion?: number }): Promise<{ created: boolean }> {
  const version = await w.tx.recordVersion(table, key);
  if (version === undefined) {
    w.claim(table, key, opts.createOnly ? () => recordAlreadyExists(key) : undefined);
    await w.changed?.(table, await insertValues(w, table, key, input.values), 'insert');
    return { created: true };
  }
  if (opts.createOnly) throw recordAlreadyExists(key);
  if (opts.ifVersion !== undefined && opts.ifVersion !== version) throw versionMismatch(key, opts.ifVersion, version);
  const values = await resolveFiles(w, table, key, await hashPasswords(withDefaults(table, input.values, w.now)), 'replace');
  await checkLinks(w, values);
  await w.tx.updateRecord(table, key, values, w.now, { replace: true });
  await w.changed?.(table, key, 'update');
  return { created: false };
}

/**
 * A partial update (operators allowed). A missing record is created when `upsert`, else it is
 * not found; `key` is undefined for an id that cannot exist in the table (int ids).
 */
export async function patchRecord(w: WriteScope, table: TableModel, id: string, key: RecordKey | undefined, input: ParsedInput, opts: { upsert: boolean; ifVersion?: number }): Promise<{ created: boolean }> {
  const version = key === undefined ? undefined : await w.tx.recordVersion(table, key);
  if (key === undefined || version === undefined) {
    if (!opts.upsert || key === undefined) throw recordNotFound(id);
    w.claim(table, key);
    await w.changed?.(table, await insertValues(w, table, key, input.values), 'insert');
    return { created: true };
  }
  if (opts.ifVersion !== undefined && opts.ifVersion !== version) throw versionMismatch(id, opts.ifVersion, version);
  await checkLinks(w, input.values);
  const values = await resolveFiles(w, table, key, await hashPasswords(input.values), 'patch');
  await w.tx.updateRecord(table, key, values, w.now, {});
  await w.changed?.(table, key, 'update');
  return { created: false };
}

/** Deletes a record and nulls every link to it (links behave like ON DELETE SET NULL); false when it did not exist. */
export async function deleteRecord(w: WriteScope, table: TableModel, key: RecordKey): Promise<boolean> {
  await releaseRecordFiles(w, table, key);
  if ((await w.tx.deleteRecord(table, key)) === 0) return false;
  await w.changed?.(table, key, 'delete');
  for (const other of w.schema.tables.values()) {
    for (const leaf of other.leaves) {
      if (leaf.link?.table === table.name) await w.tx.clearLinksTo(other, leaf, [key]);
    }
  }
  return true;
}

export async function readRecord(reader: BranchReader, schema: BranchSchema, table: TableModel, key: RecordKey, opts: ReadOptions): Promise<Record<string, unknown> | undefined> {
  const projection = buildProjection(schema, table, opts.columns);
  const rows = await reader.select({ ...projection.plan, where: { kind: 'idEquals', tableAlias: 't0', value: key } }, projection.byIdKey);
  return rows[0] && materialize(projection.root, rows[0], opts.format);
}

/** Reads back a record this transaction wrote. */
export async function readWritten(w: WriteScope, table: TableModel, key: RecordKey, opts: ReadOptions): Promise<Record<string, unknown>> {
  const record = await readRecord(w.tx, w.schema, table, key, opts);
  if (!record) throw new StrataError('INTERNAL', 'a record written in this transaction could not be read back');
  return record;
}

/**
 * The stored form of an id that may name an existing record, or undefined when it cannot
 * exist in this table (integer ids). A string id that breaks the RecordID rules is a bad
 * request (400), not a missing record.
 */
export function storageId(table: TableModel, id: string): RecordKey | undefined {
  if (table.idKind === 'int') return canonicalId(id);
  return assertRecordId(id);
}

/** The stored form of an id a record may be created under. */
export function newRecordKey(table: TableModel, id: string): RecordKey {
  if (table.idKind === 'int') {
    const key = storageId(table, id);
    if (key === undefined) throw new StrataError('INVALID_ID', `invalid record id [${id}]: this table has integer ids`);
    return key;
  }
  return assertRecordId(id);
}

/** An id inside a body must agree with the id the request names. */
export function checkBodyId(bodyId: unknown, id: string): void {
  if (bodyId !== undefined && bodyId !== null && String(bodyId) !== id) {
    throw badRequest(`the id in the body [${String(bodyId)}] does not match the id in the path [${id}]`);
  }
}

function applyToZero(write: Extract<WriteValue, { kind: 'op' }>): number {
  return write.op === '+' ? write.operand : write.op === '-' ? -write.operand : 0;
}

export function withDefaults(table: TableModel, given: Map<LeafColumn, WriteValue>, now: number): Map<LeafColumn, WriteValue> {
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
async function insertValues(w: WriteScope, table: TableModel, id: RecordKey | null, given: Map<LeafColumn, WriteValue>): Promise<RecordKey> {
  const values = await resolveFiles(w, table, id, await hashPasswords(withDefaults(table, given, w.now)), 'insert');
  await checkLinks(w, values, id === null ? undefined : { table, id });
  const plain = new Map<LeafColumn, unknown>();
  for (const [leaf, write] of values) plain.set(leaf, write.kind === 'set' ? write.value : applyToZero(write));
  return w.tx.insertRecord(table, id === null ? null : String(id), plain, w.now);
}

/**
 * Every linked id must exist (and stays locked against deletion until commit on PostgreSQL),
 * except the record being created itself: a record may link to itself from the start.
 * Records written earlier in the same transaction count: the transaction sees its own writes.
 */
async function checkLinks(w: WriteScope, values: Map<LeafColumn, WriteValue>, creating?: { table: TableModel; id: RecordKey }): Promise<void> {
  for (const [leaf, write] of values) {
    if (leaf.type !== 'link' || write.kind !== 'set' || write.value === null) continue;
    const target = w.schema.tables.get(leaf.link!.table)!;
    const id = target.idKind === 'int' ? Number(write.value) : String(write.value);
    if (target.idKind === 'int' && !Number.isSafeInteger(id)) throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: invalid id [${String(write.value)}]`);
    write.value = id;
    if (creating && creating.table === target && String(creating.id) === String(id)) continue;
    const found = await w.tx.existingIds(target, [id]);
    if (!found.has(String(id))) throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: record [${String(write.value)}] not found in table [${target.name}]`);
  }
}
