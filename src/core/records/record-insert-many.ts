import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { StrataError } from '../../kernel/errors.js';
import { newRecordId } from '../ids.js';
import { hashPasswords, type ParsedInput } from './record-input.js';
import { newRecordKey, withDefaults, type RecordKey, type WriteScope } from './record-write.js';
import { resolveFiles } from '../files/file-write.js';
import { BatchFailure, type ItemError } from './batch-runner.js';
import { recordAlreadyExists } from '../xata-messages.js';

/**
 * createRecord's rules for many new records of one table at once (imports): ids (given ones
 * must be new, also within the batch), defaults, required values, passwords, files and links
 * checked per record, but with one id lookup per batch and per link target instead of one per
 * record, and the rows written by multi-row INSERTs, each with its own version and timestamps
 * when its input has them (`stamps`, a migrated record's). Every record gets its id here (string ids
 * generated, integer ids given), so no row waits for the engine to number it.
 * A record that breaks a rule fails the call with a BatchFailure naming every such index;
 * nothing is written then. Answers the keys in input order.
 */
export async function createRecords(w: WriteScope, table: TableModel, inputs: ParsedInput[]): Promise<RecordKey[]> {
  const errors: ItemError[] = [];
  const fail = (index: number, err: unknown) => {
    if (!(err instanceof StrataError) || err.status >= 500) throw err;
    errors.push({ index, message: err.message, status: err.status });
  };
  const keys: Array<RecordKey | undefined> = inputs.map((input, i) => {
    try {
      if (input.id !== undefined && input.id !== null) return newRecordKey(table, String(input.id));
      if (table.idKind === 'string') return newRecordId();
      throw new StrataError('INVALID_ID', 'a record imported into a table with integer ids needs its id');
    } catch (err) { fail(i, err); return undefined; }
  });
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (key === undefined) return;
    if (seen.has(String(key))) { fail(i, recordAlreadyExists(String(key))); keys[i] = undefined; }
    seen.add(String(key));
  });
  const given = keys.filter((k, i): k is RecordKey => k !== undefined && inputs[i]!.id != null);
  const taken = given.length ? await w.tx.existingIds(table, given) : new Set<string>();
  keys.forEach((key, i) => {
    if (key !== undefined && taken.has(String(key))) { fail(i, recordAlreadyExists(String(key))); keys[i] = undefined; }
  });

  const rows: Array<{ index: number; id: RecordKey; values: Map<LeafColumn, unknown> }> = [];
  for (const [i, input] of inputs.entries()) {
    const key = keys[i];
    if (key === undefined) continue;
    try {
      const values = await resolveFiles(w, table, key, await hashPasswords(withDefaults(table, input.values, w.now)), 'insert');
      const plain = new Map<LeafColumn, unknown>();
      for (const [leaf, write] of values) {
        if (write.kind !== 'set') throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: operators are only allowed when updating a record`);
        plain.set(leaf, write.value);
      }
      rows.push({ index: i, id: key, values: plain });
    } catch (err) { fail(i, err); }
  }
  await checkLinksOf(w, table, rows, seen, fail);
  if (errors.length > 0) throw new BatchFailure(errors.sort((a, b) => a.index - b.index));

  for (const row of rows) if (inputs[row.index]!.id != null) w.claim(table, row.id, () => recordAlreadyExists(String(row.id)));
  await w.tx.insertRecords(table, rows.map((r) => ({ id: String(r.id), values: r.values, ...inputs[r.index]!.stamps })), w.now);
  const written = rows.map((r) => r.id);
  if (w.changedMany) await w.changedMany(table, written, 'insert');
  else for (const key of written) await w.changed?.(table, key, 'insert');
  return written;
}

/**
 * Every linked id must exist (checkLinks in record-write.ts), looked up once per link column:
 * records of this batch count when the link points at this table.
 */
async function checkLinksOf(
  w: WriteScope, table: TableModel, rows: Array<{ index: number; values: Map<LeafColumn, unknown> }>, creating: Set<string>,
  fail: (index: number, err: unknown) => void,
): Promise<void> {
  const bad = new Set<number>();
  for (const leaf of table.leaves) {
    if (leaf.type !== 'link') continue;
    const target = w.schema.tables.get(leaf.link!.table)!;
    const wanted: Array<{ row: (typeof rows)[number]; id: string | number }> = [];
    for (const row of rows) {
      const value = row.values.get(leaf);
      if (value === null || value === undefined || bad.has(row.index)) continue;
      const id = target.idKind === 'int' ? Number(value) : String(value);
      if (target.idKind === 'int' && !Number.isSafeInteger(id)) { fail(row.index, new StrataError('INVALID_VALUE', `column [${leaf.path}]: invalid id [${String(value)}]`)); bad.add(row.index); continue; }
      row.values.set(leaf, id);
      if (target === table && creating.has(String(id))) continue;
      wanted.push({ row, id });
    }
    if (wanted.length === 0) continue;
    const found = await w.tx.existingIds(target, [...new Set(wanted.map((x) => x.id))]);
    for (const { row, id } of wanted) {
      if (found.has(String(id)) || bad.has(row.index)) continue;
      fail(row.index, new StrataError('INVALID_VALUE', `column [${leaf.path}]: record [${String(id)}] not found in table [${target.name}]`));
      bad.add(row.index);
    }
  }
}
