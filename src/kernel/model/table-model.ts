import { flattenColumns, xataView, type ColumnDefinition, type LeafColumn } from './column-types.js';
import type { TableMeta } from './table-meta.js';

/** How a table identifies its records: Xata-style string ids or Xano-style auto-increment integers. */
export type IdKind = 'string' | 'int';

/** A table as the catalog stores it. */
export interface TableRecord {
  id: number;
  name: string;
  idKind: IdKind;
  columns: ColumnDefinition[];
  createdAt: string;
  /** Table metadata Xata has no place for (the Metadata API's description, autocomplete, …). */
  meta?: TableMeta;
}

let modelSerials = 0;

/** An immutable view of one table's schema with the lookups every request needs. */
export class TableModel {
  readonly id: number;
  readonly name: string;
  readonly idKind: IdKind;
  /** The columns as the data API shows them (without Xano metadata). */
  readonly columns: ColumnDefinition[];
  /** The stored definitions, Xano metadata included. */
  readonly definitions: ColumnDefinition[];
  readonly createdAt: string;
  readonly meta: TableMeta | undefined;
  readonly leaves: LeafColumn[];
  private readonly byPath: Map<string, LeafColumn>;
  private readonly objectPaths: Set<string>;
  /** Per-model memo for derived state (the search index check); dropped with the model. */
  readonly memo = new Map<string, unknown>();
  /** Unique in this process: names the model in process-wide caches (a schema change makes new models). */
  readonly serial = ++modelSerials;

  constructor(record: TableRecord) {
    this.id = record.id;
    this.name = record.name;
    this.idKind = record.idKind;
    this.definitions = record.columns;
    this.columns = xataView(record.columns);
    this.createdAt = record.createdAt;
    this.meta = record.meta;
    this.leaves = flattenColumns(record.columns);
    this.byPath = new Map(this.leaves.map((leaf) => [leaf.path, leaf]));
    this.objectPaths = new Set();
    for (const leaf of this.leaves) {
      const parts = leaf.path.split('.');
      for (let i = 1; i < parts.length; i++) this.objectPaths.add(parts.slice(0, i).join('.'));
    }
  }

  leaf(path: string): LeafColumn | undefined {
    return this.byPath.get(path);
  }

  isObject(path: string): boolean {
    return this.objectPaths.has(path);
  }

  /** Leaves under an object path (`settings` → `settings.theme`, `settings.plan`). */
  leavesUnder(objectPath: string): LeafColumn[] {
    const prefix = objectPath + '.';
    return this.leaves.filter((leaf) => leaf.path.startsWith(prefix));
  }

  toRecord(): TableRecord {
    return { id: this.id, name: this.name, idKind: this.idKind, columns: this.definitions, createdAt: this.createdAt, ...(this.meta ? { meta: this.meta } : {}) };
  }
}

/** The schema of one branch: its tables by name, and the migration it is at. */
export class BranchSchema {
  readonly tables: Map<string, TableModel>;
  constructor(tables: TableRecord[], readonly lastMigrationId: string) {
    this.tables = new Map(tables.map((t) => [t.name, new TableModel(t)]));
  }
  /** Tables in creation order (the order clients see them listed). */
  ordered(): TableModel[] {
    return [...this.tables.values()].sort((a, b) => a.id - b.id);
  }
}
