import type { BranchSchema } from '../../kernel/model/table-model.js';
import { invalidSql, type SqlNode } from '../../kernel/sql/sql-parse.js';
import { StrataError } from '../../kernel/errors.js';
import { tableColumns, type OutputColumn } from './sql-output.js';
import { ExpressionSql, quoteId, type Scope } from './sql-expression.js';

/**
 * A SELECT of the supported subset (already checked by core/sql/sql-analysis.ts) → SQL text
 * for one engine, and what each answered column is. Both engines run compiled text, not the
 * client's: every table is named as this branch's table (`"strata_branch_7"."users"` on
 * PostgreSQL), `*` is expanded from the branch's schema (so no engine-internal column shows),
 * and every output column carries PostgreSQL's name, so both engines answer alike. On SQLite,
 * constructs without a faithful rewrite are refused (400) by name.
 */
export interface CompileTarget {
  dialect: 'postgres' | 'sqlite';
  schema: BranchSchema;
  /** A branch table as SQL names it on this engine. */
  tableSql(name: string): string;
}

export interface CompiledSelect { text: string; columns: OutputColumn[] }

/**
 * Compiled statements by parsed tree (parse trees are shared per statement text, see
 * sql-parse.ts) and schema (a new BranchSchema object after every migration), so a repeated
 * statement is compiled once per schema; both keys are weak, nothing outlives its tree.
 */
const compiledByTree = new WeakMap<SqlNode, WeakMap<BranchSchema, CompiledSelect>>();

/** Compiles once per tree and schema (one target per schema: a BranchSchema belongs to one branch of one engine). */
export function compileSelectOnce(target: CompileTarget, select: SqlNode): CompiledSelect {
  let bySchema = compiledByTree.get(select);
  if (!bySchema) compiledByTree.set(select, bySchema = new WeakMap());
  let compiled = bySchema.get(target.schema);
  if (!compiled) bySchema.set(target.schema, compiled = compileSelect(target, select));
  return compiled;
}

export function compileSelect(target: CompileTarget, select: SqlNode): CompiledSelect {
  try {
    return new SelectCompiler(target).select(select, undefined);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    // A tree of a shape the compiler does not know: outside the subset, never a 500.
    throw invalidSql('this statement is outside the supported subset');
  }
}

export class SelectCompiler {
  readonly expr: ExpressionSql;

  constructor(readonly target: CompileTarget) {
    this.expr = new ExpressionSql(target.dialect, (s, scope) => this.select(s, scope));
  }

  /** One SELECT (or set operation); `outer` is the enclosing query's scope (correlated subqueries). */
  select(s: SqlNode, outer: Scope | undefined): CompiledSelect {
    const sqlite = this.target.dialect === 'sqlite';
    if (Array.isArray(s.valuesLists)) throw invalidSql('VALUES lists are only supported in INSERT');
    const scope: Scope = { items: [], ctes: new Map(outer?.ctes), parent: outer };
    let withSql = '';
    const withClause = s.withClause as SqlNode | undefined;
    if (withClause) {
      const parts: string[] = [];
      for (const c of withClause.ctes as SqlNode[]) {
        const cte = c.CommonTableExpr as SqlNode;
        const inner = this.select((cte.ctequery as SqlNode).SelectStmt as SqlNode, scope);
        scope.ctes.set(cte.ctename as string, inner.columns);
        parts.push(`${quoteId(cte.ctename as string)} AS (${inner.text})`);
      }
      withSql = `WITH ${parts.join(', ')} `;
    }
    let body: CompiledSelect;
    if (s.op && s.op !== 'SETOP_NONE') body = this.setOperation(s, scope);
    else body = this.simpleSelect(s, scope);
    let text = withSql + body.text;
    const orderSql = this.orderBy(s, scope, body.columns);
    if (orderSql) text += orderSql;
    text += this.limit(s, scope, sqlite);
    return { text, columns: body.columns };
  }

