import type { LeafColumn } from '../model/column-types.js';
import type { TableModel } from '../model/table-model.js';

/**
 * A storage-neutral description of a SELECT: which table, which joins (link expansion),
 * which fields, and a filter. Both API faces build these; each engine compiles them to SQL.
 */
export type SystemField = 'id' | 'version' | 'createdAt' | 'updatedAt';

export interface PlanJoin {
  /** Alias of the joined table (`t1`, `t2`, …); `t0` is the root table. */
  alias: string;
  parentAlias: string;
  /** The link column (on the parent) whose value is the joined record's id. */
  linkPath: string;
  table: TableModel;
}

export interface PlanField {
  tableAlias: string;
  /** A user column, or one of the record's system fields. */
  column: LeafColumn | SystemField;
}

/** Filter AST; the query issue extends it with the whole Xata/Xano filter languages. */
export type Filter =
  | { kind: 'idEquals'; tableAlias: string; value: string | number }
  | { kind: 'idIn'; tableAlias: string; values: Array<string | number> }
  | { kind: 'and'; filters: Filter[] };

export interface SelectPlan {
  table: TableModel;
  joins: PlanJoin[];
  fields: PlanField[];
  where?: Filter;
  limit?: number;
}
