import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { StrataError } from '../../kernel/errors.js';
import { assertBranchName, assertDatabaseName } from '../../core/names.js';
import type { BranchContext } from '../../core/databases.js';
import type { Strata } from '../../core/strata.js';

/** Route schemas shared by the data API's routes (validation and, later, OpenAPI come from these). */
export const DbBranchParams = Type.Object({ dbBranch: Type.String({ minLength: 1, maxLength: 511 }) });
export const TableParams = Type.Object({ dbBranch: Type.String({ minLength: 1, maxLength: 511 }), table: Type.String({ minLength: 1, maxLength: 255 }) });
export const RecordParams = Type.Object({ dbBranch: Type.String(), table: Type.String(), id: Type.String({ minLength: 1, maxLength: 255 }) });
export const ColumnParams = Type.Object({ dbBranch: Type.String(), table: Type.String(), column: Type.String({ minLength: 1 }) });
export const ColumnsQuery = Type.Object({ columns: Type.Optional(Type.String()) });
export const WriteQuery = Type.Object({
  columns: Type.Optional(Type.String()),
  createOnly: Type.Optional(Type.Boolean()),
  ifVersion: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
});
export const NameBody = Type.Object({ name: Type.String({ minLength: 1 }) });

/**
 * preValidation hook for routes whose body is optional: a request without a body is `{}`
 * (the schema validator would reject `undefined`). JSON that was sent, even `null`, is kept
 * and validated as is.
 */
export async function bodyIsOptional(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}

/** `db:branch` (branch defaults to main) → names, validated. */
export function splitDbBranch(value: string): { db: string; branch: string } {
  const colon = value.indexOf(':');
  const db = colon < 0 ? value : value.slice(0, colon);
  const branch = colon < 0 ? 'main' : value.slice(colon + 1);
  assertDatabaseName(db);
  assertBranchName(branch);
  return { db, branch };
}

export function resolveBranch(strata: Strata, dbBranch: string): Promise<BranchContext> {
  const { db, branch } = splitDbBranch(dbBranch);
  return strata.databases.resolve(db, branch);
}

/** The `columns` query parameter: a comma-separated list. */
export function parseColumns(value: string | undefined): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const columns = value.split(',').map((c) => c.trim()).filter(Boolean);
  if (columns.length > 256) throw new StrataError('BAD_REQUEST', 'too many columns requested');
  return columns;
}
