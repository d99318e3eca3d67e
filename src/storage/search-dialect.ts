import type { Kysely, RawBuilder } from 'kysely';
import type { LeafColumn } from '../kernel/model/column-types.js';
import type { TableModel } from '../kernel/model/table-model.js';
import type { SearchPlan, TermToExpand } from '../kernel/plans/search-plan.js';

/** What an engine's search code works with: the connection (or transaction) and this branch's names. */
export interface SearchContext {
  db: Kysely<any>;
  /** Qualified reference to a table or function of this branch. */
  table: (name: string) => RawBuilder<unknown>;
}

/** How a search's index is joined and ranked (all SQL; `t0` is the searched table). */
export interface SearchMatch {
  /** Joined right after the table (the engine's index as a relation), if the engine needs one. */
  join?: RawBuilder<unknown>;
  /** The records that match, if not already restricted by `join`. */
  where?: RawBuilder<unknown>;
  /** Relevance of a matching record: higher is better, weighted by target. */
  rank: RawBuilder<unknown>;
  /** Holds when the record matches without typo variants (when the query has any). */
  exact?: RawBuilder<unknown>;
}

/**
 * The engine-specific half of full-text search: how the index is built and kept (SQLite: an
 * FTS5 table fed by triggers; PostgreSQL: stored tsvector columns with GIN indexes plus a trigger-fed word list
 * for typo tolerance) and how a query matches and ranks against it. The shared half is
 * search-index-sql.ts (when to build) and search-sql.ts (filters, boosters, paging).
 */
export interface SearchDialect {
  /** Whether this branch has search bookkeeping yet (branches from before search, PostgreSQL copies have none). */
  hasStateTable(c: SearchContext): Promise<boolean>;
  /**
   * Makes the table's index cover `leaves` (its searchable columns, in order) and hold every
   * record's text. `covered` lists the columns the existing index was built for, with renames
   * applied; undefined when there is none to trust (build from scratch).
   */
  sync(c: SearchContext, table: TableModel, leaves: LeafColumn[], covered: string[] | undefined): Promise<void>;
  /** Removes the index of a dropped table. */
  drop(c: SearchContext, tableId: number): Promise<void>;
  /** Before one of the table's searchable columns is dropped; answers whether the index must then be rebuilt. */
  beforeDropColumn(c: SearchContext, table: TableModel, leaf: LeafColumn): Promise<boolean>;
  /** Index terms that may be within the term's edits: a superset, the caller measures exactly. */
  candidateTerms(c: SearchContext, table: TableModel, term: TermToExpand): Promise<string[]>;
  /** Of these words (in order), those the index holds now, if candidates may be stale. */
  liveTerms?(c: SearchContext, table: TableModel, words: string[]): Promise<string[]>;
  /** The index side of a search; `leaves` are the table's searchable columns (the index's order). */
  match(c: SearchContext, plan: SearchPlan, leaves: LeafColumn[]): SearchMatch;
  /**
   * Runs the match count (a LIMIT over the matches) so that it reads the index, if the engine's
   * planner would rather scan the table: PostgreSQL guesses a stored vector's many-word query to
   * match a fifth of the table and stops a table scan at the LIMIT, reading every row for 50 matches.
   */
  throughIndex?<T>(db: Kysely<any>, run: (db: Kysely<any>) => Promise<T>): Promise<T>;
  /** A numeric expression as a float (so arithmetic never truncates). */
  float(value: RawBuilder<unknown>): RawBuilder<unknown>;
  /** A datetime column (or system timestamp) as epoch milliseconds, a float. */
  epochMs(value: RawBuilder<unknown>): RawBuilder<unknown>;
}

export const sameColumns = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((p, i) => p === b[i]);
