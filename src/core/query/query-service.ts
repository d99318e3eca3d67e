import type { BranchContext } from '../databases.js';
import { badRequest } from '../../kernel/errors.js';
import type { SystemStore } from '../ports/storage.js';
import { buildProjection, materialize, type RecordFormat } from '../records/projection.js';
import { CursorCodec, type CursorPayload } from './cursor.js';
import { FieldPaths } from './field-paths.js';
import { and, TRUE, type Filter } from '../../kernel/plans/filter-ast.js';
import { reversed, withNullOrder } from './sort-keys.js';
import { keysetAfter, keysetBefore } from './keyset.js';
import { attachReverseLink, isReverseLinkRequest, parseReverseLink } from './reverse-links.js';
import type { PlanField, SelectPlan, SortKey } from '../../kernel/plans/select-plan.js';
import { parseXataFilter } from './xata-filter.js';
import { parseXataSort } from './xata-sort.js';
import { pageOffsetTooLarge, pageSizeTooLarge, tableNotFound } from '../xata-messages.js';

export interface QueryPage { size?: number; offset?: number; after?: string; before?: string; start?: string; end?: string }
export interface QueryRequest { filter?: unknown; sort?: unknown; page?: QueryPage; columns?: unknown[]; consistency?: string }
export interface QueryResult { records: Array<Record<string, unknown>>; meta: { page: { cursor: string; more: boolean; size: number } } }

export const MAX_PAGE_SIZE = 1000;
/** The SDK's PAGINATION_MAX_OFFSET: Xata refuses deeper offsets (cursors go any depth). */
export const MAX_OFFSET = 49_000;
const DEFAULT_PAGE_SIZE = 20;

type Direction = 'forward' | 'backward';

/**
 * `POST /tables/{t}/query`: filter, sort, columns (with link expansion and reverse links)
 * and paging by offset or by cursor. Keyset paging: a cursor holds the sort keys of its
 * page's edges, so the next page is a range condition on the sort keys (indexes help;
 * depth costs nothing) rather than an ever larger offset. Random order pages by offset.
 */
export class QueryService {
  private codec?: Promise<CursorCodec>;
  constructor(private readonly system: SystemStore) {}

  async query(ctx: BranchContext, tableName: string, body: QueryRequest, format: RecordFormat): Promise<QueryResult> {
    const schema = await ctx.schema();
    const table = schema.tables.get(tableName);
    if (!table) throw tableNotFound(tableName);
    const codec = await this.cursorCodec();
    const page = body.page ?? {};

    // Where the page starts: a cursor continues the query it encodes; `end` is the last page.
    const decode = (c: string | undefined) => (c === undefined || c === 'end' ? undefined : codec.decode(c, ctx.branch.id, table.name));
    const after = decode(page.after);
    const before = decode(page.before);
    const edge = decode(page.start ?? page.end);
    const fromCursor = after ?? before ?? edge;
    if (fromCursor && (body.filter !== undefined || body.sort !== undefined)) {
      throw badRequest('filter and sort cannot be sent with a cursor: the cursor continues the query it came from');
    }
    const q = fromCursor?.q ?? { filter: body.filter, sort: body.sort, size: page.size ?? DEFAULT_PAGE_SIZE };
    const size = page.size ?? q.size;
    if (!Number.isInteger(size) || size < 1) throw badRequest('page.size must be a positive integer');
    if (size > MAX_PAGE_SIZE) throw pageSizeTooLarge(MAX_PAGE_SIZE);
    const offset = page.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('page.offset must be a non-negative integer');
    if (offset > MAX_OFFSET) throw pageOffsetTooLarge(MAX_OFFSET);

    const columns = body.columns ?? ['*'];
    const plain = columns.filter((c) => !isReverseLinkRequest(c));
    if (!plain.every((c): c is string => typeof c === 'string')) throw badRequest('columns must be column names or reverse-link objects');
    const reverse = columns.filter(isReverseLinkRequest).map((c) => parseReverseLink(schema, table, c));
    const projection = buildProjection(schema, table, plain.length > 0 ? plain : reverse.length > 0 ? ['*'] : plain);

    const paths = new FieldPaths(schema, table);
    const filter = q.filter !== undefined && q.filter !== null ? parseXataFilter(q.filter, paths) : TRUE;
    const userSort = q.sort !== undefined && q.sort !== null ? parseXataSort(q.sort, paths) : [];
    const random = userSort.some((k) => 'random' in k);
    // The id breaks ties, so the order (and so every cursor position) is total.
    const keys: SortKey[] = random ? userSort : [...userSort, { field: { tableAlias: 't0', column: 'id' }, direction: 'asc' }];
    const sort = withNullOrder(keys, filter);
    const keyFields = sort.flatMap((k) => ('field' in k ? [k.field] : []));

    const fields: PlanField[] = [...projection.plan.fields, ...keyFields];
    const keyIndex = projection.plan.fields.length;
    const keysOf = (row: unknown[] | undefined) => (row ? row.slice(keyIndex, keyIndex + keyFields.length) : null);

    let direction: Direction = 'forward';
    const where: Filter[] = [filter];
    let start = offset;
    if (page.after === 'end') {
      return { records: [], meta: { page: { cursor: codec.encode({ b: ctx.branch.id, t: table.name, q, first: null, last: null }), more: false, size } } };
    }
    if (random) {
      // Random order has no keyset: its cursors carry the offset reached.
      if (after) start += (after.o ?? 0) + size;
      else if (before) start = Math.max(0, (before.o ?? 0) - size) + offset;
    } else {
      if (after?.last) where.push(keysetAfter(sort, after.last));
      if (before?.first) where.push(keysetBefore(sort, before.first));
    }
    if ((before && !after) || page.end !== undefined || page.before === 'end') direction = 'backward';
    if (random && direction === 'backward' && before) direction = 'forward';

    const orderBy = direction === 'forward' ? sort : sort.map(reversed);
    const plan: SelectPlan = {
      table,
      joins: [...projection.plan.joins, ...paths.joins],
      fields,
      where: and(where),
      orderBy,
      limit: size + 1,
      offset: start,
    };
    let rows = await ctx.store.select(plan);
    const more = rows.length > size;
    rows = rows.slice(0, size);
    if (direction === 'backward') rows.reverse();

    const records = rows.map((row) => materialize(projection.root, row, format));
    if (reverse.length > 0) {
      const byId = new Map(rows.map((row, i) => [row[projection.root.system.id], records[i]!]));
      for (const link of reverse) await attachReverseLink(ctx.store, link, byId, format);
    }
    const payload: CursorPayload = {
      b: ctx.branch.id, t: table.name, q,
      first: keysOf(rows[0]) ?? after?.last ?? before?.first ?? null,
      last: keysOf(rows[rows.length - 1]) ?? after?.last ?? before?.first ?? null,
      ...(random ? { o: start } : {}),
    };
    return { records, meta: { page: { cursor: codec.encode(payload), more, size } } };
  }

  private cursorCodec(): Promise<CursorCodec> {
    this.codec ??= this.system.settingOrInit('cursorSecret', CursorCodec.newSecret())
      .then((secret) => new CursorCodec(Buffer.from(String(secret), 'base64url')));
    return this.codec;
  }
}
