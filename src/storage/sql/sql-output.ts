import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';

/**
 * What a compiled SQL statement answers, column by column: the name (PostgreSQL's rules),
 * the PostgreSQL type name when it is known from the statement, and how the engine's raw
 * value becomes the answer's (SQLite keeps datetimes as epoch ms, booleans as 0/1, JSON as text).
 */
export type ValueKind = 'plain' | 'datetime' | 'bool' | 'json' | 'text' | 'number';

export interface OutputColumn { name: string; type?: string; kind: ValueKind }

/** A leaf column's PostgreSQL type name (as Xata's SQL answers name it) and value kind. */
export function leafOutput(leaf: LeafColumn, linkIdKind?: 'string' | 'int'): { type: string; kind: ValueKind } {
  switch (leaf.type) {
    case 'int': return { type: 'int8', kind: 'plain' };
    case 'float': return { type: 'float8', kind: 'plain' };
    case 'bool': return { type: 'bool', kind: 'bool' };
    case 'datetime': return { type: 'timestamptz', kind: 'datetime' };
    case 'multiple': return { type: '_text', kind: 'json' };
    case 'vector': return { type: '_float8', kind: 'json' };
    case 'json': case 'file': case 'file[]': return { type: 'jsonb', kind: 'json' };
    case 'link': return linkIdKind === 'int' ? { type: 'int8', kind: 'plain' } : { type: 'text', kind: 'plain' };
    default: return { type: 'text', kind: 'plain' };
  }
}

/** A table's columns as SQL sees them, in order: id, the three xata_ columns, then its leaves. */
export function tableColumns(table: TableModel, linkIdKind: (leaf: LeafColumn) => 'string' | 'int' | undefined): OutputColumn[] {
  return [
    { name: 'id', type: table.idKind === 'int' ? 'int8' : 'text', kind: 'plain' },
    { name: 'xata_version', type: 'int4', kind: 'plain' },
    { name: 'xata_createdat', type: 'timestamptz', kind: 'datetime' },
    { name: 'xata_updatedat', type: 'timestamptz', kind: 'datetime' },
    ...table.leaves.map((leaf) => ({ name: leaf.path, ...leafOutput(leaf, linkIdKind(leaf)) })),
  ];
}

/** A cast's PostgreSQL type and value kind. */
export function castOutput(type: string): { type: string; kind: ValueKind } {
  switch (type) {
    case 'bool': return { type, kind: 'bool' };
    case 'timestamptz': return { type, kind: 'datetime' };
    case 'json': case 'jsonb': return { type, kind: 'json' };
    case 'text': case 'varchar': return { type, kind: 'text' };
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': return { type, kind: 'number' };
    default: return { type, kind: 'plain' };
  }
}

/** A raw SQLite value as PostgreSQL would have answered it. */
export function fromSqlite(kind: ValueKind, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (kind) {
    case 'datetime': return typeof raw === 'number' ? new Date(raw).toISOString() : raw;
    case 'bool': return raw === 1 || raw === 1n || raw === true;
    case 'json': return typeof raw === 'string' ? JSON.parse(raw) : raw;
    case 'text': return typeof raw === 'string' ? raw : String(raw);
    default: return typeof raw === 'bigint' ? Number(raw) : raw;
  }
}

/** The type of a column whose type the statement does not settle, from its first value. */
export function typeOfValues(rows: unknown[][], index: number): string {
  for (const row of rows) {
    const v = row[index];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') return Number.isInteger(v) ? 'int8' : 'float8';
    if (typeof v === 'boolean') return 'bool';
    if (typeof v === 'object') return 'jsonb';
    return 'text';
  }
  return 'text';
}
