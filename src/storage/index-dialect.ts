import type { LeafColumn } from '../kernel/model/column-types.js';
import type { GinOp, SearchLanguage, VectorOp } from '../kernel/model/table-index.js';
import type { TableModel } from '../kernel/model/table-model.js';
import type { SearchContext } from './search-dialect.js';

/** A column of a Metadata API search index and its priority (higher ranks first). */
export interface WeightedLeaf { leaf: LeafColumn; priority: number }

/**
 * The engine-specific half of the Metadata API's indexes (index-sql.ts is the shared half):
 * how a descending column is declared, how an index is found again, and the index kinds
 * that need engine features (full-text languages, spatial, vector). An engine that lacks a
 * feature throws a 4xx naming itself and what is missing; it never builds a stand-in.
 */
export interface IndexDialect {
  /** A descending field in CREATE INDEX (PostgreSQL adds NULLS LAST, the order Strata's sorts use). */
  descending: string;
  /** The engine's name of the index built as `name` for index `id`, if it still exists (PostgreSQL copies rename indexes). */
  locate(c: SearchContext, table: TableModel, name: string, id: string): Promise<string | undefined>;
  /** Marks a new index so that `locate` finds it whatever it is called later. */
  label?(c: SearchContext, name: string, id: string): Promise<void>;
  /** A full-text index over several columns, stemmed for `lang`, ranked by priority. */
  createSearch(c: SearchContext, table: TableModel, name: string, lang: SearchLanguage, fields: WeightedLeaf[]): Promise<void>;
  dropSearch(c: SearchContext, table: TableModel, name: string, id: string): Promise<void>;
  createSpatial(c: SearchContext, table: TableModel, name: string, leaf: LeafColumn): Promise<void>;
  createVector(c: SearchContext, table: TableModel, name: string, leaf: LeafColumn, op: VectorOp): Promise<void>;
  /** An inverted (GIN) index over a json column's or a text list's elements. */
  createGin(c: SearchContext, table: TableModel, name: string, leaf: LeafColumn, op: GinOp): Promise<void>;
}
