import { invalidSql, type SqlNode } from '../../kernel/sql/sql-parse.js';
import { ALLOWED_CASTS, ALLOWED_FUNCTIONS, ALLOWED_OPERATORS } from '../../kernel/sql/sql-subset.js';
import { castOutput, type OutputColumn, type ValueKind } from './sql-output.js';

/**
 * Expressions of the supported subset → SQL for one engine, each with the name PostgreSQL
 * would give it as a column, and its type where the statement settles it. SQLite rewrites:
 * `$n` → `@pn`, `::` → CAST, LIKE/ILIKE → pg_like/pg_ilike (PostgreSQL's case rules, functions
 * registered on every connection), now() → epoch ms (how SQLite keeps datetimes).
 */
export type Sql = string;
export interface FromItem { alias: string; columns: OutputColumn[] }
export interface Scope { items: FromItem[]; ctes: Map<string, OutputColumn[]>; parent?: Scope }
export interface CompiledExpr { sql: Sql; name: string; type?: string; kind: ValueKind }

export const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteText = (text: string): string => `'${text.replaceAll("'", "''")}'`;

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);
const SQLITE_CASTS: Record<string, string> = { int2: 'INTEGER', int4: 'INTEGER', int8: 'INTEGER', float4: 'REAL', float8: 'REAL', text: 'TEXT', varchar: 'TEXT' };
const SQLITE_FUNCTIONS: Record<string, string> = { char_length: 'length', btrim: 'trim', substring: 'substr', ceiling: 'ceil' };

type SubSelect = (select: SqlNode, outer: Scope) => { text: string; columns: OutputColumn[] };

export class ExpressionSql {
  constructor(private readonly dialect: 'postgres' | 'sqlite', private readonly subselect: SubSelect) {}

