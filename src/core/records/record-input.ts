import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { badRequest, invalidValue } from '../../kernel/errors.js';
import { coerceValue } from '../values/values.js';
import { refusesNull } from '../../kernel/model/xano-column.js';
import { hashPassword } from '../auth/passwords.js';
import type { RecordStamps, WriteValue } from '../ports/storage.js';
import { columnNotFound } from '../xata-messages.js';

/**
 * A record body → values per leaf column. Object columns may be sent nested
 * (`{settings: {theme}}`) or dotted (`{"settings.theme": …}`). Numeric columns accept the
 * atomic operators `$increment`, `$decrement`, `$multiply`, `$divide` where allowed.
 */
const OPERATORS = { $increment: '+', $decrement: '-', $multiply: '*', $divide: '/' } as const;

/** `stamps`: a migrated record's own version and timestamps (imports only; createRecords writes them). */
export interface ParsedInput { id?: unknown; values: Map<LeafColumn, WriteValue>; stamps?: RecordStamps }

export function parseRecordInput(table: TableModel, body: unknown, opts: { allowOperators: boolean }): ParsedInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object (the record)');
  const values = new Map<LeafColumn, WriteValue>();
  const result: ParsedInput = { values };
  walk(table, body as Record<string, unknown>, '', values, opts, result);
  return result;
}

function walk(table: TableModel, obj: Record<string, unknown>, prefix: string, values: Map<LeafColumn, WriteValue>, opts: { allowOperators: boolean }, result: ParsedInput): void {
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix + key;
    if (!prefix && key === 'id') { result.id = value; continue; }
    if (!prefix && key === 'xata') continue; // metadata is the server's to set
    const leaf = table.leaf(path);
    if (leaf) {
      values.set(leaf, toWrite(leaf, value, opts));
      continue;
    }
    if (table.isObject(path)) {
      if (value === null) {
        for (const child of table.leavesUnder(path)) values.set(child, toWrite(child, null, opts));
      } else if (typeof value === 'object' && !Array.isArray(value)) {
        walk(table, value as Record<string, unknown>, path + '.', values, opts, result);
      } else {
        throw invalidValue(`column [${path}]: invalid value, expected an object`);
      }
      continue;
    }
    throw columnNotFound(path, table.name);
  }
}

function toWrite(leaf: LeafColumn, value: unknown, opts: { allowOperators: boolean }): WriteValue {
  if (value === null) {
    if (refusesNull(leaf)) throw invalidValue(`column [${leaf.path}]: value is required (the column is ${leaf.notNull ? 'notNull' : 'not nullable'})`);
    return { kind: 'set', value: null };
  }
  if ((leaf.type === 'int' || leaf.type === 'float') && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as object);
    const [name, operand] = entries[0] ?? [];
    if (entries.length !== 1 || !(name! in OPERATORS)) throw invalidValue(`column [${leaf.path}]: invalid value, expected a number or one of ${Object.keys(OPERATORS).join(', ')}`);
    if (!opts.allowOperators) throw invalidValue(`column [${leaf.path}]: ${name} is only allowed when updating a record`);
    if (typeof operand !== 'number' || !Number.isFinite(operand) || (leaf.type === 'int' && !Number.isSafeInteger(operand))) {
      throw invalidValue(`column [${leaf.path}]: ${name} needs ${leaf.type === 'int' ? 'an integer' : 'a number'}`);
    }
    if (name === '$divide' && operand === 0) throw invalidValue(`column [${leaf.path}]: division by zero`);
    return { kind: 'op', op: OPERATORS[name as keyof typeof OPERATORS], operand };
  }
  return { kind: 'set', value: coerceValue(leaf, value) };
}

/**
 * Password columns (Xano type `password`) store a scrypt hash, never the clear text: values,
 * already checked against the column's password policy, are replaced by their hash as they
 * are written (hashing is asynchronous, so it follows the synchronous parse). Returns a new
 * map: a retried write hashes the clear text again, never a hash.
 */
export async function hashPasswords(values: Map<LeafColumn, WriteValue>): Promise<Map<LeafColumn, WriteValue>> {
  let out = values;
  for (const [leaf, write] of values) {
    if (leaf.xano?.type !== 'password' || write.kind !== 'set' || typeof write.value !== 'string') continue;
    if (out === values) out = new Map(values);
    out.set(leaf, { kind: 'set', value: await hashPassword(write.value) });
  }
  return out;
}
