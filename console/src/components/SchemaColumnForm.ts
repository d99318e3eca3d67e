/**
 * A column as the schema editor's form holds it (every input as typed), and the conversions
 * to and from the Metadata API's column descriptor (`GET …/schema`, `POST …/schema/type/{type}`,
 * `PUT …/schema`). The API checks everything; the form only shapes numbers and lists.
 */
// The server's own list (a module with no runtime dependencies), so the picker cannot drift from the API.
import { XANO_TYPES, type XanoType } from '../../../src/kernel/model/xano-column';

export { XANO_TYPES, type XanoType };

/** What each type is, in a few words, for the type picker. */
export const TYPE_LABELS: Record<XanoType, string> = {
  text: 'Text', int: 'Integer', decimal: 'Decimal number', bool: 'Boolean', timestamp: 'Timestamp (date and time)', date: 'Date',
  email: 'Email', password: 'Password (stored hashed)', enum: 'Enum (one of fixed values)', json: 'JSON', object: 'Object (named fields)',
  uuid: 'UUID', vector: 'Vector (embedding)', image: 'Image file', video: 'Video file', audio: 'Audio file', attachment: 'Attachment file',
  tableref: 'Link to a table (integer ids)', tablerefuuid: 'Link to a table (uuid ids)',
  geo_point: 'Geo point', geo_multipoint: 'Geo multipoint', geo_linestring: 'Geo linestring', geo_multilinestring: 'Geo multilinestring',
  geo_polygon: 'Geo polygon', geo_multipolygon: 'Geo multipolygon',
};

export type FilterKind = 'boolean' | 'number' | 'string';
const RANGE: Record<string, FilterKind> = { min: 'number', max: 'number' };
/** The value filters each type takes (Xano's `filters`). */
export const FILTERS: Partial<Record<XanoType, Record<string, FilterKind>>> = {
  text: { trim: 'boolean', lower: 'boolean', upper: 'boolean', min: 'number', max: 'number', startsWith: 'string', pattern: 'string' },
  int: RANGE, decimal: RANGE, vector: RANGE, tableref: RANGE,
  password: { min: 'number', max: 'number', minAlpha: 'number', minLowerAlpha: 'number', minUpperAlpha: 'number', minDigit: 'number', minSymbol: 'number' },
};
export const FILTER_LABELS: Record<string, string> = {
  trim: 'Trim spaces', lower: 'Lower-case', upper: 'Upper-case', min: 'Minimum', max: 'Maximum', startsWith: 'Must start with', pattern: 'Pattern (regular expression)',
  minAlpha: 'Minimum letters', minLowerAlpha: 'Minimum lower-case letters', minUpperAlpha: 'Minimum upper-case letters', minDigit: 'Minimum digits', minSymbol: 'Minimum symbols',
};

/** Types with a default value (single values only). */
export const DEFAULT_TYPES: readonly XanoType[] = ['text', 'int', 'decimal', 'bool', 'timestamp', 'date', 'email', 'enum', 'uuid'];
export const TEXT_FORMATS = ['', 'plaintext', 'yaml', 'html', 'xml', 'markdown'] as const;
export const ACCESS_LEVELS = ['public', 'private', 'internal'] as const;

export type Descriptor = Record<string, unknown> & { name: string; type: string };

export interface ColumnForm {
  name: string; type: XanoType; description: string; nullable: boolean; required: boolean;
  access: string; sensitive: boolean; style: 'single' | 'list'; default: string; format: string;
  filters: Record<string, string | boolean>; values: string; vectorSize: string; tablerefId: string;
  /** Object fields, one `name type` per line. */
  children: string;
}

export function emptyForm(type: XanoType = 'text'): ColumnForm {
  return {
    name: '', type, description: '', nullable: true, required: false, access: 'public', sensitive: false, style: 'single',
    default: '', format: '', filters: {}, values: '', vectorSize: '3', tablerefId: '', children: '',
  };
}