  private setOperation(s: SqlNode, scope: Scope): CompiledSelect {
    const sqlite = this.target.dialect === 'sqlite';
    const op = ({ SETOP_UNION: 'UNION', SETOP_INTERSECT: 'INTERSECT', SETOP_EXCEPT: 'EXCEPT' } as Record<string, string>)[s.op as string]!;
    if (sqlite && s.all && op !== 'UNION') throw invalidSql(`${op} ALL cannot be rewritten for SQLite`);
    const side = (node: SqlNode): CompiledSelect => {
      const inner = (node.SelectStmt ?? node) as SqlNode; // set operations hold their members unwrapped
      const compiled = this.select(inner, scope);
      const compound = (inner.op && inner.op !== 'SETOP_NONE') || inner.sortClause || inner.limitCount || inner.limitOffset || inner.withClause;
      // SQLite takes no parentheses around the members of a compound SELECT.
      if (sqlite && compound) return { text: `SELECT * FROM (${compiled.text})`, columns: compiled.columns };
      return { text: sqlite ? compiled.text : `(${compiled.text})`, columns: compiled.columns };
    };
    const left = side(s.larg as SqlNode);
    const right = side(s.rarg as SqlNode);
    return { text: `${left.text} ${op}${s.all ? ' ALL' : ''} ${right.text}`, columns: left.columns };
  }

  private simpleSelect(s: SqlNode, scope: Scope): CompiledSelect {
    const from = (s.fromClause as SqlNode[] | undefined)?.map((item) => this.fromItem(item, scope)) ?? [];
    const targets: string[] = [];
    const columns: OutputColumn[] = [];
    const add = (sqlText: string, column: OutputColumn) => {
      targets.push(`${sqlText} AS ${quoteId(column.name)}`);
      columns.push(column);
    };
    for (const t of (s.targetList as SqlNode[] | undefined) ?? []) {
      const res = t.ResTarget as SqlNode;
      const val = res.val as SqlNode;
      const star = starOf(val);
      if (star !== undefined) {
        const items = star === null ? scope.items : scope.items.filter((i) => i.alias === star);
        if (items.length === 0) throw invalidSql(star === null ? 'SELECT * needs a FROM clause' : `missing FROM-clause entry for table [${star}]`);
        for (const item of items) for (const c of item.columns) add(`${quoteId(item.alias)}.${quoteId(c.name)}`, c);
        continue;
      }
      const e = this.expr.compile(val, scope);
      add(e.sql, { name: (res.name as string | undefined) ?? e.name, type: e.type, kind: e.kind });
    }
    if (targets.length === 0) throw invalidSql('a SELECT needs at least one column');
    let text = 'SELECT ';
    const distinct = s.distinctClause as SqlNode[] | undefined;
    if (distinct) {
      const on = distinct.filter((d) => Object.keys(d).length > 0);
      if (on.length === 0) text += 'DISTINCT ';
      else if (this.target.dialect === 'sqlite') throw invalidSql('DISTINCT ON cannot be rewritten for SQLite');
      else text += `DISTINCT ON (${on.map((d) => this.expr.compile(d, scope).sql).join(', ')}) `;
    }
    text += targets.join(', ');
    if (from.length > 0) text += ` FROM ${from.join(', ')}`;
    if (s.whereClause) text += ` WHERE ${this.expr.compile(s.whereClause as SqlNode, scope).sql}`;
    const group = s.groupClause as SqlNode[] | undefined;
    if (group && group.length > 0) text += ` GROUP BY ${group.map((g) => this.expr.compile(g, scope).sql).join(', ')}`;
    if (s.havingClause) text += ` HAVING ${this.expr.compile(s.havingClause as SqlNode, scope).sql}`;
    return { text, columns };
  }

  /** A FROM item: adds what it defines to the scope (in FROM order, for `*`), answers its SQL. */
  private fromItem(item: SqlNode, scope: Scope): string {
    if (item.RangeVar) {
      const rv = item.RangeVar as SqlNode;
      const name = rv.relname as string;
      const alias = aliasOf(rv.alias as SqlNode | undefined) ?? name;
      const cte = scope.ctes.get(name);
      if (cte) {
        scope.items.push({ alias, columns: cte });
        return alias === name ? quoteId(name) : `${quoteId(name)} AS ${quoteId(alias)}`;
      }
      const table = this.target.schema.tables.get(name);
      if (!table) throw invalidSql(`table [${name}] not found in this branch`);
      scope.items.push({ alias, columns: tableColumns(table, (leaf) => leaf.link && this.target.schema.tables.get(leaf.link.table)?.idKind) });
      return `${this.target.tableSql(name)} AS ${quoteId(alias)}`;
    }
    if (item.RangeSubselect) {
      const sub = item.RangeSubselect as SqlNode;
      const alias = aliasOf(sub.alias as SqlNode | undefined);
      if (!alias) throw invalidSql('a subquery in FROM needs an alias');
      const inner = this.select((sub.subquery as SqlNode).SelectStmt as SqlNode, { items: [], ctes: scope.ctes, parent: scope.parent });
      scope.items.push({ alias, columns: inner.columns });
      return `(${inner.text}) AS ${quoteId(alias)}`;
    }
    if (item.JoinExpr) {
      const j = item.JoinExpr as SqlNode;
      if (j.alias) throw invalidSql('aliases on joins are not supported');
      const left = this.fromItem(j.larg as SqlNode, scope);
      const right = this.fromItem(j.rarg as SqlNode, scope);
      const kind = ({ JOIN_INNER: 'JOIN', JOIN_LEFT: 'LEFT JOIN', JOIN_RIGHT: 'RIGHT JOIN', JOIN_FULL: 'FULL JOIN' } as Record<string, string>)[j.jointype as string];
      if (!kind) throw invalidSql(`${String(j.jointype)} joins are not supported`);
      const using = j.usingClause as SqlNode[] | undefined;
      if (using) return `${left} ${kind} ${right} USING (${using.map((u) => quoteId((u.String as SqlNode).sval as string)).join(', ')})`;
      if (!j.quals) return kind === 'JOIN' ? `${left} CROSS JOIN ${right}` : `${left} ${kind} ${right} ON TRUE`;
      return `${left} ${kind} ${right} ON ${this.expr.compile(j.quals as SqlNode, scope).sql}`;
    }
    throw invalidSql(`${Object.keys(item)[0]} in FROM is not supported`);
  }

