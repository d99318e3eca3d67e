import type { Kysely, RawBuilder } from 'kysely';
import type { LeafColumn } from '../core/model/column-types.js';
import type { IdKind } from '../core/model/table-model.js';
import type { StrataError } from '../core/errors.js';

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
  /** Maps an engine error to a client error when it is one (unique violation, …). */
  mapError(err: unknown): StrataError | undefined;
  /** Drops and recreates caches of compiled statements after DDL (SQLite statements go stale). */
  afterSchemaChange?(): void;
}

export type AnyKysely = Kysely<any>;
export type Sql = RawBuilder<unknown>;
