import type { LeafColumn } from '../model/column-types.js';
import type { TableModel } from '../model/table-model.js';
import type { Filter } from './filter-ast.js';
import type { PlanField, PlanJoin } from './select-plan.js';

/**
 * A storage-neutral full-text search of one table: which words, in which columns with which
 * weights, combined with a filter, scored with boosters, one page of it. Each engine compiles
 * it against its own index (storage/search-sql.ts).
 *
 * A record matches when a target column holds any of the terms (Xata's search is an OR of the
 * words). Its score is the engine's relevance (bm25 / ts_rank, weighted per column), halved
 * when it matched only through typo variants, multiplied by the value boosters that apply,
 * plus the numeric and date boosters that apply.
 */
export interface SearchTerm {
  /** A query word, lowercased. */
  text: string;
  /** Matches every word it begins (the last word, with `prefix: "phrase"`). */
  prefix: boolean;
  /** Index terms within the allowed edits (typo tolerance), nearest first. */
  variants: string[];
}

export interface SearchTarget { leaf: LeafColumn; weight: number }

export type NumericModifier = 'none' | 'log' | 'log1p' | 'ln' | 'ln1p' | 'square' | 'sqrt' | 'reciprocal';

export type ScoreBooster =
  /** valueBooster: the score is multiplied by `factor` where `when` holds. */
  | { kind: 'multiply'; when: Filter; factor: number }
  /** numericBooster: adds factor × modifier(value) where the value is present (and `when` holds). */
  | { kind: 'numeric'; field: PlanField; factor: number; modifier: NumericModifier; when: Filter }
  /** dateBooster: adds factor × decay^(|value − origin| / scale) (times in ms) where present (and `when` holds). */
  | { kind: 'date'; field: PlanField; origin: number; scale: number; decay: number; factor: number; when: Filter };

export interface SearchPlan {
  table: TableModel;
  /** Joins for the projection (only the page's records are joined). */
  joins: PlanJoin[];
  /** Joins for link sub-columns in the filter and boosters (every match is joined). */
  filterJoins: PlanJoin[];
  fields: PlanField[];
  terms: SearchTerm[];
  /** Never empty: the columns searched and their weights (1–10). */
  targets: SearchTarget[];
  where: Filter;
  boosters: ScoreBooster[];
  limit: number;
  offset: number;
}

/**
 * `totalCount` is exact up to this many matches and this number beyond (Xata's search runs on
 * Elasticsearch, whose `track_total_hits` stops counting at 10 000 and reports 10 000), so
 * a common word never costs a count of every match.
 */
export const TOTAL_COUNT_LIMIT = 10_000;

/** A page of hits, best first, and how many records matched in all (at most TOTAL_COUNT_LIMIT). */
export interface SearchHits {
  rows: unknown[][];
  scores: number[];
  total: number;
}

/** A query word as storage expands it into index terms. */
export interface TermToExpand { text: string; prefix: boolean; edits: number }
