import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import type { PlanField, PlanJoin, SelectPlan, SystemField } from '../../kernel/plans/select-plan.js';
import { StrataError } from '../../kernel/errors.js';
import { linkPrefix } from '../query/field-paths.js';
import { LruCache } from '../../kernel/lru-cache.js';
import { columnNotFound } from '../xata-messages.js';
import { DEFAULT_FILE_FIELDS, fileFieldOf, type FileField, type FileSelection } from '../files/file-fields.js';

/**
 * The `columns` projection: `*`, names, `obj.*`, `obj.sub`, `link` (= `link.*`), `link.col`
 * (links nest: `team.owner.name`; `owner.team` is owner's team record). It compiles to a SelectPlan (joins for expanded links) plus an
 * output tree that turns a row back into a nested record. `id` and `xata` always come along.
 */
export interface OutputNode {
  table: TableModel;
  system: Record<SystemField, number>;
  /** `files`: the file fields asked for by name (`photo.uploadUrl`); absent means the defaults. */
  values: Array<{ leaf: LeafColumn; index: number; files?: FileSelection }>;
  /** Links returned as `{id}` only. */
  linkIds: Array<{ leaf: LeafColumn; index: number }>;
  /** Links expanded through a join. */
  expanded: Array<{ leaf: LeafColumn; node: OutputNode }>;
}

export interface Projection {
  plan: Omit<SelectPlan, 'where'>;
  root: OutputNode;
  key: string;
  /** Cache key of this projection's read-by-id statement (built once, used per request). */
  byIdKey: string;
}

/** The record a value belongs to: its table and raw id. */
export interface ValueOwner { table: TableModel; id: unknown }

export interface RecordFormat {
  /**
   * A logical value as the API presents it (datetimes as RFC 3339, …). `owner` is the record
   * it belongs to (an expanded link's own record for its columns), where it is known: file
   * URLs name it. `files`: which fields of a file value to show (absent: the defaults).
   */
  value(leaf: LeafColumn, value: unknown, owner?: ValueOwner, files?: FileSelection): unknown;
  /** Adds the record's id and metadata in the API's dialect. */
  meta(out: Record<string, unknown>, id: unknown, meta: { version: number; createdAt: number; updatedAt: number }): void;
  /** A link that is not expanded. */
  linkId(id: unknown): unknown;
}

const MAX_LINK_DEPTH = 5;

class PlanBuilder {
  readonly fields: PlanField[] = [];
  readonly joins: PlanJoin[] = [];
  field(tableAlias: string, column: PlanField['column']): number {
    this.fields.push({ tableAlias, column });
    return this.fields.length - 1;
  }
}

/**
 * Projections kept in this process, keyed by table model (its serial: a schema change makes
 * new models, whose old entries age out) and `columns` list. Clients choose the lists, so the
 * memo is an LRU: far more than applications send, and a client sending endless new lists
 * only churns it. Lists longer than MAX_KEPT_KEY are built per call.
 */
export const PROJECTIONS_KEPT = 1000;
const MAX_KEPT_KEY = 2048;
const projections = new LruCache<string, Projection>(PROJECTIONS_KEPT);

/** How many projections are kept (for tests). */
export const keptProjections = (): number => projections.size;

export function buildProjection(schema: BranchSchema, table: TableModel, columns: string[] | undefined): Projection {
  const requested = columns && columns.length > 0 ? columns : ['*'];
  const key = `proj:${requested.join(',')}`;
  const memoKey = `${table.serial}|${key}`;
  const cached = projections.get(memoKey);
  if (cached) return cached;
  const builder = new PlanBuilder();
  const root = buildNode(schema, table, 't0', requested, builder, 0);
  const projection: Projection = { plan: { table, joins: builder.joins, fields: builder.fields }, root, key, byIdKey: `select:${key}|byId` };
  if (key.length <= MAX_KEPT_KEY) projections.set(memoKey, projection);
  return projection;
}

