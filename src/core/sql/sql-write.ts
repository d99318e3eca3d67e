import type { TableModel } from '../../kernel/model/table-model.js';
import { isFileType } from '../../kernel/model/column-types.js';
import { StrataError } from '../../kernel/errors.js';
import { parseRecordInput } from '../records/record-input.js';
import { createRecord, deleteRecord, patchRecord, tableIn, type RecordKey, type WriteScope } from '../records/record-write.js';
import type { SqlRows } from '../ports/storage.js';
import type { SqlAnalysis } from './sql-analysis.js';
import { invalidSql, type SqlNode } from '../../kernel/sql/sql-parse.js';
import { columnValue, literalOf } from './sql-values.js';

/**
 * INSERT, UPDATE and DELETE through the record API's write path (record-write.ts), inside
 * the caller's write transaction: each row is one record write, so versions, timestamps,
 * generated ids, defaults, links, search and vector data and the change stream stay exactly
 * as a record request leaves them. UPDATE and DELETE first select the ids their WHERE
 * matches (the engine evaluates the condition); RETURNING is a SELECT of the rows written.
 */
export interface SqlBounds { maxRows: number; timeoutMs: number }

const ID_COLUMN = '__strata_id';
const ops = { '+': '$increment', '-': '$decrement', '*': '$multiply', '/': '$divide' } as const;

export async function runSqlWrite(w: WriteScope, a: SqlAnalysis, params: readonly unknown[], bounds: SqlBounds): Promise<SqlRows> {
  const table = tableIn(w.schema, a.target!);
  const relation = a.root.relation as SqlNode;
  const returning = ((a.root.returningClause as SqlNode | undefined)?.exprs ?? a.root.returningList) as SqlNode[] | undefined;
  let keys: RecordKey[];
  let before: SqlRows | undefined;
  if (a.kind === 'insert') {
    keys = await insertRows(w, table, a.root, params, bounds);
  } else {
    keys = await matchingIds(w, table, relation, a.root.whereClause as SqlNode | undefined, params, bounds, a.kind);
    if (a.kind === 'delete' && returning) before = await readRows(w, relation, returning, params, keys, bounds);
    if (a.kind === 'update') keys = await updateRows(w, table, a.root.targetList as SqlNode[], params, keys);
    else for (const key of [...keys]) if (!(await deleteRecord(w, table, key))) keys.splice(keys.indexOf(key), 1);
  }
  if (!returning) return { columns: [], rows: [], truncated: false };
  return before ?? readRows(w, relation, returning, params, keys, bounds);
}

async function insertRows(w: WriteScope, table: TableModel, root: SqlNode, params: readonly unknown[], bounds: SqlBounds): Promise<RecordKey[]> {
  const names = (root.cols as SqlNode[]).map((c) => writableColumn(table, (c.ResTarget as SqlNode).name as string, true));
  const lists = ((root.selectStmt as SqlNode).SelectStmt as SqlNode).valuesLists as SqlNode[];
  if (lists.length > bounds.maxRows) throw invalidSql(`an INSERT may write at most ${bounds.maxRows} rows`);
  const keys: RecordKey[] = [];
  for (const list of lists) {
    const items = (list.List as SqlNode).items as SqlNode[];
    if (items.length !== names.length) throw invalidSql(`INSERT has ${names.length} columns but ${items.length} values in a row`);
    const body: Record<string, unknown> = {};
    items.forEach((item, i) => {
      const name = names[i]!;
      if (name in body) throw invalidSql(`column [${name}] is named twice`);
      if (item.SetToDefault) return; // the record API fills the column's default
      const value = literalOf(item, params, 'an INSERT value');
      const leaf = table.leaf(name);
      body[name] = leaf ? columnValue(leaf, value) : value === null ? null : String(value);
    });
    keys.push(await createRecord(w, table, parseRecordInput(table, body, { allowOperators: false })));
  }
  return keys;
}

