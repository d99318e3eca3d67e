import { randomBytes } from 'node:crypto';
import { StrataError } from '../../kernel/errors.js';
import { isSearchable } from '../../kernel/text/search-text.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import {
  GIN_OPS, INDEX_TYPES, SEARCH_LANGUAGES, SPATIAL_OP, VECTOR_OPS,
  type GinOp, type IndexType, type SearchLanguage, type TableIndex, type VectorOp,
} from '../../kernel/model/table-index.js';

/**
 * Xano index bodies → index definitions, checked against the table: every field a column of
 * the right kind, once. `param` prefixes the input's path in errors (`index.2.` for the third
 * index of a PUT). The primary index (`{type: "primary", fields: [{name: "id"}]}`) is the
 * table's own key: accepted as it is, and nothing to build (undefined).
 */
const MAX_FIELDS = 32; // PostgreSQL's limit of columns per index

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const inputError = (param: string, message: string) => new StrataError('BAD_REQUEST', message, { param });

export function newIndexId(taken: Iterable<string>): string {
  const used = new Set(taken);
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!used.has(id)) return id;
  }
}

export function parseIndex(input: unknown, table: TableModel, id: string, param = '', type?: IndexType): TableIndex | undefined {
  if (!isObject(input)) throw inputError(param.replace(/\.$/, '') || 'body', 'an index must be an object such as {"type": "btree", "fields": [{"name": "created_at", "op": "desc"}]}');
  const kind = type ?? input.type;
  if (kind === 'primary') {
    const fields = input.fields;
    if (!Array.isArray(fields) || fields.length !== 1 || !isObject(fields[0]) || fields[0].name !== 'id') {
      throw inputError(`${param}fields`, 'the primary index is the table\'s id: its fields must be [{"name": "id"}]');
    }
    return undefined;
  }
  if (!INDEX_TYPES.includes(kind as IndexType)) {
    throw inputError(`${param}type`, `index type [${String(kind)}] is not supported; use one of primary, ${INDEX_TYPES.join(', ')}`);
  }
  if (!Array.isArray(input.fields) || input.fields.length === 0) throw inputError(`${param}fields`, 'an index needs at least one field');
  if (input.fields.length > MAX_FIELDS) throw inputError(`${param}fields`, `an index has at most ${MAX_FIELDS} fields`);
  const names = new Set<string>();
  const fields = input.fields.map((field, i) => {
    const at = `${param}fields.${i}`;
    if (!isObject(field) || typeof field.name !== 'string' || field.name === '') throw inputError(`${at}.name`, 'every field needs the name of a column');
    if (names.has(field.name)) throw inputError(`${at}.name`, `column [${field.name}] is listed twice in the index`);
    names.add(field.name);
    if (field.name !== 'id' && !table.leaf(field.name)) {
      throw inputError(`${at}.name`, table.isObject(field.name)
        ? `column [${field.name}] is an object; index its fields (${field.name}.…) instead`
        : `column [${field.name}] not found in table [${table.name}]`);
    }
    return { name: field.name, op: field.op, priority: field.priority, at };
  });
  const single = () => {
    if (fields.length !== 1) throw inputError(`${param}fields`, `a ${String(kind)} index covers exactly one column`);
    return fields[0]!;
  };

  switch (kind as IndexType) {
    case 'btree':
    case 'unique':
      return {
        id, type: kind as 'btree' | 'unique',
        fields: fields.map((f) => {
          const op = f.op ?? 'asc';
          if (op !== 'asc' && op !== 'desc') throw inputError(`${f.at}.op`, 'op must be asc or desc');
          return { name: f.name, op };
        }),
      };
    case 'search': {
      if (typeof input.name !== 'string' || input.name === '') throw inputError(`${param}name`, 'a search index needs a name');
      const lang = input.lang ?? 'simple';
      if (!SEARCH_LANGUAGES.includes(lang as SearchLanguage)) throw inputError(`${param}lang`, `lang must be one of ${SEARCH_LANGUAGES.join(', ')}`);
      return {
        id, type: 'search', name: input.name, lang: lang as SearchLanguage,
        fields: fields.map((f) => {
          if (f.name === 'id' || !isSearchable(table.leaf(f.name)!)) throw inputError(`${f.at}.name`, `column [${f.name}] holds no text: a search index covers text-like columns (text, email, enum, uuid, date, their lists)`);
          const priority = f.priority ?? 1;
          if (!Number.isSafeInteger(priority) || (priority as number) < 0) throw inputError(`${f.at}.priority`, 'priority must be a non-negative integer');
          return { name: f.name, priority: priority as number };
        }),
      };
    }
    case 'spatial': {
      const f = single();
      if ((f.op ?? SPATIAL_OP) !== SPATIAL_OP) throw inputError(`${f.at}.op`, `op must be ${SPATIAL_OP}`);
      if (!table.leaf(f.name)?.xano?.type.startsWith('geo_')) throw inputError(`${f.at}.name`, `column [${f.name}] is not a geo column (geo_point … geo_multipolygon)`);
      return { id, type: 'spatial', fields: [{ name: f.name, op: SPATIAL_OP }] };
    }
    case 'vector': {
      const f = single();
      if (!VECTOR_OPS.includes(f.op as VectorOp)) throw inputError(`${f.at}.op`, `op must be one of ${VECTOR_OPS.join(', ')}`);
      if (table.leaf(f.name)?.type !== 'vector') throw inputError(`${f.at}.name`, `column [${f.name}] is not a vector column`);
      return { id, type: 'vector', fields: [{ name: f.name, op: f.op as VectorOp }] };
    }
    case 'gin': {
      // A GIN index is an inverted index over the elements of a json document or a text list.
      const f = single();
      const leaf = f.name === 'id' ? undefined : table.leaf(f.name);
      const ops: readonly GinOp[] = leaf?.type === 'json' ? ['jsonb_ops', 'jsonb_path_ops'] : leaf?.type === 'multiple' ? ['array_ops'] : [];
      if (ops.length === 0) throw inputError(`${f.at}.name`, `column [${f.name}] holds no json or list: a gin index covers a json column or a list column`);
      const op = f.op ?? ops[0];
      if (!GIN_OPS.includes(op as GinOp) || !ops.includes(op as GinOp)) throw inputError(`${f.at}.op`, `op must be one of ${ops.join(', ')} for column [${f.name}]`);
      return { id, type: 'gin', fields: [{ name: f.name, op: op as GinOp }] };
    }
  }
}
