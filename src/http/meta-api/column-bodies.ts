import { Type, type TSchema } from 'typebox';
import { ACCESS_LEVELS, TEXT_FORMATS, XANO_TYPES, type XanoType } from '../../kernel/model/xano-column.js';

/**
 * Request bodies of `POST …/schema/type/{type}`, one per Xano type, as Xano's Swagger
 * declares them. They document and pre-check the shape; the core (xano-column-input.ts)
 * holds the rules, so PUT …/schema, which takes the same descriptors, gets the same checks.
 */
const maybe = (schema: TSchema) => Type.Optional(Type.Union([schema, Type.Null()]));
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

const common = {
  name: Type.String({ minLength: 1, description: 'Column name: letters, digits, _ - ~' }),
  description: Type.Optional(Type.String()),
  nullable: Type.Optional(Type.Boolean({ description: 'false: an explicit null is refused (default true)' })),
  required: Type.Optional(Type.Boolean({ description: 'true: a new record needs a value (or the default)' })),
  access: Type.Optional(literals(ACCESS_LEVELS)),
  sensitive: Type.Optional(Type.Boolean()),
  style: Type.Optional(literals(['single', 'list'])),
};
const range = Type.Object({ min: maybe(Type.Number()), max: maybe(Type.Number()) });
const textFilters = Type.Object({
  trim: maybe(Type.Boolean()), min: maybe(Type.Integer()), max: maybe(Type.Integer()), lower: maybe(Type.Boolean()), upper: maybe(Type.Boolean()),
  startsWith: maybe(Type.String()), alphaOk: maybe(Type.Boolean()), digitOk: maybe(Type.Boolean()), pattern: maybe(Type.String()), ok: maybe(Type.String()),
});
const passwordFilters = Type.Object({
  salt: maybe(Type.String()), min: maybe(Type.Integer()), max: maybe(Type.Integer()), minAlpha: maybe(Type.Integer()), minLowerAlpha: maybe(Type.Integer()),
  minUpperAlpha: maybe(Type.Integer()), minDigit: maybe(Type.Integer()), minSymbol: maybe(Type.Integer()),
});
const tablerefId = Type.Integer({ minimum: 1, description: 'The referenced table\'s id' });

const specific: Partial<Record<XanoType, Record<string, TSchema>>> = {
  text: { default: Type.Optional(Type.String()), format: Type.Optional(literals(TEXT_FORMATS)), filters: maybe(textFilters) },
  int: { default: Type.Optional(Type.Integer()), filters: maybe(range) },
  decimal: { default: Type.Optional(Type.Number()), filters: maybe(range) },
  bool: { default: Type.Optional(Type.Boolean()) },
  email: { default: Type.Optional(Type.String()) },
  enum: { default: Type.Optional(Type.String()), values: Type.Array(Type.String(), { minItems: 1 }) },
  uuid: { default: Type.Optional(Type.String()) },
  date: { default: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })) },
  timestamp: { default: Type.Optional(Type.String({ description: '"now" or an RFC 3339 date-time' })) },
  password: { filters: maybe(passwordFilters) },
  object: { children: Type.Array(Type.Object({ name: Type.String(), type: literals(XANO_TYPES) }, { additionalProperties: true }), { minItems: 1, description: 'The fields: column descriptors with a type' }) },
  vector: { vector: Type.Optional(Type.Object({ size: Type.Integer({ minimum: 2, maximum: 10000, default: 3 }) })), filters: maybe(range) },
  tableref: { tableref_id: tablerefId, filters: maybe(range) },
  tablerefuuid: { tableref_id: tablerefId },
};

export function columnBody(type: XanoType): TSchema {
  return Type.Object({ ...common, ...specific[type] });
}

/** What each type stores, for the operation descriptions. */
export const STORED_AS: Record<XanoType, string> = {
  text: 'a `text` column', int: 'an `int` column', decimal: 'a `float` column', bool: 'a `bool` column',
  timestamp: 'a `datetime` column (epoch ms here, RFC 3339 in the data API)', date: 'a `string` column holding YYYY-MM-DD',
  email: 'an `email` column', password: 'a `string` column holding a scrypt hash (never the clear text)',
  enum: 'a `string` column limited to `values`', json: 'a `json` column', object: 'an `object` column (its children are columns)',
  uuid: 'a `string` column holding a lower-case UUID', vector: 'a `vector` column of `vector.size` numbers',
  image: 'a `json` column holding a file object {path, name, type, size, mime}', video: 'a `json` column holding a file object',
  audio: 'a `json` column holding a file object', attachment: 'a `json` column holding a file object',
  tableref: 'a `link` to the table `tableref_id` (integer ids)', tablerefuuid: 'a `link` to the table `tableref_id` (text ids)',
  geo_point: 'a `json` column holding a GeoJSON Point', geo_multipoint: 'a `json` column holding a GeoJSON MultiPoint',
  geo_linestring: 'a `json` column holding a GeoJSON LineString', geo_multilinestring: 'a `json` column holding a GeoJSON MultiLineString',
  geo_polygon: 'a `json` column holding a GeoJSON Polygon', geo_multipolygon: 'a `json` column holding a GeoJSON MultiPolygon',
};
