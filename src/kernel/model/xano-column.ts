import type { ColumnType } from './column-types.js';

/**
 * The Metadata API's (Xano's) column types and options, kept as metadata on a column
 * definition. Strata stores every column in one of its physical types (column-types.ts);
 * the Xano type says which value rules apply on top (xano-value-rules.ts) and how the
 * Metadata API describes the column. The data API sees only the nearest physical type.
 */
export const XANO_TYPES = [
  'text', 'int', 'decimal', 'bool', 'timestamp', 'date', 'email', 'password', 'enum', 'json', 'object', 'uuid', 'vector',
  'image', 'video', 'audio', 'attachment', 'tableref', 'tablerefuuid',
  'geo_point', 'geo_multipoint', 'geo_linestring', 'geo_multilinestring', 'geo_polygon', 'geo_multipolygon',
] as const;
export type XanoType = (typeof XANO_TYPES)[number];

export const FILE_TYPES = ['image', 'video', 'audio', 'attachment'] as const;
export const GEO_TYPES = ['geo_point', 'geo_multipoint', 'geo_linestring', 'geo_multilinestring', 'geo_polygon', 'geo_multipolygon'] as const;
export const ACCESS_LEVELS = ['public', 'private', 'internal'] as const;
export const TEXT_FORMATS = ['', 'plaintext', 'yaml', 'html', 'xml', 'markdown'] as const;

export interface TextFilters {
  trim?: boolean; lower?: boolean; upper?: boolean; min?: number; max?: number;
  startsWith?: string; alphaOk?: boolean; digitOk?: boolean; ok?: string; pattern?: string;
}
export interface NumberFilters { min?: number; max?: number }
export interface PasswordFilters {
  min?: number; max?: number; minAlpha?: number; minLowerAlpha?: number; minUpperAlpha?: number; minDigit?: number; minSymbol?: number;
}

export interface Validators { trim?: boolean; lower?: boolean }
export const VALIDATOR_NAMES = ['trim', 'lower'] as const;
/** The types whose values `validators` can normalise (strings that stay strings). */
export const VALIDATED_TYPES: readonly XanoType[] = ['text', 'email'];

/** What a column definition records about its Xano type (its name and default live on the definition). */
export interface XanoColumn {
  type: XanoType;
  style: 'single' | 'list';
  description: string;
  nullable: boolean;
  required: boolean;
  access: (typeof ACCESS_LEVELS)[number];
  sensitive: boolean;
  format?: string;
  filters?: TextFilters | NumberFilters | PasswordFilters;
  values?: string[];
  /** Labels of enum values given as `{value, label}` (PUT …/schema, 2026 descriptor), by value. */
  valueLabels?: Record<string, string>;
  /** The 2026 descriptor's `validators` (text and email normalisation before the filters), as given. */
  validators?: Validators;
  /** A reference declared the 2026 way (`int`/`uuid` + `tableref_id`): answered with the type it was given. */
  declaredAs?: 'int' | 'uuid';
  vector?: { size: number };
  /** The referenced table of a tableref list (a single tableref is a link; its target is the link's table). */
  tablerefId?: number;
  /** The fields of an `object` list (stored as a json array, so the fields are described here). */
  children?: XanoField[];
}

/** A named field of an object list. */
export interface XanoField extends XanoColumn { name: string }

/** Xano types whose list style is a `multiple` column (an array of strings); other lists are json arrays. */
export const STRING_LIST_TYPES: readonly XanoType[] = ['text', 'email', 'enum', 'uuid', 'date'];

/** A null write is refused: the column is notNull, or its Xano type is not nullable. */
export const refusesNull = (leaf: { notNull: boolean; xano?: XanoColumn }): boolean => leaf.notNull || leaf.xano?.nullable === false;

/** A new record must have a value (given or the default). */
export const needsValue = (leaf: { notNull: boolean; xano?: XanoColumn }): boolean => leaf.notNull || leaf.xano?.required === true;

/**
 * The physical (data API) type that stores a Xano type: decimal→float, timestamp→datetime,
 * date/password/enum/uuid→string, files and geometries→json, tableref(uuid)→link. A list of a
 * string-like type is a `multiple` column, any other list a json array.
 */
export function physicalTypeOf(xano: Pick<XanoColumn, 'type' | 'style'>): ColumnType {
  if (xano.style === 'list') return STRING_LIST_TYPES.includes(xano.type) ? 'multiple' : 'json';
  switch (xano.type) {
    case 'text': return 'text';
    case 'int': return 'int';
    case 'decimal': return 'float';
    case 'bool': return 'bool';
    case 'timestamp': return 'datetime';
    case 'email': return 'email';
    case 'date': case 'password': case 'enum': case 'uuid': return 'string';
    case 'object': return 'object';
    case 'vector': return 'vector';
    case 'tableref': case 'tablerefuuid': return 'link';
    default: return 'json';
  }
}

/**
 * Whether a physical column can carry a Xano type's metadata: the type's own physical type, or
 * a data API `string` column described as text (its options can then be edited in place).
 */
export function storesXanoType(physical: ColumnType, xano: Pick<XanoColumn, 'type' | 'style'>): boolean {
  return physicalTypeOf(xano) === physical || (physical === 'string' && xano.type === 'text' && xano.style === 'single');
}

/** The Xano type a column created through the data API reads as (its nearest Xano type). */
export function xanoTypeOfPhysical(type: ColumnType, linkIdKind?: 'int' | 'string'): Pick<XanoColumn, 'type' | 'style'> {
  switch (type) {
    case 'string': case 'text': return { type: 'text', style: 'single' };
    case 'multiple': return { type: 'text', style: 'list' };
    case 'float': return { type: 'decimal', style: 'single' };
    case 'datetime': return { type: 'timestamp', style: 'single' };
    case 'link': return { type: linkIdKind === 'string' ? 'tablerefuuid' : 'tableref', style: 'single' };
    // A Xata file column reads as an attachment (the Xano file object type nearest to it).
    case 'file': return { type: 'attachment', style: 'single' };
    case 'file[]': return { type: 'attachment', style: 'list' };
    default: return { type, style: 'single' };
  }
}
