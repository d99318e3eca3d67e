import { StrataError } from './errors.js';

/**
 * How much work one request may ask for. SQLite runs on the event loop, so a request the
 * size of a denial of service (a 30 000-branch filter, a 1 900-column table) would hold
 * every other request, /health included, for seconds; past some sizes the engines fail
 * outright (SQL variables, expression depth, the JS stack). Each limit is generous for
 * real applications and was measured on SQLite on the development machine (2 cores):
 * a request at the limit, on a table of 10 000 rows, costs the time noted
 * (`bench/limits-probe.mjs` repeats the measurement). Going past a limit is a 400 that
 * names it and its value.
 */
export const REQUEST_LIMITS = {
  /** Conditions and groups in one filter (both filter languages). 1 000 `$iPattern` branches over 10 000 rows: MEASURE. */
  filterNodes: 1000,
  /** Nesting of groups ($all/$any/$not, Xano groups): checked before descending, so a deep filter cannot overflow the stack. */
  filterDepth: 32,
  /** Values in one list ($any/$is arrays, $includes*, Xano `in`); the Xata SDK's read([ids]) sends 1 000. */
  listValues: 1000,
  /** Values in one request's filters together: each is one SQL variable. */
  filterValues: 10_000,
  /** Keys of one sort (both APIs). 32 keys over 10 000 rows: MEASURE. */
  sortKeys: 32,
  /** Leaf columns of one table (an object column's children count one each). MEASURE. */
  columnsPerTable: 500,
  /** Named summaries of one summarize request. MEASURE. */
  summaries: 100,
  /** Aggregations of one aggregate request, sub-aggregations included. MEASURE. */
  aggregations: 100,
  /**
   * Parameters of one SQL statement, checked where statements run: below SQLite's default
   * SQLITE_MAX_VARIABLE_NUMBER (32 766) and PostgreSQL's bind limit (65 535).
   */
  sqlVariables: 30_000,
  /** Nesting of a JSON body (and of a json column's value): recursive walks of deeper values overflow the stack. */
  jsonDepth: 128,
} as const;

export type RequestLimit = keyof typeof REQUEST_LIMITS;

/** The 400 for a request past a limit: what is limited, the limit's value, and the input it is about. */
export function limitExceeded(what: string, limit: RequestLimit, param?: string): StrataError {
  return new StrataError('BAD_REQUEST', `${what}: at most ${REQUEST_LIMITS[limit]} (request limit ${limit})`, { param });
}