async function updateRows(w: WriteScope, table: TableModel, targets: SqlNode[], params: readonly unknown[], keys: RecordKey[]): Promise<RecordKey[]> {
  const body: Record<string, unknown> = {};
  for (const t of targets) {
    const res = t.ResTarget as SqlNode;
    if (Array.isArray(res.indirection) && res.indirection.length > 0) throw invalidSql('assignments to parts of a column are not supported');
    const name = writableColumn(table, res.name as string, false);
    if (name in body) throw invalidSql(`column [${name}] is assigned twice`);
    body[name] = assignment(table, name, res.val as SqlNode, params);
  }
  const written: RecordKey[] = [];
  for (const key of keys) {
    // A row deleted since the WHERE matched it is skipped, as PostgreSQL's UPDATE would.
    const input = parseRecordInput(table, structuredClone(body), { allowOperators: true });
    try {
      await patchRecord(w, table, String(key), key, input, { upsert: false });
      written.push(key);
    } catch (err) {
      if (!(err instanceof StrataError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return written;
}

/** `col = value`, or `col = col + n` (and - * /), which becomes the record API's atomic operator. */
function assignment(table: TableModel, name: string, val: SqlNode, params: readonly unknown[]): unknown {
  const expr = val.A_Expr as SqlNode | undefined;
  const op = expr && expr.kind === 'AEXPR_OP' && expr.lexpr ? ((expr.name as SqlNode[])[0]!.String as SqlNode).sval as string : undefined;
  const self = ((expr?.lexpr as SqlNode | undefined)?.ColumnRef as SqlNode | undefined)?.fields as SqlNode[] | undefined;
  const leaf = table.leaf(name)!;
  if (op && op in ops && self && (self[self.length - 1]!.String as SqlNode | undefined)?.sval === name) {
    const operand = columnValue(leaf, literalOf(expr!.rexpr as SqlNode, params, `the operand of ${name} ${op}`));
    return { [ops[op as keyof typeof ops]]: typeof operand === 'string' ? Number(operand) : operand };
  }
  return columnValue(leaf, literalOf(val, params, `the value of [${name}]`));
}

/** A column a statement may write: a leaf of the table (not a file), or `id` when inserting. */
function writableColumn(table: TableModel, name: string, inserting: boolean): string {
  if (name === 'id') {
    if (inserting) return name;
    throw invalidSql('the id of a record cannot be changed');
  }
  if (name.startsWith('xata_')) throw invalidSql(`column [${name}] is the server's to set`);
  const leaf = table.leaf(name);
  if (!leaf) throw new StrataError('UNKNOWN_COLUMN', `column [${name}] not found in table [${table.name}]`);
  if (isFileType(leaf.type)) throw invalidSql(`column [${name}] holds files: write it with the record API or the file endpoints`);
  return name;
}

const columnRef = (alias: string, name: string): SqlNode => ({ ColumnRef: { fields: [{ String: { sval: alias } }, { String: { sval: name } }] } });
const aliasOf = (relation: SqlNode): string => ((relation.alias as SqlNode | undefined)?.aliasname as string | undefined) ?? (relation.relname as string);

async function matchingIds(w: WriteScope, table: TableModel, relation: SqlNode, where: SqlNode | undefined, params: readonly unknown[], bounds: SqlBounds, kind: string): Promise<RecordKey[]> {
  const select: SqlNode = {
    targetList: [{ ResTarget: { val: columnRef(aliasOf(relation), 'id') } }],
    fromClause: [{ RangeVar: relation }],
    ...(where ? { whereClause: where } : {}),
    op: 'SETOP_NONE',
  };
  const found = await w.tx.runSql({ select, params, schema: w.schema, maxRows: bounds.maxRows, timeoutMs: bounds.timeoutMs });
  if (found.truncated) throw invalidSql(`an ${kind.toUpperCase()} may change at most ${bounds.maxRows} rows: narrow its WHERE`);
  return found.rows.map((r) => (table.idKind === 'int' ? Number(r[0]) : String(r[0])));
}

/** RETURNING: the rows with these ids, in the order they were written. */
async function readRows(w: WriteScope, relation: SqlNode, returning: SqlNode[], params: readonly unknown[], keys: RecordKey[], bounds: SqlBounds): Promise<SqlRows> {
  const alias = aliasOf(relation);
  const idParams = keys.map((_, i) => ({ ParamRef: { number: params.length + i + 1 } }));
  const select: SqlNode = {
    targetList: [{ ResTarget: { name: ID_COLUMN, val: columnRef(alias, 'id') } }, ...returning],
    fromClause: [{ RangeVar: relation }],
    whereClause: idParams.length > 0
      ? { A_Expr: { kind: 'AEXPR_IN', name: [{ String: { sval: '=' } }], lexpr: columnRef(alias, 'id'), rexpr: { List: { items: idParams } } } }
      : { A_Const: { boolval: {} } }, // no rows, still the answer's columns
    op: 'SETOP_NONE',
  };
  const result = await w.tx.runSql({ select, params: [...params, ...keys], schema: w.schema, maxRows: Math.max(bounds.maxRows, keys.length), timeoutMs: bounds.timeoutMs });
  const order = new Map(keys.map((k, i) => [String(k), i]));
  const rows = [...result.rows].sort((x, y) => (order.get(String(x[0])) ?? 0) - (order.get(String(y[0])) ?? 0)).map((r) => r.slice(1));
  return { columns: result.columns.slice(1), rows, truncated: false };
}
