import type { FastifyRequest } from 'fastify';
import type { Strata } from '../../core/strata.js';
import type { BranchContext } from '../../core/databases.js';
import { isFileType } from '../../core/model/column-types.js';

/** This server's base URL as the client reached it (file URLs must work from the client). */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Fills `url` (public files) and `signedUrl` (every file, valid `signedUrlTimeout` seconds)
 * into the file columns of records the data API answers with. Top-level columns of the
 * records' own table; files inside expanded links keep empty URLs. The schema is looked up
 * once per answer, and a table without file columns costs nothing more.
 */
export async function fillFileUrls(strata: Strata, request: FastifyRequest, ctx: BranchContext, tableName: string, records: Array<Record<string, unknown>>): Promise<void> {
  const table = (await ctx.schema()).tables.get(tableName);
  const fileLeaves = table?.leaves.filter((leaf) => isFileType(leaf.type) && !leaf.path.includes('.')) ?? [];
  if (!table || fileLeaves.length === 0) return;
  for (const record of records) {
    for (const leaf of fileLeaves) {
      const value = record[leaf.path];
      const files = (Array.isArray(value) ? value : value ? [value] : []) as Array<Record<string, unknown>>;
      for (const file of files) {
        const accessId = await strata.fileUrls.accessId({
          db: ctx.database.name, branch: ctx.branch.name, table: table.name, record: String(record.id), column: leaf.path, fileId: (file.id as string | undefined) ?? null,
        });
        const url = `${baseUrl(request)}/file/${accessId}`;
        if (file.enablePublicUrl) file.url = url;
        file.signedUrl = `${url}?${await strata.fileUrls.sign(accessId, file.signedUrlTimeout as number)}`;
      }
    }
  }
}

/** One record with its file URLs filled in. */
export async function withFileUrls(strata: Strata, request: FastifyRequest, ctx: BranchContext, tableName: string, record: Record<string, unknown>): Promise<Record<string, unknown>> {
  await fillFileUrls(strata, request, ctx, tableName, [record]);
  return record;
}