  compile(node: SqlNode, scope: Scope): CompiledExpr {
    const [type] = Object.keys(node);
    const body = node[type!] as SqlNode;
    const sqlite = this.dialect === 'sqlite';
    switch (type) {
      case 'A_Const': return this.constant(body);
      case 'ParamRef': return { sql: sqlite ? `@p${String(body.number)}` : `$${String(body.number)}`, name: '?column?', type: 'text', kind: 'text' };
      case 'ColumnRef': return this.column(body, scope);
      case 'TypeCast': {
        const inner = this.compile(body.arg as SqlNode, scope);
        const names = ((body.typeName as SqlNode).names as SqlNode[]).map((n) => (n.String as SqlNode).sval as string);
        const target = names[names.length - 1]!;
        // The analyser allowed it; the compiler emits only names it knows either way.
        if (!ALLOWED_CASTS.has(target)) throw invalidSql(`cast to [${target}] is not supported`);
        const out = castOutput(target);
        const name = inner.name === '?column?' ? (target === 'bool' ? 'bool' : inner.name) : inner.name;
        if (!sqlite) return { sql: `CAST(${inner.sql} AS ${target})`, name, ...out };
        if (target === 'json' || target === 'jsonb') return { sql: `json(${inner.sql})`, name, ...out };
        const cast = SQLITE_CASTS[target];
        if (!cast) throw invalidSql(`cast to [${target}] cannot be rewritten for SQLite`);
        return { sql: `CAST(${inner.sql} AS ${cast})`, name, ...out };
      }
      case 'A_Expr': return this.operator(body, scope);
      case 'BoolExpr': {
        const args = (body.args as SqlNode[]).map((a) => `(${this.compile(a, scope).sql})`);
        const sql = body.boolop === 'NOT_EXPR' ? `NOT ${args[0]}` : args.join(body.boolop === 'AND_EXPR' ? ' AND ' : ' OR ');
        return { sql: `(${sql})`, name: '?column?', type: 'bool', kind: 'bool' };
      }
      case 'NullTest': {
        const arg = this.compile(body.arg as SqlNode, scope);
        return { sql: `(${arg.sql} IS ${body.nulltesttype === 'IS_NOT_NULL' ? 'NOT ' : ''}NULL)`, name: '?column?', type: 'bool', kind: 'bool' };
      }
      case 'BooleanTest': {
        const arg = this.compile(body.arg as SqlNode, scope);
        const test = ({ IS_TRUE: 'IS TRUE', IS_NOT_TRUE: 'IS NOT TRUE', IS_FALSE: 'IS FALSE', IS_NOT_FALSE: 'IS NOT FALSE', IS_UNKNOWN: 'IS NULL', IS_NOT_UNKNOWN: 'IS NOT NULL' } as Record<string, string>)[body.booltesttype as string]!;
        return { sql: `(${arg.sql} ${test})`, name: '?column?', type: 'bool', kind: 'bool' };
      }
      case 'FuncCall': return this.func(body, scope);
      case 'CaseExpr': {
        const subject = body.arg ? ` ${this.compile(body.arg as SqlNode, scope).sql}` : '';
        let first: CompiledExpr | undefined;
        const whens = (body.args as SqlNode[]).map((w) => {
          const when = w.CaseWhen as SqlNode;
          const result = this.compile(when.result as SqlNode, scope);
          first ??= result;
          return ` WHEN ${this.compile(when.expr as SqlNode, scope).sql} THEN ${result.sql}`;
        }).join('');
        const otherwise = body.defresult ? ` ELSE ${this.compile(body.defresult as SqlNode, scope).sql}` : '';
        return { sql: `(CASE${subject}${whens}${otherwise} END)`, name: 'case', type: first?.type, kind: first?.kind ?? 'plain' };
      }
      case 'CoalesceExpr': case 'MinMaxExpr': {
        const args = (body.args as SqlNode[]).map((a) => this.compile(a, scope));
        const fn = type === 'CoalesceExpr' ? 'coalesce' : body.op === 'IS_GREATEST' ? 'greatest' : 'least';
        // SQLite's max()/min() with several arguments are scalar, but NULL if any argument is.
        if (sqlite && fn !== 'coalesce') throw invalidSql(`${fn.toUpperCase()} cannot be rewritten faithfully for SQLite (it ignores NULLs on PostgreSQL)`);
        return { sql: `${fn}(${args.map((a) => a.sql).join(', ')})`, name: fn, type: args[0]?.type, kind: args[0]?.kind ?? 'plain' };
      }
      case 'SubLink': return this.sublink(body, scope);
      case 'SetToDefault': throw invalidSql('DEFAULT is only supported as a value of an INSERT');
      default: throw invalidSql(`${type} is not supported`);
    }
  }

