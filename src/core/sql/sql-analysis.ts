import type { BranchSchema } from '../../kernel/model/table-model.js';
import { invalidSql, type SqlNode } from '../../kernel/sql/sql-parse.js';
import {
  ALLOWED_CASTS, ALLOWED_EXPR_KINDS, ALLOWED_FUNCTIONS, ALLOWED_NODES, ALLOWED_OPERATORS, ALLOWED_SUBLINKS,
  isHiddenColumn, nodeName, refusedStatement,
} from '../../kernel/sql/sql-subset.js';

/**
 * What a statement is and what it touches, decided from its parse tree: the kind (which
 * scope it needs), the branch tables it names and the parameters it uses. Everything outside
 * the subset (sql-subset.ts) is refused here, before any engine sees the statement. Table
 * names resolve against the branch's schema only: no schema-qualified names, no catalog, no
 * Strata tables, nothing of another branch or database can even be named.
 */
export type SqlKind = 'read' | 'insert' | 'update' | 'delete';

export interface SqlAnalysis {
  kind: SqlKind;
  /** The statement's root node (`SelectStmt`, `InsertStmt`, …) without its type wrapper. */
  root: SqlNode;
  /** Branch tables the statement reads or writes. */
  tables: Set<string>;
  /** The table an INSERT, UPDATE or DELETE writes. */
  target?: string;
  paramCount: number;
}

const KINDS: Record<string, SqlKind> = { SelectStmt: 'read', InsertStmt: 'insert', UpdateStmt: 'update', DeleteStmt: 'delete' };

export function analyseStatement(stmt: SqlNode, schema: BranchSchema, params: readonly unknown[]): SqlAnalysis {
  const [type] = Object.keys(stmt);
  const kind = KINDS[type!];
  if (!kind) throw invalidSql(refusedStatement(type!));
  const root = stmt[type!] as SqlNode;
  const walker = new Walker(schema);
  if (kind !== 'read') checkWrite(type!, root, walker);
  walker.node(type!, root, []);
  const used = walker.params;
  const max = used.size === 0 ? 0 : Math.max(...used);
  if (max > params.length) throw invalidSql(`the statement uses $${max} but ${params.length} parameter${params.length === 1 ? ' was' : 's were'} given`);
  if (used.size !== params.length) throw invalidSql(`unused parameters: used ${used.size} of ${params.length} parameters`);
  const target = kind === 'read' ? undefined : ((root.relation as SqlNode).relname as string);
  return { kind, root, tables: walker.tables, target, paramCount: params.length };
}

/** The write statements' own limits: plain VALUES, one table, no WITH/FROM/USING/ON CONFLICT. */
function checkWrite(type: string, root: SqlNode, walker: Walker): void {
  if (root.withClause) throw invalidSql(`WITH is not supported in ${type === 'InsertStmt' ? 'INSERT' : type === 'UpdateStmt' ? 'UPDATE' : 'DELETE'} statements`);
  if (type === 'InsertStmt') {
    if (root.onConflictClause) throw invalidSql(`${nodeName('OnConflictClause')} is not supported`);
    if (root.override && root.override !== 'OVERRIDING_NOT_SET') throw invalidSql('OVERRIDING is not supported');
    if (!Array.isArray(root.cols) || root.cols.length === 0) throw invalidSql('INSERT must name its columns: INSERT INTO t ("a", "b") VALUES (…)');
    const select = (root.selectStmt as SqlNode | undefined)?.SelectStmt as SqlNode | undefined;
    if (!select || !Array.isArray(select.valuesLists)) throw invalidSql('INSERT … SELECT and DEFAULT VALUES are not supported: insert with VALUES (…)');
  }
  if (type === 'UpdateStmt' && Array.isArray(root.fromClause) && root.fromClause.length > 0) throw invalidSql('UPDATE … FROM is not supported: use a subquery in WHERE');
  if (type === 'DeleteStmt' && Array.isArray(root.usingClause) && root.usingClause.length > 0) throw invalidSql('DELETE … USING is not supported: use a subquery in WHERE');
  const relation = root.relation as SqlNode;
  walker.relation(relation, []);
}

