import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { StrataError } from '../../kernel/errors.js';
import type { BranchContext } from '../../core/databases.js';
import type { Strata } from '../../core/strata.js';
import { LIVE } from '../../core/workspaces.js';

/** Route schemas shared by the Metadata API's routes (validation and the OpenAPI document come from these). */
export const META_PREFIX = '/api:meta';

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });
export const WorkspaceParams = Type.Object({ workspace_id: Id('The workspace id (its database\'s id)') });
export const TableParams = Type.Object({ workspace_id: Id('The workspace id'), table_id: Id('The table id') });
export const ColumnParams = Type.Object({ workspace_id: Id('The workspace id'), table_id: Id('The table id'), schema_name: Type.String({ minLength: 1, description: 'The column name (`group.name` for an object\'s field)' }) });
export const BranchLabelParams = Type.Object({ workspace_id: Id('The workspace id'), branch_label: Type.String({ minLength: 1, maxLength: 255, description: 'The branch label (`v1` is the default branch)' }) });
export const LabelParams = Type.Object({ workspace_id: Id('The workspace id'), label: Type.String({ minLength: 1, maxLength: 255, description: 'The data source label (`live` is branch main)' }) });

/** Xano's meta-object paging: `{curPage, nextPage, prevPage, items}`. */
export function metaPage<T>(page: number, items: T[], more: boolean) {
  return { curPage: page, nextPage: more ? page + 1 : null, prevPage: page > 1 ? page - 1 : null, items };
}

/** Xano's meta timestamps: `2023-04-19 21:01:32+0000` (from Strata's RFC 3339 UTC text). */
export function xanoTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}

/** The live data source (branch main) of a workspace: what the change streams follow. */
export async function liveBranch(strata: Strata, workspaceId: number): Promise<BranchContext> {
  const { database } = await strata.workspaces.get(workspaceId);
  return strata.databases.resolve(database.name, 'main');
}

/** The `x-data-source` header the table, schema, index and content endpoints honour. */
export const DataSourceHeader = Type.Object({
  // No schema default: a default would be written into the request's headers, and request
  // history would show a header the client never sent.
  'x-data-source': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The data source (default `live`, branch main; another label is the branch of that name)' })),
});

/**
 * The Strata branch a request works on: the Xano branch `?branch=` names (empty: the live
 * one; tools send it on every call), and on v1 the data source `x-data-source` names (default live).
 */
export async function sourceBranch(strata: Strata, request: FastifyRequest): Promise<BranchContext> {
  const header = request.headers['x-data-source'];
  const branch = (request.query as Record<string, unknown> | undefined)?.branch;
  const ctx = await strata.xanoBranches.resolve(guardedWorkspace(request), typeof branch === 'string' && branch !== '' ? branch : undefined, typeof header === 'string' ? header : LIVE);
  request.historyBranch = ctx.branch.name; // request history files the entry under the branch it ran on
  return ctx;
}

/**
 * The workspace a `/workspace/{workspace_id}/…` route acts on: the id its auth guard resolved
 * and checked (auth-hook.ts), never a second reading of the path.
 */
export function guardedWorkspace(request: FastifyRequest): number {
  const id = request.workspace;
  if (typeof id !== 'number') throw new StrataError('INTERNAL', `${request.routeOptions.url} has no workspace guard`);
  return id;
}
