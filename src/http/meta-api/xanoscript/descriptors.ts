import { StrataError } from '../../../kernel/errors.js';
import type { XanoDescriptor } from '../../../core/schema/xano-column-output.js';
import type { IndexView } from '../../../core/schema/xano-indexes.js';
import { syntaxError } from './tokens.js';
import type { XsField, XsIndex, XsPlain } from './table-definition.js';

/**
 * XanoScript fields and indexes ↔ the Metadata API's column descriptors (`GET/PUT …/schema`)
 * and index bodies (`PUT …/index`). A reference names its table in XanoScript and carries
 * the table's id in a descriptor; the caller supplies both lookups from the branch schema.
 */
export interface TableNames { nameOf(id: number): string | undefined; idOf(name: string): number | undefined }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const REFERENCE_TYPE: Record<string, string> = { tableref: 'int', tablerefuuid: 'uuid', int: 'int', uuid: 'uuid' };

export function fieldOf(d: XanoDescriptor, tables: TableNames): XsField {
  const field: XsField = {
    name: d.name, type: d.type, style: d.style === 'list' ? 'list' : 'single', nullable: d.nullable === true, required: d.required === true,
    default: typeof d.default === 'string' ? d.default : d.default == null ? '' : String(d.default),
    description: typeof d.description === 'string' ? d.description : '', sensitive: d.sensitive === true,
    access: d.access === 'private' || d.access === 'internal' ? d.access : 'public',
  };
  if (typeof d.tableref_id === 'number') {
    const name = tables.nameOf(d.tableref_id);
    if (name !== undefined) { field.table = name; field.type = REFERENCE_TYPE[d.type] ?? d.type; }
  }
  if (isRecord(d.filters) && Object.keys(d.filters).length > 0) field.filters = d.filters as Record<string, XsPlain>;
  if (isRecord(d.validators) && Object.values(d.validators).some((v) => v === true)) {
    field.validators = Object.fromEntries(Object.entries(d.validators).filter(([, v]) => v === true)) as Record<string, boolean>;
  }
  if (Array.isArray(d.values)) field.values = d.values.map((v) => (isRecord(v) ? String(v.value) : String(v)));
  if (isRecord(d.vector) && typeof d.vector.size === 'number') field.vectorSize = d.vector.size;
  if (typeof d.format === 'string' && d.format !== '') field.format = d.format;
  if (Array.isArray(d.children)) field.children = (d.children as XanoDescriptor[]).map((c) => fieldOf(c, tables));
  return field;
}

export function descriptorOf(field: XsField, tables: TableNames): XanoDescriptor {
  const out: XanoDescriptor = {
    name: field.name, type: field.type, description: field.description, nullable: field.nullable, default: field.default,
    required: field.required, access: field.access, sensitive: field.sensitive, style: field.style,
  };
  if (field.format !== undefined) out.format = field.format;
  if (field.filters !== undefined) out.filters = field.filters;
  if (field.validators !== undefined) out.validators = field.validators;
  if (field.values !== undefined) out.values = field.values;
  if (field.vectorSize !== undefined) out.vector = { size: field.vectorSize };
  if (field.table !== undefined) {
    const at = field.at ?? { line: 0, column: 0 };
    if (!['int', 'uuid', 'tableref', 'tablerefuuid'].includes(field.type)) throw syntaxError(at.line, at.column, `field [${field.name}]: table = … references a table from an int or uuid field, not ${field.type}`);
    const id = tables.idOf(field.table);
    if (id === undefined) throw syntaxError(at.line, at.column, `field [${field.name}]: table [${field.table}] not found`);
    out.tableref_id = id;
  }
  if (field.children !== undefined) out.children = field.children.map((c) => descriptorOf(c, tables));
  return out;
}

/** An index as GET …/index lists it → XanoScript's `{type, field: [...]}` (`unique` is `btree|unique`). */
export function scriptIndexOf(index: IndexView): XsIndex {
  if (index.type === 'primary') return { type: 'primary', field: [{ name: 'id' }] };
  const field = index.fields.map((f) => ({ ...f })) as XsPlain[];
  if (index.type === 'search') return { name: index.name, lang: index.lang, type: 'search', field };
  return { type: index.type === 'unique' ? 'btree|unique' : index.type, field };
}

