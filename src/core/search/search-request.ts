import { badRequest, StrataError } from '../../kernel/errors.js';
import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { FieldPaths } from '../query/field-paths.js';
import { TRUE, type Filter } from '../../kernel/plans/filter-ast.js';
import { parseXataFilter } from '../query/xata-filter.js';
import { parseBoosters } from './search-boosters.js';
import type { ScoreBooster, SearchTarget } from '../../kernel/plans/search-plan.js';
import { isSearchable, MAX_QUERY_TERMS, queryWords, searchableLeaves } from '../../kernel/text/search-text.js';
import { pageOffsetTooLarge, pageSizeTooLarge } from '../xata-messages.js';

/**
 * Xata's search body → what a search needs: the query words, typo tolerance, prefix mode,
 * highlighting and page (shared by table and branch search), and per table its targets,
 * filter and boosters. The HTTP schema checks shapes; this checks meaning, with 400s that
 * name the column.
 */
export interface SearchOptionsInput {
  query: string;
  fuzziness?: number;
  prefix?: 'phrase' | 'disabled';
  highlight?: { enabled?: boolean; encodeHTML?: boolean };
  page?: { size?: number; offset?: number };
}
export interface TableSearchInput { target?: unknown; filter?: unknown; boosters?: unknown }

export const MAX_PAGE_SIZE = 200;
export const MAX_OFFSET = 800;
const DEFAULT_PAGE_SIZE = 25;
const DEFAULT_FUZZINESS = 1;

export interface SearchOptions {
  words: Array<{ text: string; prefix: boolean }>;
  fuzziness: number;
  /** Highlighting (on unless `enabled: false`), and whether its text is HTML-escaped. */
  highlight: { encodeHTML: boolean } | undefined;
  size: number;
  offset: number;
}

/** One table's part of a search. */
export interface TableSearch {
  table: TableModel;
  targets: SearchTarget[];
  paths: FieldPaths;
  where: Filter;
  boosters: ScoreBooster[];
}

export function parseSearchOptions(input: SearchOptionsInput): SearchOptions {
  if (typeof input.query !== 'string' || input.query.length === 0) throw badRequest('query must be a non-empty string');
  const fuzziness = input.fuzziness ?? DEFAULT_FUZZINESS;
  if (!Number.isInteger(fuzziness) || fuzziness < 0 || fuzziness > 2) throw badRequest('fuzziness must be 0, 1 or 2');
  const prefix = input.prefix ?? 'disabled';
  if (prefix !== 'phrase' && prefix !== 'disabled') throw badRequest('prefix must be "phrase" or "disabled"');
  const size = input.page?.size ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) throw badRequest('page.size must be a positive integer');
  if (size > MAX_PAGE_SIZE) throw pageSizeTooLarge(MAX_PAGE_SIZE);
  const offset = input.page?.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('page.offset must be a non-negative integer');
  if (offset > MAX_OFFSET) throw pageOffsetTooLarge(MAX_OFFSET);
  const words = queryWords(input.query);
  if (words.length > MAX_QUERY_TERMS) throw badRequest(`query has ${words.length} distinct words; at most ${MAX_QUERY_TERMS} are searched`);
  const enabled = input.highlight?.enabled ?? true;
  return {
    // "phrase" lets the last word match as a prefix: search as you type.
    words: words.map((text, i) => ({ text, prefix: prefix === 'phrase' && i === words.length - 1 })),
    fuzziness,
    highlight: enabled ? { encodeHTML: input.highlight?.encodeHTML ?? true } : undefined,
    size,
    offset,
  };
}

export function parseTableSearch(schema: BranchSchema, table: TableModel, input: TableSearchInput, now: number): TableSearch {
  const paths = new FieldPaths(schema, table);
  const targets = parseTargets(table, input.target);
  const where = input.filter === undefined || input.filter === null ? TRUE : parseXataFilter(input.filter, paths);
  const boosters = parseBoosters(input.boosters, paths, now);
  return { table, targets, paths, where, boosters };
}

/**
 * `target`: column names or `{column, weight}` (weight 1–10, default 1); an object column
 * stands for its searchable sub-columns and `*` for every searchable column not listed.
 * Without a target every searchable column counts, with weight 1.
 */
export function parseTargets(table: TableModel, input: unknown): SearchTarget[] {
  const searchable = searchableLeaves(table);
  if (input === undefined || input === null) return searchable.map((leaf) => ({ leaf, weight: 1 }));
  if (!Array.isArray(input)) throw badRequest('target must be an array of column names or {column, weight} objects');
  if (input.length === 0) return searchable.map((leaf) => ({ leaf, weight: 1 }));
  const weights = new Map<LeafColumn, number>();
  let rest: number | undefined;
  for (const item of input) {
    const column = typeof item === 'string' ? item : isObject(item) ? item.column : undefined;
    if (typeof column !== 'string' || column === '' || (isObject(item) && Object.keys(item).some((k) => k !== 'column' && k !== 'weight'))) {
      throw badRequest('target must be an array of column names or {column, weight} objects');
    }
    const weight = isObject(item) && item.weight !== undefined ? item.weight : 1;
    if (typeof weight !== 'number' || !(weight >= 1 && weight <= 10)) throw badRequest(`target [${column}]: weight must be a number from 1 to 10`);
    if (column === '*') { rest = weight; continue; }
    for (const leaf of targetLeaves(table, column)) weights.set(leaf, weight);
  }
  if (rest !== undefined) for (const leaf of searchable) if (!weights.has(leaf)) weights.set(leaf, rest);
  return searchable.filter((leaf) => weights.has(leaf)).map((leaf) => ({ leaf, weight: weights.get(leaf)! }));
}

function targetLeaves(table: TableModel, column: string): LeafColumn[] {
  const leaf = table.leaf(column);
  const leaves = leaf ? [leaf] : table.leavesUnder(column);
  if (leaves.length === 0) throw new StrataError('UNKNOWN_COLUMN', `target column [${column}] not found in table [${table.name}]`);
  const searchable = leaves.filter(isSearchable);
  if (searchable.length === 0) {
    throw badRequest(`target column [${column}] is not searchable: only string, text, email and multiple columns are`);
  }
  return searchable;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
