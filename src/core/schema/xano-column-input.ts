import type { ColumnDefinition } from '../../kernel/model/column-types.js';
import type { IdKind } from '../../kernel/model/table-model.js';
import {
  ACCESS_LEVELS, TEXT_FORMATS, VALIDATED_TYPES, VALIDATOR_NAMES, XANO_TYPES, physicalTypeOf,
  type Validators, type XanoColumn, type XanoField, type XanoType,
} from '../../kernel/model/xano-column.js';
import { StrataError } from '../../kernel/errors.js';
import { assertColumnName } from '../names.js';

/**
 * A Metadata API column descriptor (`POST …/schema/type/{type}`, an item of `PUT …/schema`)
 * → a column definition: the physical column the data API sees, with the Xano type and
 * options recorded on it. Every mistake is a 400 naming the input (`payload.param`).
 */
export interface XanoColumnTables {
  /** The table a `tableref_id` names (Xano table ids are catalog ids). */
  byId(id: number): { name: string; idKind: IdKind } | undefined;
}

const inputError = (param: string, message: string) => new StrataError('INVALID_SCHEMA', message, { param });
const TEXT_FILTERS: Record<string, 'boolean' | 'number' | 'string'> = {
  trim: 'boolean', lower: 'boolean', upper: 'boolean', min: 'number', max: 'number',
  startsWith: 'string', alphaOk: 'boolean', digitOk: 'boolean', ok: 'string', pattern: 'string',
};
const RANGE_FILTERS: Record<string, 'number'> = { min: 'number', max: 'number' };
const PASSWORD_FILTERS: Record<string, 'number' | 'string'> = {
  salt: 'string', min: 'number', max: 'number', minAlpha: 'number', minLowerAlpha: 'number', minUpperAlpha: 'number', minDigit: 'number', minSymbol: 'number',
};
const FILTERS: Partial<Record<XanoType, Record<string, string>>> = {
  text: TEXT_FILTERS, int: RANGE_FILTERS, decimal: RANGE_FILTERS, vector: RANGE_FILTERS, tableref: RANGE_FILTERS, password: PASSWORD_FILTERS,
};

export function xanoColumnDefinition(input: unknown, tables: XanoColumnTables, typeFromPath?: XanoType): ColumnDefinition {
  const field = parseField(input, '', typeFromPath);
  return toDefinition(field, rawDefault(input), tables, '');
}

