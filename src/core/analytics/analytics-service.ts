import type { BranchContext } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { FieldPaths } from '../query/field-paths.js';
import { TRUE } from '../../kernel/plans/filter-ast.js';
import { parseXataFilter } from '../query/xata-filter.js';
import { FilterBudget } from '../query/filter-budget.js';
import type { RecordFormat } from '../records/projection.js';
import { parseAggs, type AggMap } from './agg-request.js';
import { runAggregations } from './aggregate.js';
import { summarize, type SummarizeRequest } from './summarize.js';
import { vectorSearch, type VectorSearchRequest } from './vector-search.js';

export interface AggregateRequest { aggs?: unknown; filter?: unknown }

/**
 * Analytics over one table: summarize (group by + summaries), aggregate (metrics and
 * nested buckets) and vector search. All of it is computed by the engine in SQL; the core
 * parses, validates and shapes the answers.
 */
export class AnalyticsService {
  async summarize(ctx: BranchContext, tableName: string, body: SummarizeRequest, format: RecordFormat) {
    const { schema, table } = await tableOf(ctx, tableName);
    return summarize(ctx.store, schema, table, body, format);
  }

  async aggregate(ctx: BranchContext, tableName: string, body: AggregateRequest): Promise<{ aggs: Record<string, unknown> }> {
    const { schema, table } = await tableOf(ctx, tableName);
    const paths = new FieldPaths(schema, table);
    const filters = new FilterBudget();
    const where = body.filter !== undefined && body.filter !== null ? parseXataFilter(body.filter, paths, filters) : TRUE;
    // Without aggs Xata answers the record count under `count` (its SDK's aggregate() sends none).
    const aggs: AggMap = body.aggs === undefined || body.aggs === null ? [{ name: 'count', node: { kind: 'count' } }] : parseAggs(body.aggs, paths, filters);
    return { aggs: await runAggregations({ table, joins: paths.joins, reader: ctx.store }, where, aggs) };
  }

  async vectorSearch(ctx: BranchContext, tableName: string, body: VectorSearchRequest, format: RecordFormat) {
    const { schema, table } = await tableOf(ctx, tableName);
    return vectorSearch(ctx.store, schema, table, body, format);
  }
}

async function tableOf(ctx: BranchContext, name: string): Promise<{ schema: BranchSchema; table: TableModel }> {
  const schema = await ctx.schema();
  const table = schema.tables.get(name);
  if (!table) throw new StrataError('NOT_FOUND', `table [${name}] not found`);
  return { schema, table };
}
