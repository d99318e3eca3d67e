import type { LeafColumn } from '../model/column-types.js';
import type { TableModel } from '../model/table-model.js';
import type { Filter, PlanField, PlanJoin } from './select-plan.js';

/**
 * Storage-neutral grouped SELECTs and nearest-vector scans. Summaries and aggregations
 * compile into GroupPlans, vector search into a NearestPlan; storage/group-sql.ts and
 * storage/vector-sql.ts turn each into one SQL statement for either engine.
 */
export type CalendarUnit = 'month' | 'quarter' | 'year';

export type GroupKey =
  /** The field's value (the caller filters nulls out where the API wants them out). */
  | { kind: 'value'; field: PlanField }
  /** Each element of an array (`multiple`) column: a record falls into every element's group. */
  | { kind: 'element'; field: PlanField }
  /** floor((value - offset) / interval): the index of a numeric histogram bucket. */
  | { kind: 'numericBucket'; field: PlanField; interval: number; offset: number }
  /**
   * Start (epoch ms) of the fixed-length bucket holding a datetime: buckets of `every` ms,
   * aligned to `anchor` ms on the wall clock of the UTC offset `shift` (ms).
   */
  | { kind: 'timeBucket'; field: PlanField; every: number; anchor: number; shift: number }
  /** Start (epoch ms) of the calendar month, quarter or year holding a datetime, at the UTC offset `shift` (ms). */
  | { kind: 'calendarBucket'; field: PlanField; unit: CalendarUnit; shift: number };

export type Measure =
  /** Rows in the group. */
  | { kind: 'count' }
  /** Rows in the group matching a filter. */
  | { kind: 'countIf'; filter: Filter }
  /** Rows with a value in the field. */
  | { kind: 'countValues'; field: PlanField }
  | { kind: 'countDistinct'; field: PlanField }
  | { kind: 'sum' | 'min' | 'max' | 'average'; field: PlanField }
  /** The percentile `fraction` (0…1) by Xata's rule: Elasticsearch TDigest's, exact (percentile.ts). */
  | { kind: 'percentile'; field: PlanField; fraction: number };

/** The column of the grouped rows that holds the i-th key (`having` refers to keys by it). */
export const groupKeyColumn = (i: number): string => `$k${i}`;

export type GroupOrder = ({ key: number } | { measure: string }) & { direction: 'asc' | 'desc' };

export interface GroupPlan {
  table: TableModel;
  joins: PlanJoin[];
  where?: Filter;
  keys: GroupKey[];
  /** Measures under the names their outputs take (`having` and `orderBy` refer to them). */
  measures: Array<{ name: string; measure: Measure }>;
  /**
   * A filter over the groups, which it sees as a table `t0` whose columns are the measures and
   * keys: ColumnRefs `{tableAlias: 't0', column: <a LeafColumn whose path is the measure's
   * name, or groupKeyColumn(i) for the i-th key>}`.
   */
  having?: Filter;
  /** Missing values sort last. */
  orderBy?: GroupOrder[];
  limit?: number;
  /** The first `limitPer.count` groups (in `orderBy` order) of each combination of the first `limitPer.keys` (≥ 1) keys. */
  limitPer?: { keys: number; count: number };
}

export type SimilarityFunction = 'cosineSimilarity' | 'l1' | 'l2';

/** The `limit` rows with the highest similarity of `column` to `query`, among rows matching `where`. */
export interface NearestPlan {
  table: TableModel;
  joins: PlanJoin[];
  where?: Filter;
  column: LeafColumn;
  query: number[];
  similarity: SimilarityFunction;
  limit: number;
}

export interface NearestHit { id: string | number; score: number }
/** The best hits, and how many rows matched (were scored) in all. */
export interface NearestResult { hits: NearestHit[]; total: number }
