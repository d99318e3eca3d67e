import type { TableIndex } from './table-index.js';

/**
 * Table metadata the Xata model has no place for: what the Metadata API shows about a table
 * besides its columns. It lives in the branch catalog next to the columns, so it changes in
 * the same transaction as the schema and travels with branch copies. Tables created through
 * the data API have none (every field then reads as its default).
 */
export interface TableMeta {
  description?: string;
  docs?: string;
  /** Xano: the table is the workspace's auth (user) table. */
  auth?: boolean;
  /** Xano: a table's guid (an opaque id, stable across renames). */
  guid?: string;
  tag?: string[];
  /** Xano: the columns shown when the table is referenced in the UI. */
  autocomplete?: Array<{ name: string }>;
  /** Xano: the table's indexes (besides its primary key), each backed by a real engine index (table-index.ts). */
  index?: TableIndex[];
  /**
   * Xano: the column order `PUT …/schema` was given (top-level names). Reads follow it without
   * rewriting the table; columns it does not name (added later) follow in catalog order.
   */
  columnOrder?: string[];
  /** When the table's metadata or schema last changed through the Metadata API (RFC 3339). */
  updatedAt?: string;
}