function buildNode(schema: BranchSchema, table: TableModel, alias: string, requests: string[], b: PlanBuilder, depth: number): OutputNode {
  const node: OutputNode = {
    table,
    system: { id: b.field(alias, 'id'), version: b.field(alias, 'version'), createdAt: b.field(alias, 'createdAt'), updatedAt: b.field(alias, 'updatedAt') },
    values: [], linkIds: [], expanded: [],
  };
  const plain = new Set<LeafColumn>();
  const expansions = new Map<LeafColumn, string[]>();
  const fileFields = new Map<LeafColumn, Set<FileField>>();
  for (const raw of requests) {
    const request = raw.trim();
    if (request === '*') { table.leaves.forEach((l) => plain.add(l)); continue; }
    if (request === 'id' || request === 'xata' || request.startsWith('xata.')) continue;
    const path = request.endsWith('.*') ? request.slice(0, -2) : request;
    const leaf = table.leaf(path);
    // A link named (`team`, `team.*`, `owner.team`) is the linked record with its own columns,
    // its links as `{id}`; under `*` a link stays `{id}`.
    if (leaf?.type === 'link') { addExpansion(expansions, leaf, '*'); continue; }
    if (leaf) { plain.add(leaf); continue; }
    if (table.isObject(path)) { table.leavesUnder(path).forEach((l) => plain.add(l)); continue; }
    const file = fileFieldOf(table, path);
    if (file) { fileFields.set(file.leaf, (fileFields.get(file.leaf) ?? new Set()).add(file.field)); continue; }
    const link = linkPrefix(table, path);
    if (link) { addExpansion(expansions, link, path.slice(link.path.length + 1) + (request.endsWith('.*') ? '.*' : '')); continue; }
    throw columnNotFound(request, table.name);
  }
  for (const leaf of table.leaves) {
    if (expansions.has(leaf)) continue;
    const named = fileFields.get(leaf);
    if (!plain.has(leaf) && !named) continue;
    if (leaf.type === 'link') node.linkIds.push({ leaf, index: b.field(alias, leaf) });
    else if (named) node.values.push({ leaf, index: b.field(alias, leaf), files: plain.has(leaf) ? new Set([...DEFAULT_FILE_FIELDS, ...named]) : named });
    else node.values.push({ leaf, index: b.field(alias, leaf) });
  }
  for (const [leaf, subRequests] of expansions) {
    if (depth >= MAX_LINK_DEPTH) throw new StrataError('BAD_REQUEST', `column [${leaf.path}]: links can be expanded ${MAX_LINK_DEPTH} levels deep at most`);
    const target = schema.tables.get(leaf.link!.table)!;
    const joinAlias = `t${b.joins.length + 1}`;
    b.joins.push({ alias: joinAlias, parentAlias: alias, linkPath: leaf.path, table: target });
    node.expanded.push({ leaf, node: buildNode(schema, target, joinAlias, subRequests, b, depth + 1) });
  }
  return node;
}

function addExpansion(expansions: Map<LeafColumn, string[]>, leaf: LeafColumn, sub: string) {
  const list = expansions.get(leaf) ?? [];
  list.push(sub);
  expansions.set(leaf, list);
}

/** Turns one plan row into a nested record in the caller's dialect. */
export function materialize(node: OutputNode, row: unknown[], format: RecordFormat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  format.meta(out, row[node.system.id], {
    version: row[node.system.version] as number,
    createdAt: row[node.system.createdAt] as number,
    updatedAt: row[node.system.updatedAt] as number,
  });
  const owner: ValueOwner = { table: node.table, id: row[node.system.id] };
  for (const { leaf, index, files } of node.values) {
    const value = row[index];
    if (value !== null && value !== undefined) setPath(out, leaf.path, format.value(leaf, value, owner, files));
  }
  for (const { leaf, index } of node.linkIds) {
    const value = row[index];
    if (value !== null && value !== undefined) setPath(out, leaf.path, format.linkId(value));
  }
  for (const { leaf, node: child } of node.expanded) {
    if (row[child.system.id] !== null && row[child.system.id] !== undefined) setPath(out, leaf.path, materialize(child, row, format));
  }
  return out;
}

function setPath(out: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = out;
  for (let i = 0; i < parts.length - 1; i++) {
    target = (target[parts[i]!] ??= {}) as Record<string, unknown>;
  }
  target[parts[parts.length - 1]!] = value;
}