/** Xano adds this index over its internal `xdo` column to every table; Strata has no such column, so it is skipped. */
const isXanoInternal = (index: XsIndex) => index.type === 'gin' && Array.isArray(index.field) && index.field.length === 1
  && isRecord(index.field[0]) && index.field[0].name === 'xdo';
const INDEX_KEYS = ['type', 'field', 'name', 'lang'];

/** XanoScript indexes → the bodies PUT …/index takes (its parser checks them against the table). */
export function indexBodiesOf(indexes: XsIndex[]): Array<Record<string, unknown>> {
  return indexes.filter((i) => !isXanoInternal(i)).map((index, n) => {
    for (const key of Object.keys(index)) {
      if (!INDEX_KEYS.includes(key)) throw new StrataError('BAD_REQUEST', `XanoScript index ${n + 1}: unknown key ${key}; an index takes ${INDEX_KEYS.join(', ')}`, { param: `index.${n}.${key}` });
    }
    const { field, type, ...rest } = index;
    return { ...rest, type: type === 'btree|unique' ? 'unique' : type, fields: field };
  });
}

/**
 * A script's descriptor, spelled as the table's current one where XanoScript has one spelling
 * for two descriptors: a reference is `int`/`uuid` + table in XanoScript, while a column made
 * as `tableref` (or by the data API) describes itself so; trim and lower print as filters
 * whether the column keeps them as `filters` or `validators`. So a GET → PUT of a script
 * changes nothing.
 */
export function alignWith(current: XanoDescriptor | undefined, wanted: XanoDescriptor): XanoDescriptor {
  if (!current || current.type === wanted.type && current.tableref_id === wanted.tableref_id && !wanted.validators) {
    return alignChildren(current, wanted);
  }
  const out = { ...wanted };
  if (wanted.tableref_id !== undefined && wanted.tableref_id === current.tableref_id && REFERENCE_TYPE[current.type] === wanted.type) out.type = current.type;
  const moved = isRecord(wanted.validators) ? Object.keys(wanted.validators).filter((k) => isRecord(current.filters) && current.filters[k] === true && !(isRecord(current.validators) && current.validators[k] === true)) : [];
  if (moved.length > 0) {
    out.filters = { ...(isRecord(wanted.filters) ? wanted.filters : {}), ...Object.fromEntries(moved.map((k) => [k, true])) };
    const left = Object.fromEntries(Object.entries(wanted.validators as Record<string, unknown>).filter(([k]) => !moved.includes(k)));
    if (Object.keys(left).length > 0) out.validators = left; else delete out.validators;
  }
  return alignChildren(current, out);
}

function alignChildren(current: XanoDescriptor | undefined, wanted: XanoDescriptor): XanoDescriptor {
  wanted = keepEnumLabels(current, wanted);
  if (!Array.isArray(wanted.children) || !Array.isArray(current?.children)) return wanted;
  const was = current.children as XanoDescriptor[];
  return { ...wanted, children: (wanted.children as XanoDescriptor[]).map((c) => alignWith(was.find((w) => w.name === c.name), c)) };
}

/**
 * XanoScript lists enum values without labels: a value the column still has keeps the label it
 * had (set through the JSON endpoints), so pulling and pushing a script never drops one.
 */
function keepEnumLabels(current: XanoDescriptor | undefined, wanted: XanoDescriptor): XanoDescriptor {
  if (current?.type !== 'enum' || wanted.type !== 'enum' || !Array.isArray(current.values) || !Array.isArray(wanted.values)) return wanted;
  const labels = new Map<string, string>();
  for (const v of current.values) if (isRecord(v) && typeof v.label === 'string') labels.set(String(v.value), v.label);
  if (labels.size === 0) return wanted;
  return { ...wanted, values: wanted.values.map((v) => (typeof v === 'string' && labels.has(v) ? { value: v, label: labels.get(v)! } : v)) };
}
