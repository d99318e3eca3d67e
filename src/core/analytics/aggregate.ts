import { badRequest } from '../../kernel/errors.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { and, type Filter } from '../../kernel/plans/filter-ast.js';
import type { PlanField, PlanJoin } from '../../kernel/plans/select-plan.js';
import type { BranchReader } from '../ports/storage.js';
import { isBucket, type AggMap, type AggNode, type BucketNode, type MetricNode } from './agg-request.js';
import type { GroupKey, GroupOrder, GroupPlan, Measure } from '../../kernel/plans/group-plan.js';
import { percentileKey } from '../../kernel/percentile.js';

/**
 * Runs an aggregation tree in SQL. Each bucket aggregation is one grouped query, keyed by
 * its ancestors' bucket keys plus its own, that also computes the metrics directly under
 * it; the top level's metrics are one more query. A topValues' children are narrowed to
 * the values it kept. Histograms list the empty buckets between their first and last one
 * (with zero counts), as Xata's search store did.
 */
const MAX_GROUPS = 65_536;
const MAX_BUCKETS = 65_536;
const NARROW_MAX_VALUES = 1000;
const ID: PlanField = { tableAlias: 't0', column: 'id' };

interface Scope { table: TableModel; joins: PlanJoin[]; reader: BranchReader }
interface Chain { keys: GroupKey[]; where: Filter; elements: boolean }
interface Bucket { key: unknown; count: number; metrics: Map<string, unknown> }
/** A bucket aggregation's buckets, by their parent buckets' key tuple (JSON). */
type Buckets = Map<string, Bucket[]>;

export async function runAggregations(scope: Scope, where: Filter, aggs: AggMap): Promise<Record<string, unknown>> {
  const results = new Map<BucketNode, Buckets>();
  let rootMetrics: Map<string, unknown> | undefined;
  const metrics = metricMeasures(aggs, false);
  if (metrics.measures.length > 0) {
    const [row] = await scope.reader.group({ table: scope.table, joins: scope.joins, where, keys: [], measures: metrics.measures });
    rootMetrics = metrics.read(row!, 0);
  }
  await runBuckets(scope, aggs, { keys: [], where, elements: false }, results);
  return assemble(aggs, [], rootMetrics, results, { buckets: 0 });
}

async function runBuckets(scope: Scope, aggs: AggMap, chain: Chain, results: Map<BucketNode, Buckets>): Promise<void> {
  for (const { node } of aggs) {
    if (!isBucket(node)) continue;
    const element = node.kind === 'topValues' && node.element;
    const keys = [...chain.keys, bucketKey(node)];
    const elements = chain.elements || element;
    const metrics = metricMeasures(node.aggs, elements);
    // Over array elements a record may appear in several rows: count records, not rows.
    const count: Measure = elements ? { kind: 'countDistinct', field: ID } : { kind: 'count' };
    const parents = chain.keys.map((_, i): GroupOrder => ({ key: i, direction: 'asc' }));
    const own: GroupOrder[] = node.kind === 'topValues'
      ? [{ measure: '$count', direction: 'desc' }, { key: chain.keys.length, direction: 'asc' }]
      : [{ key: chain.keys.length, direction: 'asc' }];
    const top = node.kind === 'topValues';
    const plan: GroupPlan = {
      table: scope.table, joins: scope.joins, keys,
      where: element ? chain.where : and([chain.where, { kind: 'exists', field: { kind: 'column', ...node.field } }]),
      measures: [{ name: '$count', measure: count }, ...metrics.measures],
      orderBy: top && chain.keys.length > 0 ? own : [...parents, ...own],
      limit: top && chain.keys.length === 0 ? node.size : MAX_GROUPS + 1,
      ...(top && chain.keys.length > 0 ? { limitPer: { keys: chain.keys.length, count: node.size } } : {}),
    };
    const rows = await scope.reader.group(plan);
    if (rows.length > MAX_GROUPS) throw badRequest(`aggregation over [${fieldName(node.field)}]: more than ${MAX_GROUPS} buckets; use a filter or a larger interval`);
    const buckets: Buckets = new Map();
    for (const row of rows) {
      const parent = JSON.stringify(row.slice(0, chain.keys.length));
      const list = buckets.get(parent) ?? [];
      list.push({ key: row[chain.keys.length], count: row[keys.length] as number, metrics: metrics.read(row, keys.length + 1) });
      buckets.set(parent, list);
    }
    results.set(node, buckets);
    const where = node.kind === 'topValues' ? narrowTo(chain.where, node, rows.map((r) => r[chain.keys.length])) : chain.where;
    await runBuckets(scope, node.aggs, { keys, where, elements }, results);
  }
}

function bucketKey(node: BucketNode): GroupKey {
  switch (node.kind) {
    case 'topValues': return node.element ? { kind: 'element', field: node.field } : { kind: 'value', field: node.field };
    case 'dateHistogram': return node.dates.key(node.field);
    case 'numericHistogram': return { kind: 'numericBucket', field: node.field, interval: node.interval, offset: node.offset };
  }
}