  private orderBy(s: SqlNode, scope: Scope, columns: OutputColumn[]): string {
    const sorts = s.sortClause as SqlNode[] | undefined;
    if (!sorts || sorts.length === 0) return '';
    const sqlite = this.target.dialect === 'sqlite';
    const set = s.op && s.op !== 'SETOP_NONE';
    const keys = sorts.map((item) => {
      const sort = item.SortBy as SqlNode;
      if (sort.sortby_dir === 'SORTBY_USING') throw invalidSql('ORDER BY … USING is not supported');
      const desc = sort.sortby_dir === 'SORTBY_DESC';
      // A compound SELECT is ordered by its output columns only.
      const node = sort.node as SqlNode;
      const name = (node.ColumnRef as SqlNode | undefined)?.fields as SqlNode[] | undefined;
      const byName = set && name?.length === 1 && columns.some((c) => c.name === (name[0]!.String as SqlNode | undefined)?.sval);
      const key = byName ? quoteId((name![0]!.String as SqlNode).sval as string) : this.expr.compile(node, set ? { items: [], ctes: scope.ctes, parent: scope.parent } : scope).sql;
      let nulls = sort.sortby_nulls === 'SORTBY_NULLS_FIRST' ? ' NULLS FIRST' : sort.sortby_nulls === 'SORTBY_NULLS_LAST' ? ' NULLS LAST' : '';
      // PostgreSQL sorts NULLs as larger than every value; SQLite as smaller: say it explicitly.
      if (!nulls && sqlite) nulls = desc ? ' NULLS FIRST' : ' NULLS LAST';
      return `${key}${desc ? ' DESC' : sort.sortby_dir === 'SORTBY_ASC' ? ' ASC' : ''}${nulls}`;
    });
    return ` ORDER BY ${keys.join(', ')}`;
  }

  private limit(s: SqlNode, scope: Scope, sqlite: boolean): string {
    if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw invalidSql('FETCH … WITH TIES is not supported');
    const count = s.limitCount as SqlNode | undefined;
    const offset = s.limitOffset as SqlNode | undefined;
    const bound = (node: SqlNode) => {
      const e = this.expr.compile(node, scope).sql;
      // Parameters arrive as text; SQLite's LIMIT wants an integer.
      return sqlite ? `CAST(${e} AS INTEGER)` : e;
    };
    const all = count && (count.A_Const as SqlNode | undefined)?.isnull;
    let text = '';
    if (count && !all) text += ` LIMIT ${bound(count)}`;
    else if (offset && sqlite) text += ' LIMIT -1';
    if (offset) text += ` OFFSET ${bound(offset)}`;
    return text;
  }
}

/** `*` → null, `t.*` → 't', anything else → undefined. */
function starOf(val: SqlNode): string | null | undefined {
  const fields = (val.ColumnRef as SqlNode | undefined)?.fields as SqlNode[] | undefined;
  if (!fields || !fields[fields.length - 1]!.A_Star) return undefined;
  return fields.length === 1 ? null : ((fields[0]!.String as SqlNode).sval as string);
}

function aliasOf(alias: SqlNode | undefined): string | undefined {
  if (!alias) return undefined;
  if (Array.isArray(alias.colnames) && alias.colnames.length > 0) throw invalidSql('column aliases on a FROM item are not supported: alias the columns in the query');
  return alias.aliasname as string;
}