/** A descriptor → the Xano field it describes (recursively for object children). */
export function parseField(input: unknown, prefix: string, typeFromPath?: XanoType): XanoField & { tablerefId?: number } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw inputError(prefix || 'schema', 'a column must be an object with a name and a type');
  const c = input as Record<string, unknown>;
  const at = (key: string) => prefix + key;
  if (typeof c.name !== 'string' || c.name === '') throw inputError(at('name'), 'a column needs a name');
  try { assertColumnName(c.name); } catch (err) { throw inputError(at('name'), (err as Error).message); }
  const given = typeFromPath ?? c.type;
  if (typeof given !== 'string' || !(XANO_TYPES as readonly string[]).includes(given)) {
    throw inputError(at('type'), `column [${c.name}]: unknown type [${String(given)}]; use one of ${XANO_TYPES.join(', ')}`);
  }
  // The 2026 descriptor has no tableref types: a reference is an int (or uuid) with a tableref_id.
  const declaredAs = !typeFromPath && (given === 'int' || given === 'uuid') && c.tableref_id != null ? given : undefined;
  const type: XanoType = declaredAs === 'int' ? 'tableref' : declaredAs === 'uuid' ? 'tablerefuuid' : given as XanoType;
  const field: XanoField & { tablerefId?: number } = {
    name: c.name,
    type,
    style: oneOf(c.style, ['single', 'list'] as const, 'single', at('style')),
    description: optional(c.description, 'string', '', at('description')),
    nullable: optional(c.nullable, 'boolean', true, at('nullable')),
    required: optional(c.required, 'boolean', false, at('required')),
    access: oneOf(c.access, ACCESS_LEVELS, 'public', at('access')),
    sensitive: optional(c.sensitive, 'boolean', false, at('sensitive')),
  };
  if (declaredAs) field.declaredAs = declaredAs;
  if (c.validators != null) field.validators = parseValidators(c.validators, field.type, at('validators'));
  if (field.type === 'text' && c.format != null && c.format !== '') field.format = oneOf(c.format, TEXT_FORMATS, '', at('format'));
  const filterKinds = FILTERS[field.type];
  if (filterKinds && c.filters != null) field.filters = parseFilters(c.filters, filterKinds, at('filters'));
  switch (field.type) {
    case 'enum': {
      const { values, labels } = parseEnumValues(c.values, at('values'));
      field.values = values;
      if (labels) field.valueLabels = labels;
      break;
    }
    case 'vector': {
      const size = (c.vector as { size?: unknown } | undefined)?.size ?? 3;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 2 || size > 10000) throw inputError(at('vector.size'), `column [${c.name}]: vector.size must be an integer from 2 to 10000`);
      field.vector = { size };
      break;
    }
    case 'tableref': case 'tablerefuuid': {
      const id = c.tableref_id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw inputError(at('tableref_id'), `column [${c.name}]: a ${field.type} column needs tableref_id, the id of the table it references`);
      field.tablerefId = id;
      break;
    }
    case 'object': {
      if (!Array.isArray(c.children) || c.children.length === 0) throw inputError(at('children'), `column [${c.name}]: an object column needs children (its fields)`);
      const children = c.children.map((child, i) => parseField(child, `${at('children')}.${i}.`));
      const names = new Set<string>();
      for (const child of children) {
        if (names.has(child.name.toLowerCase())) throw inputError(at('children'), `column [${c.name}.${child.name}] is defined twice`);
        names.add(child.name.toLowerCase());
      }
      field.children = children;
      break;
    }
    case 'password':
      if (field.style === 'list') throw inputError(at('style'), `column [${c.name}]: a password column cannot be a list`);
      break;
  }
  return field;
}

/** A parsed field → its column definition; `fallback` is the descriptor's `default`. */
function toDefinition(field: XanoField & { tablerefId?: number }, fallback: unknown, tables: XanoColumnTables, prefix: string): ColumnDefinition {
  const { name, children, tablerefId, ...options } = field;
  const xano: XanoColumn = { ...options };
  const column: ColumnDefinition = { name, type: physicalTypeOf(field), xano };
  const defaultValue = defaultText(field, fallback, `${prefix}default`);
  if (defaultValue !== undefined) column.defaultValue = defaultValue;
  if (field.vector && field.style === 'single') column.vector = { dimension: field.vector.size };
  if (field.type === 'tableref' || field.type === 'tablerefuuid') {
    const target = tables.byId(tablerefId!);
    const wanted: IdKind = field.type === 'tableref' ? 'int' : 'string';
    if (!target) throw inputError(`${prefix}tableref_id`, `column [${name}]: table [${tablerefId}] not found`);
    if (target.idKind !== wanted) {
      throw inputError(`${prefix}tableref_id`, `column [${name}]: ${field.type} needs a table with ${wanted === 'int' ? 'integer' : 'text (uuid)'} ids; table [${target.name}] has ${target.idKind === 'int' ? 'integer' : 'text'} ids`);
    }
    if (field.style === 'single') column.link = { table: target.name };
    else xano.tablerefId = tablerefId;
  }
  if (children) {
    if (field.style === 'list') {
      if (containsPassword(children)) throw inputError(`${prefix}children`, `column [${name}]: an object list cannot hold password fields`);
      xano.children = children;
    } else {
      column.columns = children.map((child, i) => toDefinition(child, undefined, tables, `${prefix}children.${i}.`));
    }
  }
  return column;
}

const containsPassword = (fields: XanoField[]): boolean => fields.some((f) => f.type === 'password' || containsPassword(f.children ?? []));

