import { badRequest } from '../../kernel/errors.js';
import type { FieldPaths, ResolvedField } from '../query/field-paths.js';
import type { PlanField } from '../../kernel/plans/select-plan.js';

/** What a column path holds, for the type rules of summaries and aggregations. */
export type FieldType = 'string' | 'text' | 'email' | 'int' | 'float' | 'bool' | 'datetime' | 'multiple' | 'link' | 'json' | 'vector' | 'file' | 'file[]' | 'id';

export interface TypedField { path: string; resolved: ResolvedField; field: PlanField; type: FieldType; system: boolean }

export function resolveTyped(paths: FieldPaths, path: unknown, where: string): TypedField {
  if (typeof path !== 'string' || path === '') throw badRequest(`${where}: column must be a column name`);
  const resolved = paths.resolve(path);
  const column = resolved.ref.column;
  const field: PlanField = { tableAlias: resolved.ref.tableAlias, column };
  if (typeof column === 'string') {
    const type: FieldType = column === 'id' ? 'id' : column === 'version' ? 'int' : 'datetime';
    return { path, resolved, field, type, system: true };
  }
  return { path, resolved, field, type: column.type, system: false };
}

/** Fails unless the field is of one of the types (`what` names them for the message). */
export function expectType(field: TypedField, types: readonly FieldType[], where: string, what: string): TypedField {
  if (!types.includes(field.type)) throw badRequest(`${where}: column [${field.path}] is of type ${field.type}; ${what}`);
  return field;
}

export const NUMERIC: readonly FieldType[] = ['int', 'float'];
