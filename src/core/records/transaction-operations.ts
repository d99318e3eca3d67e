import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { badRequest, StrataError } from '../../kernel/errors.js';
import { allows, type ScopeAction } from '../auth/scopes.js';
import { assertRecordId } from '../names.js';
import { buildProjection } from './projection.js';
import { parseRecordInput, type ParsedInput } from './record-input.js';
import { checkBodyId, newRecordKey, storageId, tableIn, type RecordKey } from './record-write.js';

/**
 * The operations of `POST /db/{db}:{branch}/transaction`, checked against the schema:
 * `{insert: {table, record, createOnly?, ifVersion?, columns?}}`,
 * `{update: {table, id, fields, upsert?, ifVersion?, columns?}}`,
 * `{delete: {table, id, failIfMissing?, columns?}}`, `{get: {table, id, columns?}}`.
 * A mistake in one is reported against its index (see batch-runner.ts).
 */
interface Common { table: TableModel; columns?: string[] }
export type Operation = Common & (
  | { kind: 'insert'; input: ParsedInput; key?: RecordKey; createOnly: boolean; ifVersion?: number }
  | { kind: 'update'; id: string; key?: RecordKey; input: ParsedInput; upsert: boolean; ifVersion?: number }
  | { kind: 'delete'; id: string; key?: RecordKey; failIfMissing: boolean }
  | { kind: 'get'; id: string; key?: RecordKey }
);

const FIELDS = {
  insert: ['table', 'record', 'createOnly', 'ifVersion', 'columns'],
  update: ['table', 'id', 'fields', 'upsert', 'ifVersion', 'columns'],
  delete: ['table', 'id', 'failIfMissing', 'columns'],
  get: ['table', 'id', 'columns'],
} as const;
type Kind = keyof typeof FIELDS;

type Body = Record<string, unknown>;
const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseOperation(schema: BranchSchema, raw: unknown): Operation {
  const kinds = isObject(raw) ? Object.keys(raw) : [];
  if (kinds.length !== 1 || !(kinds[0]! in FIELDS)) throw badRequest('an operation is an object with exactly one of insert, update, delete, get');
  const kind = kinds[0] as Kind;
  const body = (raw as Body)[kind];
  if (!isObject(body)) throw badRequest(`${kind}: expected an object`);
  for (const field of Object.keys(body)) {
    if (!(FIELDS[kind] as readonly string[]).includes(field)) throw badRequest(`${kind}: unknown field [${field}]`);
  }
  const table = tableIn(schema, requireString(body, 'table', kind));
  const columns = optionalColumns(body, kind);
  if (columns) buildProjection(schema, table, columns); // an unknown column fails here, before anything runs
  const common = { table, ...(columns ? { columns } : {}) };
  if (kind === 'insert') {
    const input = parseRecordInput(table, requireObject(body, 'record', kind), { allowOperators: false });
    const hasId = input.id !== undefined && input.id !== null;
    // With createOnly the insert path checks the id itself, as POST /data does.
    const key = hasId ? (body.createOnly === true ? assertRecordId(String(input.id)) : newRecordKey(table, String(input.id))) : undefined;
    return { kind, ...common, input, key, createOnly: optionalBoolean(body, 'createOnly', kind) ?? false, ifVersion: optionalVersion(body, kind) };
  }
  const id = requireString(body, 'id', kind);
  if (kind === 'update') {
    const upsert = optionalBoolean(body, 'upsert', kind) ?? false;
    const input = parseRecordInput(table, requireObject(body, 'fields', kind), { allowOperators: true });
    checkBodyId(input.id, id);
    return { kind, ...common, id, key: upsert ? newRecordKey(table, id) : storageId(table, id), input, upsert, ifVersion: optionalVersion(body, kind) };
  }
  if (kind === 'delete') return { kind, ...common, id, key: storageId(table, id), failIfMissing: optionalBoolean(body, 'failIfMissing', kind) ?? false };
  return { kind, ...common, id, key: storageId(table, id) };
}

function requireString(body: Body, field: string, kind: Kind): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw badRequest(`${kind}: ${field} is required (a non-empty string)`);
  return value;
}

function requireObject(body: Body, field: string, kind: Kind): Body {
  const value = body[field];
  if (!isObject(value)) throw badRequest(`${kind}: ${field} is required (an object)`);
  return value;
}

function optionalBoolean(body: Body, field: string, kind: Kind): boolean | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'boolean') throw badRequest(`${kind}: ${field} must be true or false`);
  return value;
}

function optionalVersion(body: Body, kind: Kind): number | undefined {
  const value = body.ifVersion;
  if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 0)) throw badRequest(`${kind}: ifVersion must be a non-negative integer`);
  return value as number | undefined;
}

function optionalColumns(body: Body, kind: Kind): string[] | undefined {
  const value = body.columns;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((c) => typeof c === 'string') || value.length > 256) {
    throw badRequest(`${kind}: columns must be an array of at most 256 column names`);
  }
  return value as string[];
}

/**
 * Each operation needs the content scope its single-record endpoint needs (insert: create,
 * update: update, and create too when it may upsert, delete: delete, get: read), so a
 * transaction never lets a token do more than the record API would.
 */
export function assertOperationScopes(operations: unknown[], scopes: number): void {
  operations.forEach((raw, index) => {
    const kind = isObject(raw) ? Object.keys(raw)[0] : undefined;
    const body = kind !== undefined ? (raw as Body)[kind] : undefined;
    const actions: ScopeAction[] = kind === 'insert' ? ['create'] : kind === 'update' ? (isObject(body) && body.upsert === true ? ['update', 'create'] : ['update'])
      : kind === 'delete' ? ['delete'] : kind === 'get' ? ['read'] : [];
    const missing = actions.find((action) => !allows(scopes, { object: 'content', action }));
    if (missing) throw new StrataError('FORBIDDEN', `operation ${index} (${kind}) needs the content:${missing} scope, which this token lacks`);
  });
}
