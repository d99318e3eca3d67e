import { StrataError } from './errors.js';

/**
 * How much work one request may ask for. SQLite runs on the event loop, so a request the
 * size of a denial of service (a 30 000-branch filter, a 1 900-column table) would hold
 * every other request, /health included, for seconds; past some sizes the engines fail
 * outright (SQL variables, expression depth, the JS stack). Each limit is generous for
 * real applications and was measured on SQLite on the development machine (2 shared
 * cores): a request at the limit, on a table of 10 000 rows, costs the CPU time noted
 * (`bench/limits-probe.mjs` repeats the measurement; medians). Going past a limit is a 400
 * that names it and its value. Heavy reads could also leave the event loop (SQLite readers
 * in worker threads); that belongs with performance work, these limits bound the work itself.
 */
export const REQUEST_LIMITS = {
  /**
   * Conditions and groups in one request's filters (both filter languages). Every row is
   * tested against every condition, and a pattern is the dearest: 999 `$iPattern` branches
   * cost 860 ms of CPU over 10 000 rows (0.09 ms each), so 100 cost about 90 ms.
   */
  filterNodes: 100,
  /** Nesting of groups ($all/$any/$not, Xano groups), checked before descending: no filter can overflow the stack. 32 levels: 1 ms. */
  filterDepth: 32,
  /** Values in one list ($any/$is arrays, $includes*, Xano `in`); the Xata SDK's read([ids]) sends 1 000. 1 000 values: 4–7 ms. */
  listValues: 1000,
  /** Listed values in one request's filters together, each one SQL variable. 10 000 (ten lists): 20 ms. */
  filterValues: 10_000,
  /** Keys of one sort (both APIs). 32 keys sorting 10 000 rows: 7 ms. */
  sortKeys: 32,
  /**
   * Leaf columns of one table (an object column's children count one each); the same 256 a
   * query may project. Creating a table adds its columns one ALTER at a time, which grows with
   * the square of their number: 100 columns 125 ms, 200 columns 250–490 ms, 500 columns 2.4 s
   * (a schema change, which needs the database scopes; a record of 500 columns reads and writes
   * in 4 ms). Past 1 000 the engines fail.
   */
  columnsPerTable: 256,
  /** Named summaries of one summarize request. 100 summaries over 1 000 groups of 10 000 rows: 33 ms. */
  summaries: 100,
  /** Aggregations of one aggregate request, sub-aggregations included. 4 topValues × 24 filtered counts: 150 ms; 100 metrics: 4 ms. */
  aggregations: 100,
  /**
   * Parameters of one SQL statement: SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32 766; below
   * PostgreSQL's bind limit, 65 535). A request's filters stay far below it (filterNodes +
   * filterValues); an engine's "too many variables" maps to this 400 where engine errors are mapped.
   */
  sqlVariables: 32_766,
  /** Nesting of a JSON body (and of a json column's value): recursive walks of deeper values overflow the stack. */
  jsonDepth: 128,
  /**
   * Bytes of file content one answer may inline as `base64Content` (`columns: ['photo.base64Content']`),
   * all files together: the content is read into memory to be encoded. 15 MiB is 20 MiB of base64,
   * Xata's limit for inline content on input; larger files are read with signedUrl or the binary endpoint.
   */
  answerFileContent: 15 * 1024 * 1024,
} as const;

export type RequestLimit = keyof typeof REQUEST_LIMITS;

/** The 400 for a request past a limit: what is limited, the limit's value, and the input it is about. */
export function limitExceeded(what: string, limit: RequestLimit, param?: string): StrataError {
  return new StrataError('BAD_REQUEST', `${what}: at most ${REQUEST_LIMITS[limit]} (request limit ${limit})`, { param });
}
