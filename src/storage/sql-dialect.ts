import type { Kysely, RawBuilder } from 'kysely';
import type { JsonStep, PatternPart } from '../kernel/plans/filter-ast.js';
import type { LeafColumn } from '../kernel/model/column-types.js';
import type { IdKind } from '../kernel/model/table-model.js';
import type { StrataError } from '../kernel/errors.js';
import type { CalendarUnit, SimilarityFunction } from '../kernel/plans/group-plan.js';
import type { SearchDialect } from './search-dialect.js';
import type { IndexDialect } from './index-dialect.js';

/**
 * What differs between the engines when storing user tables: SQL types, how logical
 * values are encoded as parameters and decoded from rows, and how constraint errors look.
 * Everything else (the SQL text of record reads and writes, the catalog) is shared.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column type of a leaf column; links take the id type of the table they point to. */
  columnType(leaf: LeafColumn, linkIdKind: IdKind | undefined): string;
  /** DDL of the `id` column for a table of the given kind. */
  idColumn(kind: IdKind): string;
  timestampType: string;
  encode(leaf: LeafColumn, value: unknown): unknown;
  decode(leaf: LeafColumn, raw: unknown): unknown;
  encodeTimestamp(ms: number): unknown;
  decodeTimestamp(raw: unknown): number;
  /** Maps an engine error to a StrataError when it is one it knows: a client error (unique violation, …) or the database being unavailable (503). */
  mapError(err: unknown): StrataError | undefined;

  // Filters (storage/filter-sql.ts): the fragments whose SQL differs per engine.
  /** A `*`/`?` pattern as the text `matchPattern` binds (the engine's own pattern syntax). */
  patternText(pattern: PatternPart[], caseInsensitive: boolean): string;
  /** `value` matches `patternText`'s pattern, case-sensitively (byte-wise) or ASCII case-insensitively; the pattern is a parameter. */
  matchPattern(value: RawBuilder<unknown>, patternText: string, caseInsensitive: boolean): RawBuilder<unknown>;
  /** The elements of an array (`multiple`) column as a FROM item named `alias` with one column, "value". */
  arrayElements(column: RawBuilder<unknown>, alias: string): RawBuilder<unknown>;
  /** A JSON path as the text `jsonAt` binds (the engine's path syntax; steps were validated: no `"`, `\`, control characters). */
  jsonPathText(path: JsonStep[]): string;
  /**
   * The value at a path of a json column as a FROM item named `alias`: one row when there is a
   * value (not missing, not JSON null), none otherwise. Columns: "t" its type (string, number,
   * boolean, array, object), "s" the string (strings only, byte-wise ordered), "n" the number as
   * a double (numbers only), "j" the value as JSON (for jsonStrings and jsonEquals). The path is a parameter.
   */
  jsonAt(column: RawBuilder<unknown>, pathText: string, alias: string): RawBuilder<unknown>;
  /** The string elements of a JSON value "j" that is an array, as a FROM item named `alias` with one column, "value" (none otherwise). */
  jsonStrings(json: RawBuilder<unknown>, alias: string): RawBuilder<unknown>;
  /** A json column as a group key: equal JSON values (whatever their key order) are one group. */
  jsonGroupKey(column: RawBuilder<unknown>): RawBuilder<unknown>;
  /** A json group key as the text groups sort by: PostgreSQL's jsonb text (keys by length, then bytes), byte-wise. */
  jsonSortText(key: RawBuilder<unknown>): RawBuilder<unknown>;
  /** A JSON value "j" is the JSON value of `jsonText` (a parameter): objects whatever their key order, numbers by value. */
  jsonEquals(json: RawBuilder<unknown>, jsonText: string): RawBuilder<unknown>;

  // Analytics (storage/group-sql.ts, storage/vector-sql.ts).
  /** A datetime or system timestamp as epoch milliseconds (an integer). */
  epochMs(value: RawBuilder<unknown>): RawBuilder<unknown>;
  /** Start (epoch ms, an integer) of the calendar month/quarter/year holding `wallMs`, a wall-clock time read as UTC. */
  startOfCalendar(wallMs: RawBuilder<unknown>, unit: CalendarUnit): RawBuilder<unknown>;
  /** Aggregate: the percentile `q` (0…1) of a group's non-null doubles, by Xata's rule (core/analytics/percentile.ts). */
  percentile(value: RawBuilder<unknown>, q: number): RawBuilder<unknown>;
  /**
   * Similarity of a vector column to `query`, higher is nearer: cosine similarity + 1 (0…2),
   * 1 / (1 + L1 distance), 1 / (1 + L2 distance). NULL when undefined (a zero vector under cosine).
   */
  vectorScore(column: RawBuilder<unknown>, query: number[], fn: SimilarityFunction): RawBuilder<unknown>;

  // Where the engines' capabilities differ (everything else is shared SQL in branch-sql.ts).
  /** Suffixes that lock rows read in a write transaction ('' where writes are serialised anyway). */
  forUpdate: string;
  forKeyShare: string;
  /** Makes schema changes of one branch take turns, inside their transaction (if writes are not serialised already). */
  lockCatalog?(db: Kysely<any>, catalog: RawBuilder<unknown>): Promise<void>;
  /** The engine cannot add NOT NULL to a column later, so the column is added with a DDL default. */
  notNullNeedsDdlDefault: boolean;
  /** Work before dropping a column (SQLite refuses to drop an indexed column). */
  beforeDropColumn?(db: Kysely<any>, tableName: string, path: string): Promise<void>;
  /** After a row was inserted with an explicit id into an auto-increment table (keep the sequence ahead). */
  afterExplicitId?(db: Kysely<any>, table: RawBuilder<unknown>, id: string | number): Promise<void>;
  /** Restarts an integer-id table's auto-increment at 1 (after its records were deleted). */
  resetIdentity(db: Kysely<any>, table: RawBuilder<unknown>, name: string): Promise<void>;
  /** The id an integer-id table hands out next (archives: core/archive/). */
  nextIdentity(db: Kysely<any>, table: RawBuilder<unknown>, name: string): Promise<number>;
  /** Makes an integer-id table hand out `next` as its next id (a restore). */
  setNextIdentity(db: Kysely<any>, table: RawBuilder<unknown>, name: string, next: number): Promise<void>;

  /** Tells other nodes, when this transaction commits, that a branch's change log grew (`branchId:lastSeq`). */
  notifyChanges?(db: Kysely<any>, payload: string): Promise<void>;

  /** Full-text search: the engine's index and how queries match it (search-dialect.ts). */
  search: SearchDialect;
  /** The Metadata API's indexes: what the engine builds natively and what it lacks (index-dialect.ts). */
  indexes: IndexDialect;
}
