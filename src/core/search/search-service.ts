import type { BranchContext } from '../databases.js';
import { badRequest } from '../../kernel/errors.js';
import { TableModel, type BranchSchema } from '../../kernel/model/table-model.js';
import { buildProjection, materialize, type RecordFormat } from '../records/projection.js';
import { allowedEdits } from '../../kernel/text/fuzzy.js';
import { highlightRecord, termMatcher } from './highlight.js';
import { TOTAL_COUNT_LIMIT, type SearchPlan, type SearchTerm } from '../../kernel/plans/search-plan.js';
import { parseSearchOptions, parseTableSearch, type SearchOptions, type SearchOptionsInput, type TableSearch, type TableSearchInput } from './search-request.js';
import { searchableLeaves } from '../../kernel/text/search-text.js';
import { tableNotFound } from '../xata-messages.js';

export type TableSearchBody = SearchOptionsInput & TableSearchInput;
export interface BranchSearchBody extends SearchOptionsInput { tables?: unknown[] }
export interface SearchResult { records: Array<Record<string, unknown>>; totalCount: number }

interface Hit { record: Record<string, unknown>; score: number; order: number }

const READY = 'search:ready';

/**
 * Full-text search: `POST /tables/{t}/search` over one table and `POST /search` over several.
 * The index is storage's (kept in step with every write by the engine); this service checks
 * it covers the table's current columns, expands the query words into index terms within the
 * allowed typos, runs one query per table and adds `xata.table`, `xata.score` and `xata.highlight`.
 */
export class SearchService {
  async searchTable(ctx: BranchContext, tableName: string, body: TableSearchBody, format: RecordFormat): Promise<SearchResult> {
    const schema = await ctx.schema();
    const table = schema.tables.get(tableName);
    if (!table) throw tableNotFound(tableName);
    const options = parseSearchOptions(body);
    const search = parseTableSearch(schema, table, body, Date.now());
    const { hits, total } = await this.run(ctx, schema, search, options, options.size, options.offset, format);
    return { records: hits.map((h) => h.record), totalCount: total };
  }

  /** Tables are searched one by one for their best `offset + size` hits, then merged by score. */
  async searchBranch(ctx: BranchContext, body: BranchSearchBody, format: RecordFormat): Promise<SearchResult> {
    const schema = await ctx.schema();
    const options = parseSearchOptions(body);
    const now = Date.now();
    const searches = tableEntries(schema, body.tables).map(({ table, input }) => parseTableSearch(schema, table, input, now));
    const hits: Hit[] = [];
    let totalCount = 0;
    for (const [i, search] of searches.entries()) {
      const result = await this.run(ctx, schema, search, options, options.offset + options.size, 0, format);
      totalCount += result.total;
      for (const hit of result.hits) hits.push({ ...hit, order: i });
    }
    // Best first; equal scores keep table order, then each table's own order.
    hits.sort((a, b) => b.score - a.score || a.order - b.order);
    return { records: hits.slice(options.offset, options.offset + options.size).map((h) => h.record), totalCount: Math.min(totalCount, TOTAL_COUNT_LIMIT) };
  }

  private async run(
    ctx: BranchContext, schema: BranchSchema, search: TableSearch, options: SearchOptions,
    limit: number, offset: number, format: RecordFormat,
  ): Promise<{ hits: Hit[]; total: number }> {
    const { table, targets } = search;
    if (options.words.length === 0 || targets.length === 0) return { hits: [], total: 0 };
    await this.ensureIndex(ctx, table);
    const toExpand = options.words.map((w) => ({ ...w, edits: allowedEdits(w.text, options.fuzziness) }));
    const variants = toExpand.some((t) => t.edits > 0) ? await ctx.store.searchTermVariants(table, toExpand) : [];
    const terms: SearchTerm[] = options.words.map((w, i) => ({ ...w, variants: variants[i] ?? [] }));
    const projection = buildProjection(schema, table, ['*']);
    const plan: SearchPlan = {
      table, joins: projection.plan.joins, filterJoins: search.paths.joins, fields: projection.plan.fields,
      terms, targets, where: search.where, boosters: search.boosters, limit, offset,
    };
    const found = await ctx.store.search(plan);
    const matcher = termMatcher(terms);
    const indexOf = new Map(projection.root.values.map((v) => [v.leaf, v.index]));
    const hits = found.rows.map((row, i) => {
      const record = materialize(projection.root, row, format);
      const xata = record.xata as Record<string, unknown>;
      // The table too, on a table search as on a branch search: Xata's search hits carry it.
      xata.table = table.name;
      xata.score = found.scores[i]!;
      if (options.highlight) {
        const entries = targets.map((t) => ({ path: t.leaf.path, value: row[indexOf.get(t.leaf)!] }));
        xata.highlight = highlightRecord(entries, matcher, options.highlight.encodeHTML);
      }
      return { record, score: found.scores[i]!, order: 0 };
    });
    return { hits, total: found.total };
  }

  /**
   * Storage builds and maintains the index with every schema change; a table without one
   * (a branch from before search, a PostgreSQL branch copy) gets it here, once, in a
   * transaction that re-reads the table under the catalog lock.
   */
  private async ensureIndex(ctx: BranchContext, table: TableModel): Promise<void> {
    if (table.memo.get(READY)) return;
    if (!(await ctx.store.searchIndexReady(table))) {
      await ctx.store.transaction(async (tx) => {
        const catalog = await tx.loadCatalog(true);
        const current = catalog.tables.find((t) => t.id === table.id);
        if (current) await tx.syncSearchIndex(new TableModel(current));
      });
    }
    table.memo.set(READY, true);
  }
}

/** `tables`: names or `{table, target, filter, boosters}`; by default every table with searchable columns. */
function tableEntries(schema: BranchSchema, tables: unknown[] | undefined): Array<{ table: TableModel; input: TableSearchInput }> {
  if (tables === undefined || tables === null) {
    return schema.ordered().filter((t) => searchableLeaves(t).length > 0).map((table) => ({ table, input: {} }));
  }
  if (!Array.isArray(tables)) throw badRequest('tables must be an array of table names or {table, target, filter, boosters} objects');
  const seen = new Set<string>();
  return tables.map((entry) => {
    const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
    const name = typeof entry === 'string' ? entry : isObject ? (entry as { table?: unknown }).table : undefined;
    if (typeof name !== 'string' || name === '') throw badRequest('tables must be an array of table names or {table, target, filter, boosters} objects');
    const table = schema.tables.get(name);
    if (!table) throw tableNotFound(name);
    if (seen.has(name)) throw badRequest(`table [${name}] is listed twice in tables`);
    seen.add(name);
    if (!isObject) return { table, input: {} };
    const { table: _, ...input } = entry as Record<string, unknown>;
    const extra = Object.keys(input).find((k) => k !== 'target' && k !== 'filter' && k !== 'boosters');
    if (extra) throw badRequest(`tables: unknown property [${extra}] for table [${name}]`);
    return { table, input: input as TableSearchInput };
  });
}