function rawDefault(input: unknown): unknown {
  return (input as { default?: unknown }).default;
}

/** Xano's `default` (typed per column type, `""` when unset) → Strata's defaultValue text. */
function defaultText(field: XanoField, value: unknown, param: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const refuse = () => { throw inputError(param, `column [${field.name}]: invalid default ${JSON.stringify(value)} for a ${field.style === 'list' ? `${field.type} list` : field.type} column`); };
  if (field.style === 'list') return refuse();
  switch (field.type) {
    case 'text': case 'email': case 'enum': case 'uuid': case 'date':
      return typeof value === 'string' ? value : refuse();
    case 'int': case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? value.trim() : refuse();
    case 'bool':
      if (typeof value === 'boolean') return String(value);
      return value === 'true' || value === 'false' ? value : refuse();
    case 'timestamp':
      return typeof value === 'string' ? value : refuse();
    default:
      return refuse();
  }
}

function optional<T extends 'string' | 'boolean'>(value: unknown, kind: T, fallback: T extends 'string' ? string : boolean, param: string): T extends 'string' ? string : boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== kind) throw inputError(param, `${param} must be a ${kind}`);
  return value as T extends 'string' ? string : boolean;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, param: string): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw inputError(param, `${param} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  return value as T;
}

function parseFilters(input: unknown, kinds: Record<string, string>, param: string): Record<string, unknown> {
  if (typeof input !== 'object' || Array.isArray(input)) throw inputError(param, `${param} must be an object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const kind = kinds[key];
    if (!kind) throw inputError(`${param}.${key}`, `unknown filter [${key}]; this type takes ${Object.keys(kinds).join(', ')}`);
    if (value === null) continue;
    if (typeof value !== kind || (kind === 'number' && !Number.isFinite(value))) throw inputError(`${param}.${key}`, `filter ${key} must be a ${kind}`);
    if (key === 'pattern') {
      try { new RegExp(value as string, 'u'); } catch { throw inputError(`${param}.pattern`, `filter pattern is not a valid regular expression`); }
    }
    out[key] = value;
  }
  return out;
}

/** Enum values: POST sends strings, PUT /schema objects ({value} or {value, label}); labels are kept by value. */
function parseEnumValues(input: unknown, param: string): { values: string[]; labels?: Record<string, string> } {
  if (!Array.isArray(input) || input.length === 0) throw inputError(param, 'an enum column needs values (a non-empty list)');
  const values: string[] = [];
  const labels: Record<string, string> = {};
  for (const item of input) {
    const entry: { value: unknown; label?: unknown } = typeof item === 'object' && item !== null && 'value' in item ? item : { value: item };
    if (typeof entry.value !== 'string') throw inputError(param, 'enum values must be strings');
    if (entry.label != null && typeof entry.label !== 'string') throw inputError(param, `the label of enum value [${entry.value}] must be a string`);
    values.push(entry.value);
    if (typeof entry.label === 'string') labels[entry.value] = entry.label;
  }
  if (new Set(values).size !== values.length) throw inputError(param, 'enum values must be unique');
  return Object.keys(labels).length > 0 ? { values, labels } : { values };
}

/** `validators: {trim, lower}`: booleans; turning one on needs a type whose values they normalise. */
function parseValidators(input: unknown, type: XanoType, param: string): Validators {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw inputError(param, `${param} must be an object`);
  const out: Validators = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(VALIDATOR_NAMES as readonly string[]).includes(key)) throw inputError(`${param}.${key}`, `unknown validator [${key}]; use ${VALIDATOR_NAMES.join(', ')}`);
    if (value === null) continue;
    if (typeof value !== 'boolean') throw inputError(`${param}.${key}`, `validator ${key} must be true or false`);
    out[key as keyof Validators] = value;
  }
  if ((out.trim || out.lower) && !VALIDATED_TYPES.includes(type)) {
    throw inputError(param, `validators trim and lower apply to ${VALIDATED_TYPES.join(' and ')} columns, not ${type}`);
  }
  return out;
}
