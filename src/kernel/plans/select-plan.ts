import type { TableModel } from '../model/table-model.js';
import type { ColumnRef, Filter } from './filter-ast.js';

export type { Filter, SystemField } from './filter-ast.js';

/**
 * A storage-neutral description of a SELECT: which table, which joins (link expansion and
 * link sub-columns in filters and sorts), which fields, a filter, an order and a window.
 * Both API faces build these; each engine compiles them to SQL.
 */
export interface PlanJoin {
  /** Alias of the joined table (`t1`, `t2`, …); `t0` is the root table. */
  alias: string;
  parentAlias: string;
  /** The link column (on the parent) whose value is the joined record's id. */
  linkPath: string;
  table: TableModel;
}

export type PlanField = Omit<ColumnRef, 'kind'>;

/**
 * One ORDER BY key. Missing values sort last in both directions (as in Xata); `nulls: 'any'`
 * says the field cannot be missing here (no NULLS clause, so an index can give the order).
 */
export type SortKey =
  | { field: PlanField; direction: 'asc' | 'desc'; nulls?: 'first' | 'last' | 'any' }
  | { random: true };

export interface SelectPlan {
  table: TableModel;
  joins: PlanJoin[];
  fields: PlanField[];
  where?: Filter;
  orderBy?: SortKey[];
  limit?: number;
  offset?: number;
  /**
   * Limit and offset apply per value of this field instead of to the whole result (reverse
   * links: the first n posts of each author), in `orderBy` order.
   */
  partitionBy?: PlanField;
}
