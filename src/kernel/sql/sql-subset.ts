/**
 * The supported SQL subset, as allow-lists over PostgreSQL's parse tree: a node type, a
 * function, a cast or an operator that is not listed here is refused with a 400 naming it.
 * Allow-lists, not deny-lists: a construct nobody thought of is refused by default.
 */
export const ALLOWED_NODES = new Set([
  'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt',
  'ResTarget', 'ColumnRef', 'String', 'A_Star', 'A_Const', 'ParamRef', 'A_Expr', 'BoolExpr', 'NullTest',
  'BooleanTest', 'FuncCall', 'TypeCast', 'TypeName', 'RangeVar', 'Alias', 'JoinExpr', 'RangeSubselect', 'SubLink',
  'SortBy', 'WithClause', 'CommonTableExpr', 'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'List',
  // DEFAULT in an INSERT's VALUES (Drizzle sends it for columns without a value): the column is left out.
  'SetToDefault',
]);

/** Functions, by their (lower-case) PostgreSQL name. None reaches the server, the disk or the clock beyond now(). */
export const ALLOWED_FUNCTIONS = new Set([
  'count', 'sum', 'avg', 'min', 'max',
  'lower', 'upper', 'length', 'char_length', 'concat', 'replace', 'substr', 'substring', 'btrim', 'ltrim', 'rtrim',
  'abs', 'round', 'ceil', 'ceiling', 'floor',
  'now',
]);
export const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** Cast targets, by the name the parser gives them (`int` is `pg_catalog.int4`). */
export const ALLOWED_CASTS = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'text', 'varchar', 'bool', 'jsonb', 'json', 'timestamptz']);

/** Binary operators (A_Expr kind AEXPR_OP), by their symbol. */
export const ALLOWED_OPERATORS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '||', '->', '->>', '~~', '!~~', '~~*', '!~~*']);

export const ALLOWED_EXPR_KINDS = new Set([
  'AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL', 'AEXPR_DISTINCT', 'AEXPR_NOT_DISTINCT', 'AEXPR_NULLIF', 'AEXPR_IN',
  'AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN',
]);

export const ALLOWED_SUBLINKS = new Set(['EXISTS_SUBLINK', 'EXPR_SUBLINK', 'ANY_SUBLINK']);

/**
 * Physical columns that are not part of a table as clients know it: PostgreSQL's system
 * columns, SQLite's rowid aliases, and Strata's own (search vectors are `xata_tsv_…`).
 */
export function isHiddenColumn(name: string): boolean {
  const lower = name.toLowerCase();
  if (['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid', 'oid', 'rowid', '_rowid_'].includes(lower)) return true;
  return lower.startsWith('xata_') && !['xata_version', 'xata_createdat', 'xata_updatedat'].includes(lower);
}

/** Statements outside the subset, named as a user would write them. */
const STATEMENT_NAMES: Record<string, string> = {
  CreateStmt: 'CREATE TABLE', CreateTableAsStmt: 'CREATE TABLE AS', AlterTableStmt: 'ALTER TABLE', DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE', RenameStmt: 'ALTER … RENAME', IndexStmt: 'CREATE INDEX', ViewStmt: 'CREATE VIEW',
  CreateSchemaStmt: 'CREATE SCHEMA', CreateFunctionStmt: 'CREATE FUNCTION', CreateExtensionStmt: 'CREATE EXTENSION',
  CreateSeqStmt: 'CREATE SEQUENCE', CreateTrigStmt: 'CREATE TRIGGER', CommentStmt: 'COMMENT', CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE', GrantStmt: 'GRANT/REVOKE', GrantRoleStmt: 'GRANT/REVOKE', CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE', CopyStmt: 'COPY', VariableSetStmt: 'SET', VariableShowStmt: 'SHOW',
  TransactionStmt: 'transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT)', ListenStmt: 'LISTEN', NotifyStmt: 'NOTIFY',
  UnlistenStmt: 'UNLISTEN', ExplainStmt: 'EXPLAIN', DoStmt: 'DO', CallStmt: 'CALL', PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE', DeallocateStmt: 'DEALLOCATE', LockStmt: 'LOCK', VacuumStmt: 'VACUUM/ANALYZE', DiscardStmt: 'DISCARD',
  LoadStmt: 'LOAD', AlterSystemStmt: 'ALTER SYSTEM', ClusterStmt: 'CLUSTER', ReindexStmt: 'REINDEX', MergeStmt: 'MERGE',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW', CheckPointStmt: 'CHECKPOINT', CreateFdwStmt: 'CREATE FOREIGN DATA WRAPPER',
  CreateForeignServerStmt: 'CREATE SERVER', CreateForeignTableStmt: 'CREATE FOREIGN TABLE', ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  CreatePolicyStmt: 'CREATE POLICY', SecLabelStmt: 'SECURITY LABEL', ReassignOwnedStmt: 'REASSIGN OWNED', DropOwnedStmt: 'DROP OWNED',
};
const SCHEMA_CHANGES = new Set(['CreateStmt', 'CreateTableAsStmt', 'AlterTableStmt', 'DropStmt', 'TruncateStmt', 'RenameStmt', 'IndexStmt', 'ViewStmt',
  'CreateSchemaStmt', 'CreateFunctionStmt', 'CreateExtensionStmt', 'CreateSeqStmt', 'CreateTrigStmt', 'CommentStmt']);

/** Why a statement type is refused, for the 400's message. */
export function refusedStatement(type: string): string {
  const name = STATEMENT_NAMES[type] ?? type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  if (SCHEMA_CHANGES.has(type)) return `${name} is not allowed: schema changes go through the schema API`;
  return `${name} is not allowed: only SELECT, INSERT, UPDATE and DELETE run over HTTP`;
}

/** Node types outside the subset, named as a user would write them. */
const NODE_NAMES: Record<string, string> = {
  WindowDef: 'window functions (OVER)', RangeFunction: 'functions in FROM', SQLValueFunction: 'CURRENT_USER, CURRENT_TIMESTAMP and similar (use now())',
  A_ArrayExpr: 'ARRAY[…] constructors', A_Indirection: 'subscripts and field selection', CollateClause: 'COLLATE',
  GroupingSet: 'GROUPING SETS, CUBE and ROLLUP', LockingClause: 'FOR UPDATE/SHARE', IntoClause: 'SELECT INTO',
  OnConflictClause: 'ON CONFLICT', RowExpr: 'row constructors',
  MultiAssignRef: 'multiple-column assignment', RangeTableSample: 'TABLESAMPLE', XmlExpr: 'XML functions', XmlSerialize: 'XML functions',
  JsonObjectConstructor: 'SQL/JSON constructors', JsonArrayConstructor: 'SQL/JSON constructors', JsonFuncExpr: 'SQL/JSON functions',
  GroupingFunc: 'GROUPING()', CurrentOfExpr: 'WHERE CURRENT OF', RangeTableFunc: 'XMLTABLE/JSON_TABLE', JsonTable: 'JSON_TABLE',
  A_Indices: 'subscripts', ReturnStmt: 'RETURN',
};
export const nodeName = (type: string): string => NODE_NAMES[type] ?? type;
