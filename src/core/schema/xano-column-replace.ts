import { isDeepStrictEqual } from 'node:util';
import { StrataError } from '../../kernel/errors.js';
import { isFileType, type ColumnDefinition } from '../../kernel/model/column-types.js';
import type { BranchSchema } from '../../kernel/model/table-model.js';
import { xanoTypeOfPhysical } from '../../kernel/model/xano-column.js';
import { describeColumn } from './xano-column-output.js';

/**
 * What `PUT …/schema` asks of a column that exists: nothing when its descriptor is the one
 * `GET …/schema` answers (so a GET → PUT round trip is an identity, whatever made the column),
 * else the definition to alter it to. A column made by the data API keeps its Xata type and
 * constraints when only its Xano options change: it reads as its nearest Xano type (a `string`
 * as text, a `file[]` as an attachment list), which would otherwise be stored differently.
 */
export function replacement(current: ColumnDefinition, wanted: ColumnDefinition, schema: BranchSchema, path = current.name): ColumnDefinition | undefined {
  if (isDeepStrictEqual(describeColumn(current, schema), describeColumn(wanted, schema))) return undefined;
  const readAs = current.xano ?? xanoTypeOfPhysical(current.type, current.link ? schema.tables.get(current.link.table)?.idKind : undefined);
  // A different Xano type is a type change: the migration refuses it in its own words.
  if (!wanted.xano || wanted.xano.type !== readAs.type || wanted.xano.style !== readAs.style) return wanted;
  if (isFileType(current.type)) {
    throw new StrataError('INVALID_SCHEMA', `column [${path}] is a data API ${current.type} column, described as ${readAs.style === 'list' ? 'an attachment list' : 'an attachment'}; its Metadata API options cannot be changed (send it as GET …/schema describes it)`, { param: path });
  }
  if (current.notNull && wanted.xano.nullable) {
    throw new StrataError('INVALID_SCHEMA', `column [${path}] is NOT NULL (made by the data API); making it nullable is not supported in place`, { param: path });
  }
  // The Xata type and the constraints a descriptor cannot show (notNull, unique) stay.
  const kept: ColumnDefinition = { ...wanted, type: current.type };
  if (current.notNull) kept.notNull = true;
  if (current.unique) kept.unique = true;
  if (current.type === 'object') {
    kept.columns = (wanted.columns ?? []).map((child) => {
      const was = current.columns?.find((c) => c.name === child.name);
      return was ? replacement(was, child, schema, `${path}.${child.name}`) ?? was : child;
    });
  }
  return kept;
}
