import type { ColumnDefinition } from '../../kernel/model/column-types.js';

/** Schema edits in Xata's MigrationOp shape: the one vocabulary every schema change is expressed in. */
export type MigrationOp =
  | { addTable: { table: string } }
  | { removeTable: { table: string } }
  | { renameTable: { oldName: string; newName: string } }
  | { addColumn: { table: string; column: ColumnDefinition } }
  | { removeColumn: { table: string; column: string } }
  | { renameColumn: { table: string; oldName: string; newName: string } }
  /**
   * Strata extension (the Metadata API's PUT …/schema): replaces a column's stored definition
   * where only catalog-level parts change (its defaultValue, its Xano options); no DDL, no data rewritten.
   */
  | { alterColumn: { table: string; column: string; definition: ColumnDefinition } };

export interface MigrationResult { migrationID: string; parentMigrationID: string; status: 'completed' }