export function formOf(d: Descriptor): ColumnForm {
  const filters: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries((d.filters as Record<string, unknown> | undefined) ?? {})) {
    if (value !== null && value !== undefined) filters[key] = typeof value === 'boolean' ? value : String(value);
  }
  return {
    name: d.name, type: d.type as XanoType, description: String(d.description ?? ''), nullable: d.nullable !== false, required: d.required === true,
    access: String(d.access ?? 'public'), sensitive: d.sensitive === true, style: d.style === 'list' ? 'list' : 'single',
    default: d.default === undefined || d.default === null ? '' : String(d.default), format: String(d.format ?? ''), filters,
    values: ((d.values as string[] | undefined) ?? []).join('\n'), vectorSize: String((d.vector as { size?: number } | undefined)?.size ?? 3),
    tablerefId: d.tableref_id === undefined ? '' : String(d.tableref_id),
    children: ((d.children as Descriptor[] | undefined) ?? []).map((c) => `${c.name} ${c.type}`).join('\n'),
  };
}

/** The form → the descriptor the API takes; `original` keeps the options of unchanged object fields. */
export function descriptorOf(form: ColumnForm, original?: Descriptor): Descriptor {
  const out: Descriptor = {
    name: form.name.trim(), type: form.type, description: form.description, nullable: form.nullable, required: form.required,
    access: form.access, sensitive: form.sensitive, style: form.style,
  };
  if (DEFAULT_TYPES.includes(form.type) && form.style === 'single' && form.default.trim() !== '') out.default = typedDefault(form.type, form.default.trim());
  if (form.type === 'text' && form.format) out.format = form.format;
  const kinds = FILTERS[form.type];
  if (kinds) {
    const filters: Record<string, unknown> = {};
    for (const [key, kind] of Object.entries(kinds)) {
      const value = form.filters[key];
      if (kind === 'boolean') { if (value === true) filters[key] = true; continue; }
      if (typeof value !== 'string' || value.trim() === '') continue;
      filters[key] = kind === 'number' && Number.isFinite(Number(value)) ? Number(value) : value;
    }
    if (Object.keys(filters).length > 0) out.filters = filters;
  }
  if (form.type === 'enum') out.values = form.values.split(/\r?\n|,/).map((v) => v.trim()).filter(Boolean);
  if (form.type === 'vector') out.vector = { size: Number(form.vectorSize) };
  if (form.type === 'tableref' || form.type === 'tablerefuuid') out.tableref_id = Number(form.tablerefId);
  if (form.type === 'object') {
    const previous = (original?.children as Descriptor[] | undefined) ?? [];
    out.children = form.children.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
      const [name = '', type = 'text'] = line.split(/[\s:]+/);
      return previous.find((c) => c.name === name && c.type === type) ?? { name, type };
    });
  }
  return out;
}

function typedDefault(type: XanoType, value: string): unknown {
  if ((type === 'int' || type === 'decimal') && Number.isFinite(Number(value))) return Number(value);
  if (type === 'bool' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** A descriptor's options in a few words, for the column list. */
export function summary(d: Descriptor): string {
  const parts: string[] = [];
  if (d.style === 'list') parts.push('list');
  if (d.required) parts.push('required');
  if (d.nullable === false) parts.push('not nullable');
  if (d.default !== undefined && d.default !== '') parts.push(`default ${JSON.stringify(d.default)}`);
  if (Array.isArray(d.values)) parts.push(`values: ${(d.values as string[]).join(', ')}`);
  if (d.format) parts.push(`format ${String(d.format)}`);
  if (d.vector) parts.push(`size ${(d.vector as { size: number }).size}`);
  for (const [key, value] of Object.entries((d.filters as Record<string, unknown> | undefined) ?? {})) {
    if (value !== null && value !== undefined && value !== false) parts.push(value === true ? FILTER_LABELS[key]?.toLowerCase() ?? key : `${key} ${String(value)}`);
  }
  if (Array.isArray(d.children)) parts.push(`fields: ${(d.children as Descriptor[]).map((c) => `${c.name} (${c.type})`).join(', ')}`);
  if (d.access && d.access !== 'public') parts.push(String(d.access));
  if (d.sensitive) parts.push('sensitive');
  return parts.join(' · ');
}