  private constant(body: SqlNode): CompiledExpr {
    if (body.isnull) return { sql: 'NULL', name: '?column?', type: 'text', kind: 'plain' };
    if (body.ival) return { sql: String((body.ival as SqlNode).ival ?? 0), name: '?column?', type: 'int4', kind: 'plain' };
    if (body.fval) return { sql: String((body.fval as SqlNode).fval), name: '?column?', type: 'numeric', kind: 'number' };
    if (body.boolval) {
      const value = (body.boolval as SqlNode).boolval === true;
      return { sql: this.dialect === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE', name: 'bool', type: 'bool', kind: 'bool' };
    }
    if (body.sval) return { sql: quoteText(String((body.sval as SqlNode).sval ?? '')), name: '?column?', type: 'text', kind: 'plain' };
    throw invalidSql('this constant is not supported');
  }

  private column(body: SqlNode, scope: Scope): CompiledExpr {
    const fields = (body.fields as SqlNode[]).map((f) => (f.String as SqlNode | undefined)?.sval as string | undefined);
    if (fields.some((f) => f === undefined)) throw invalidSql('* is only supported as a whole column of the select list');
    const name = fields[fields.length - 1]!;
    const qualifier = fields.length === 2 ? fields[0]! : undefined;
    const found = resolve(scope, qualifier, name);
    return { sql: fields.map((f) => quoteId(f!)).join('.'), name, type: found?.type, kind: found?.kind ?? 'plain' };
  }

  private operator(body: SqlNode, scope: Scope): CompiledExpr {
    const kind = body.kind as string;
    const op = ((body.name as SqlNode[])[0]!.String as SqlNode).sval as string;
    if (!ALLOWED_OPERATORS.has(op) && !['BETWEEN', 'NOT BETWEEN'].includes(op)) throw invalidSql(`operator [${op}] is not supported`);
    const sqlite = this.dialect === 'sqlite';
    const left = body.lexpr ? this.compile(body.lexpr as SqlNode, scope) : undefined;
    const bool = (sql: Sql): CompiledExpr => ({ sql: `(${sql})`, name: '?column?', type: 'bool', kind: 'bool' });
    const list = () => ((body.rexpr as SqlNode).List as SqlNode).items as SqlNode[];
    switch (kind) {
      case 'AEXPR_OP': {
        const right = this.compile(body.rexpr as SqlNode, scope);
        if (!left) return { sql: `(${op} ${right.sql})`, name: '?column?', type: right.type, kind: right.kind };
        if (COMPARISONS.has(op)) return bool(`${left.sql} ${op} ${right.sql}`);
        if (op === '~~' || op === '!~~' || op === '~~*' || op === '!~~*') return this.like(left, right, op.includes('*'), op.startsWith('!'));
        if (op === '||') return { sql: `(${left.sql} || ${right.sql})`, name: '?column?', type: 'text', kind: 'text' };
        if (op === '->') return { sql: `(${left.sql} -> ${right.sql})`, name: '?column?', type: 'jsonb', kind: 'json' };
        if (op === '->>') return { sql: `(${left.sql} ->> ${right.sql})`, name: '?column?', type: 'text', kind: 'text' };
        // Arithmetic: a parameter (text) beside a number is a number, as PostgreSQL infers it.
        const type = left.type === 'text' ? right.type : left.type ?? right.type;
        return { sql: `(${left.sql} ${op} ${right.sql})`, name: '?column?', type, kind: 'plain' };
      }
      case 'AEXPR_LIKE': case 'AEXPR_ILIKE':
        return this.like(left!, this.compile(body.rexpr as SqlNode, scope), kind === 'AEXPR_ILIKE', op.startsWith('!'));
      case 'AEXPR_IN': {
        const items = list().map((i) => this.compile(i, scope).sql);
        return bool(`${left!.sql} ${op === '<>' ? 'NOT IN' : 'IN'} (${items.join(', ')})`);
      }
      case 'AEXPR_BETWEEN': case 'AEXPR_NOT_BETWEEN': {
        const [low, high] = list().map((i) => this.compile(i, scope).sql);
        return bool(`${left!.sql} ${kind === 'AEXPR_NOT_BETWEEN' ? 'NOT ' : ''}BETWEEN ${low} AND ${high}`);
      }
      case 'AEXPR_DISTINCT': case 'AEXPR_NOT_DISTINCT': {
        const right = this.compile(body.rexpr as SqlNode, scope);
        const not = kind === 'AEXPR_NOT_DISTINCT';
        return bool(sqlite ? `${left!.sql} IS ${not ? '' : 'NOT '}${right.sql}` : `${left!.sql} IS ${not ? 'NOT ' : ''}DISTINCT FROM ${right.sql}`);
      }
      case 'AEXPR_NULLIF': {
        const right = this.compile(body.rexpr as SqlNode, scope);
        return { sql: `nullif(${left!.sql}, ${right.sql})`, name: 'nullif', type: left!.type, kind: left!.kind };
      }
      case 'AEXPR_OP_ANY': case 'AEXPR_OP_ALL': {
        if (sqlite) throw invalidSql(`${op} ${kind === 'AEXPR_OP_ANY' ? 'ANY' : 'ALL'}(array) cannot be rewritten for SQLite: use IN (…)`);
        const right = this.compile(body.rexpr as SqlNode, scope);
        return bool(`${left!.sql} ${op} ${kind === 'AEXPR_OP_ANY' ? 'ANY' : 'ALL'} (${right.sql})`);
      }
      default: throw invalidSql(`${kind} is not supported`);
    }
  }

  private like(left: CompiledExpr, right: CompiledExpr, insensitive: boolean, negated: boolean): CompiledExpr {
    const sql = this.dialect === 'sqlite'
      ? `${insensitive ? 'pg_ilike' : 'pg_like'}(${left.sql}, ${right.sql})`
      : `${left.sql} ${insensitive ? 'ILIKE' : 'LIKE'} ${right.sql}`;
    return { sql: `(${negated ? 'NOT ' : ''}${sql})`, name: '?column?', type: 'bool', kind: 'bool' };
  }

  private func(body: SqlNode, scope: Scope): CompiledExpr {
    const parts = (body.funcname as SqlNode[]).map((n) => (n.String as SqlNode).sval as string);
    const name = parts[parts.length - 1]!;
    if (!ALLOWED_FUNCTIONS.has(name)) throw invalidSql(`function [${name}] is not supported`);
    const sqlite = this.dialect === 'sqlite';
    const args = ((body.args as SqlNode[] | undefined) ?? []).map((a) => this.compile(a, scope));
    const filter = body.agg_filter ? ` FILTER (WHERE ${this.compile(body.agg_filter as SqlNode, scope).sql})` : '';
    const distinct = body.agg_distinct ? 'DISTINCT ' : '';
    const argSql = body.agg_star ? '*' : distinct + args.map((a) => a.sql).join(', ');
    if (name === 'now') {
      if (args.length > 0) throw invalidSql('now() takes no arguments');
      return { sql: sqlite ? "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)" : 'now()', name, type: 'timestamptz', kind: 'datetime' };
    }
    const first = args[0];
    const out = name === 'count' ? { type: 'int8', kind: 'number' as ValueKind }
      : ['sum', 'avg'].includes(name) ? { type: name === 'avg' || first?.type?.startsWith('int') ? 'numeric' : first?.type, kind: 'number' as ValueKind }
      : ['min', 'max', 'abs', 'round', 'ceil', 'ceiling', 'floor'].includes(name) ? { type: first?.type, kind: first?.kind ?? 'plain' }
      : ['length', 'char_length'].includes(name) ? { type: 'int4', kind: 'number' as ValueKind }
      : { type: 'text', kind: 'text' as ValueKind };
    const fn = sqlite ? SQLITE_FUNCTIONS[name] ?? name : name;
    if (sqlite && name === 'round' && args.length > 1) throw invalidSql('round(x, n) cannot be rewritten faithfully for SQLite');
    return { sql: `${fn}(${argSql})${filter}`, name: parts.length === 2 ? name : name, ...out };
  }

  private sublink(body: SqlNode, scope: Scope): CompiledExpr {
    const inner = this.subselect((body.subselect as SqlNode).SelectStmt as SqlNode, scope);
    switch (body.subLinkType) {
      case 'EXISTS_SUBLINK': return { sql: `(EXISTS (${inner.text}))`, name: 'exists', type: 'bool', kind: 'bool' };
      case 'EXPR_SUBLINK': {
        const column = inner.columns[0];
        return { sql: `(${inner.text})`, name: column?.name ?? '?column?', type: column?.type, kind: column?.kind ?? 'plain' };
      }
      case 'ANY_SUBLINK': {
        const op = (body.operName as SqlNode[] | undefined)?.map((n) => (n.String as SqlNode).sval).join('.') ?? '=';
        if (op !== '=') throw invalidSql(`${op} ANY (subquery) is not supported: use IN (subquery)`);
        return { sql: `(${this.compile(body.testexpr as SqlNode, scope).sql} IN (${inner.text}))`, name: '?column?', type: 'bool', kind: 'bool' };
      }
      default: throw invalidSql(`${String(body.subLinkType)} is not supported`);
    }
  }
}

/** The column a reference names, nearest scope first (for its type); undefined when unknown. */
function resolve(scope: Scope | undefined, qualifier: string | undefined, name: string): OutputColumn | undefined {
  for (let s = scope; s; s = s.parent) {
    for (const item of s.items) {
      if (qualifier !== undefined && item.alias !== qualifier) continue;
      const column = item.columns.find((c) => c.name === name);
      if (column) return column;
    }
  }
  return undefined;
}