class Walker {
  readonly tables = new Set<string>();
  readonly params = new Set<number>();

  constructor(private readonly schema: BranchSchema) {}

  /** Visits one node; `ctes` are the names WITH clauses around it define. */
  node(type: string, body: SqlNode, ctes: string[]): void {
    if (!ALLOWED_NODES.has(type)) {
      if (type.endsWith('Stmt')) throw invalidSql(`nested ${refusedStatement(type)}`);
      throw invalidSql(`${nodeName(type)} ${nodeName(type) === type ? 'is' : 'are'} not supported`);
    }
    let scope = ctes;
    switch (type) {
      case 'SelectStmt': {
        scope = this.select(body, ctes);
        // Set operations hold their members unwrapped: each is a SELECT with its own checks.
        const { larg, rarg, ...rest } = body;
        for (const member of [larg, rarg]) if (member) this.node('SelectStmt', member as SqlNode, scope);
        this.children(rest, scope);
        return;
      }
      case 'TypeCast':
        this.typeName(body.typeName as SqlNode); // unwrapped in the tree
        this.value(body.arg, ctes);
        return;
      case 'RangeVar': this.relation(body, ctes); return;
      case 'FuncCall': this.func(body); break;
      case 'TypeName': this.typeName(body); return;
      case 'ColumnRef': this.column(body); return;
      case 'ParamRef': this.param(body); return;
      case 'A_Expr': this.expr(body); break;
      case 'SubLink':
        if (!ALLOWED_SUBLINKS.has(body.subLinkType as string)) throw invalidSql(`${String(body.subLinkType).replace('_SUBLINK', '')} subqueries are not supported`);
        break;
      case 'JoinExpr':
        if (body.isNatural) throw invalidSql('NATURAL joins are not supported: name the join condition');
        break;
      case 'CommonTableExpr': {
        const query = body.ctequery as SqlNode;
        if (!query.SelectStmt) throw invalidSql(`a WITH query must be a SELECT (data-modifying WITH is not supported): ${refusedStatement(Object.keys(query)[0]!)}`);
        if (Array.isArray(body.aliascolnames) && body.aliascolnames.length > 0) throw invalidSql('column lists on WITH queries are not supported: alias the columns in the query');
        if (body.ctematerialized && body.ctematerialized !== 'CTEMaterializeDefault') throw invalidSql('MATERIALIZED is not supported');
        break;
      }
      case 'RangeSubselect':
        if (body.lateral) throw invalidSql('LATERAL is not supported');
        break;
    }
    this.children(body, scope);
  }

  private children(body: SqlNode, ctes: string[]): void {
    for (const value of Object.values(body)) this.value(value, ctes);
  }

  private value(value: unknown, ctes: string[]): void {
    if (Array.isArray(value)) { for (const item of value) this.value(item, ctes); return; }
    if (value === null || typeof value !== 'object') return;
    const keys = Object.keys(value);
    const first = keys[0];
    if (keys.length === 1 && first && /^[A-Z]/.test(first)) this.node(first, (value as SqlNode)[first] as SqlNode, ctes);
    else this.children(value as SqlNode, ctes); // a plain field holder (A_Const's ival, an Alias's names…)
  }