/** Children of a topValues only need rows holding one of the values it kept. */
function narrowTo(where: Filter, node: Extract<BucketNode, { kind: 'topValues' }>, values: unknown[]): Filter {
  const kept = [...new Set(values)];
  if (kept.length > NARROW_MAX_VALUES) return where;
  const column = { kind: 'column' as const, ...node.field };
  const narrowed: Filter = node.element
    ? { kind: 'arrayAny', field: column, predicate: { kind: 'in', field: { kind: 'element' }, values: kept } }
    : { kind: 'in', field: column, values: kept };
  return and([where, narrowed]);
}

/** The measures of the metrics directly in `aggs`, and how to read their results from a row. */
function metricMeasures(aggs: AggMap, elements: boolean) {
  const measures: Array<{ name: string; measure: Measure }> = [];
  const readers: Array<(row: unknown[], at: number) => [string, unknown]> = [];
  aggs.forEach(({ name, node }, i) => {
    if (isBucket(node)) return;
    const first = measures.length;
    const add = (measure: Measure, suffix = '') => measures.push({ name: `m${i}${suffix}`, measure });
    switch (node.kind) {
      case 'count': add(elements ? { kind: 'countDistinct', field: ID } : { kind: 'count' }); break;
      case 'countIf': add({ kind: 'countIf', filter: node.filter }); break;
      case 'uniqueCount': add({ kind: 'countDistinct', field: node.field }); break;
      case 'sum': case 'min': case 'max': case 'average': add({ kind: node.kind, field: node.field }); break;
      case 'percentiles': node.percentiles.forEach((p, j) => add({ kind: 'percentile', field: node.field, fraction: p / 100 }, `_${j}`)); break;
    }
    readers.push((row, at) => [name, metricValue(node, row.slice(at + first, at + measures.length))]);
  });
  return { measures, read: (row: unknown[], at: number) => new Map(readers.map((r) => r(row, at))) };
}

function metricValue(node: MetricNode, values: unknown[]): unknown {
  const [v] = values;
  switch (node.kind) {
    case 'count': case 'countIf': case 'uniqueCount': return Number(v ?? 0);
    // The sum of nothing is 0, as in Xata's search store; min, max and average of nothing are null.
    case 'sum': return v ?? 0;
    case 'min': case 'max': case 'average': return v ?? null;
    case 'percentiles': return { values: Object.fromEntries(node.percentiles.map((p, j) => [percentileKey(p), values[j] ?? null])) };
  }
}

const emptyMetric = (node: MetricNode) => metricValue(node, node.kind === 'percentiles' ? node.percentiles.map(() => null) : [null]);

function assemble(aggs: AggMap, tuple: unknown[], metrics: Map<string, unknown> | undefined, results: Map<BucketNode, Buckets>, budget: { buckets: number }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, node } of aggs) {
    if (!isBucket(node)) {
      out[name] = metrics?.has(name) ? metrics.get(name) : emptyMetric(node);
      continue;
    }
    const found = results.get(node)?.get(JSON.stringify(tuple)) ?? [];
    const buckets = node.kind === 'topValues' ? found : withEmptyBuckets(node, found, budget);
    budget.buckets += buckets.length;
    if (budget.buckets > MAX_BUCKETS) throw tooManyBuckets(node);
    out[name] = {
      values: buckets.map((b) => ({ $key: formatKey(node, b.key), $count: b.count, ...assemble(node.aggs, [...tuple, b.key], b.metrics, results, budget) })),
    };
  }
  return out;
}

/** Histogram buckets from the first to the last one found, the empty ones included. */
function withEmptyBuckets(node: Exclude<BucketNode, { kind: 'topValues' }>, found: Bucket[], budget: { buckets: number }): Bucket[] {
  if (found.length < 2) return found;
  const next = node.kind === 'dateHistogram' ? node.dates.next : (k: number) => k + 1;
  const byKey = new Map(found.map((b) => [b.key as number, b]));
  const last = found[found.length - 1]!.key as number;
  const out: Bucket[] = [];
  for (let key = found[0]!.key as number; key <= last; key = next(key)) {
    if (budget.buckets + out.length >= MAX_BUCKETS) throw tooManyBuckets(node);
    out.push(byKey.get(key) ?? { key, count: 0, metrics: new Map() });
  }
  return out;
}

function formatKey(node: BucketNode, key: unknown): string | number {
  switch (node.kind) {
    case 'topValues': return node.keyOf(key);
    case 'dateHistogram': return node.dates.format(key as number);
    // The bucket's lower bound, computed as Xata's search store did: index × interval + offset.
    case 'numericHistogram': return (key as number) * node.interval + node.offset;
  }
}

const fieldName = (field: PlanField) => (typeof field.column === 'string' ? field.column : field.column.path);
const tooManyBuckets = (node: AggNode & BucketNode) =>
  badRequest(`aggregation over [${fieldName(node.field)}]: more than ${MAX_BUCKETS} buckets in the response; use a filter or a larger interval`);