  private select(body: SqlNode, ctes: string[]): string[] {
    if (body.intoClause) throw invalidSql(`${nodeName('IntoClause')} is not supported`);
    if (Array.isArray(body.lockingClause) && body.lockingClause.length > 0) throw invalidSql(`${nodeName('LockingClause')} is not supported`);
    if (Array.isArray(body.windowClause) && body.windowClause.length > 0) throw invalidSql(`${nodeName('WindowDef')} are not supported`);
    if (body.groupDistinct) throw invalidSql('GROUP BY DISTINCT is not supported');
    const withClause = body.withClause as SqlNode | undefined;
    if (!withClause) return ctes;
    if (withClause.recursive) throw invalidSql('WITH RECURSIVE is not supported');
    const names = (withClause.ctes as SqlNode[]).map((c) => (c.CommonTableExpr as SqlNode).ctename as string);
    return [...ctes, ...names];
  }

  relation(body: SqlNode, ctes: string[]): void {
    const name = body.relname as string;
    if (body.schemaname || body.catalogname) throw invalidSql(`schema-qualified names are not supported: [${[body.catalogname, body.schemaname, name].filter(Boolean).join('.')}] (a statement sees only the tables of its branch)`);
    if (ctes.includes(name)) return;
    if (!this.schema.tables.has(name)) throw invalidSql(`table [${name}] not found in this branch`);
    this.tables.add(name);
  }

  private func(body: SqlNode): void {
    const parts = (body.funcname as SqlNode[]).map((n) => (n.String as SqlNode).sval as string);
    // TRIM, SUBSTRING … FROM … are SQL syntax the parser turns into pg_catalog calls.
    const sqlSyntax = body.funcformat === 'COERCE_SQL_SYNTAX' && parts.length === 2 && parts[0] === 'pg_catalog';
    if (parts.length !== 1 && !sqlSyntax) throw invalidSql(`schema-qualified names are not supported: function [${parts.join('.')}]`);
    const name = parts[parts.length - 1]!;
    if (!ALLOWED_FUNCTIONS.has(name)) throw invalidSql(`function [${name}] is not supported`);
    if (body.over) throw invalidSql(`${nodeName('WindowDef')} are not supported`);
    if (body.agg_within_group || body.func_variadic || (Array.isArray(body.agg_order) && body.agg_order.length > 0)) throw invalidSql(`this form of [${name}] is not supported`);
  }

  private typeName(body: SqlNode): void {
    const parts = (body.names as SqlNode[]).map((n) => (n.String as SqlNode).sval as string);
    const name = parts[parts.length - 1]!;
    const qualified = parts.length > 2 || (parts.length === 2 && parts[0] !== 'pg_catalog');
    if (qualified || !ALLOWED_CASTS.has(name) || body.arrayBounds || body.setof || body.pct_type) throw invalidSql(`cast to [${parts.join('.')}] is not supported`);
  }

  private column(body: SqlNode): void {
    const fields = body.fields as SqlNode[];
    if (fields.length > 2) throw invalidSql(`schema-qualified names are not supported: [${fields.map((f) => (f.String as SqlNode | undefined)?.sval ?? '*').join('.')}]`);
    for (const field of fields) {
      const name = (field.String as SqlNode | undefined)?.sval as string | undefined;
      if (name !== undefined && fields.length - 1 === fields.indexOf(field) && isHiddenColumn(name)) throw invalidSql(`column [${name}] is not a column of this branch's tables`);
    }
  }

  private param(body: SqlNode): void {
    const n = body.number as number;
    if (!Number.isInteger(n) || n < 1) throw invalidSql(`bad parameter $${String(n)}`);
    this.params.add(n);
  }

  private expr(body: SqlNode): void {
    const kind = body.kind as string;
    if (!ALLOWED_EXPR_KINDS.has(kind)) throw invalidSql(`${kind.replace('AEXPR_', '').replaceAll('_', ' ')} expressions are not supported`);
    const names = (body.name as SqlNode[]).map((n) => (n.String as SqlNode).sval as string);
    if (names.length !== 1) throw invalidSql(`schema-qualified names are not supported: operator [${names.join('.')}]`);
    if (kind === 'AEXPR_OP' && !ALLOWED_OPERATORS.has(names[0]!)) throw invalidSql(`operator [${names[0]}] is not supported`);
  }
}
