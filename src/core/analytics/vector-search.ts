import { badRequest } from '../../kernel/errors.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { buildProjection, materialize, type RecordFormat } from '../records/projection.js';
import { FieldPaths } from '../query/field-paths.js';
import { parseXataFilter } from '../query/xata-filter.js';
import type { BranchReader } from '../ports/storage.js';
import type { SimilarityFunction } from '../../kernel/plans/group-plan.js';
import { columnNotFound } from '../xata-messages.js';

/**
 * `POST /tables/{t}/vectorSearch`: the `size` records whose vector column is most similar to
 * `queryVector`, among those matching `filter`, each with `xata.score` (higher is nearer;
 * see SqlDialect.vectorScore). Exact search: storage scores every matching row and keeps
 * the best; the records are then read by id. `totalCount` is the number of matches.
 */
export interface VectorSearchRequest { column: string; queryVector: number[]; similarityFunction?: string; size?: number; filter?: unknown }

const FUNCTIONS: readonly SimilarityFunction[] = ['cosineSimilarity', 'l1', 'l2'];
const DEFAULT_SIZE = 10;
const MAX_SIZE = 100;

export async function vectorSearch(reader: BranchReader, schema: BranchSchema, table: TableModel, body: VectorSearchRequest, format: RecordFormat) {
  const column = table.leaf(body.column);
  if (!column) throw columnNotFound(body.column, table.name);
  if (column.type !== 'vector') throw badRequest(`vectorSearch: column [${body.column}] is of type ${column.type}, not vector`);
  const query = body.queryVector;
  if (!Array.isArray(query) || !query.every((v) => typeof v === 'number' && Number.isFinite(v))) throw badRequest('vectorSearch: queryVector must be an array of numbers');
  if (query.length !== column.vector?.dimension) throw badRequest(`vectorSearch: queryVector has ${query.length} dimensions, column [${column.path}] has ${column.vector?.dimension}`);
  const similarity = (body.similarityFunction ?? 'cosineSimilarity') as SimilarityFunction;
  if (!FUNCTIONS.includes(similarity)) throw badRequest(`vectorSearch: similarityFunction must be one of ${FUNCTIONS.join(', ')}`);
  if (similarity === 'cosineSimilarity' && query.every((v) => v === 0)) throw badRequest('vectorSearch: a zero queryVector has no cosine similarity');
  const size = body.size ?? DEFAULT_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw badRequest(`vectorSearch: size must be an integer from 1 to ${MAX_SIZE}`);

  const paths = new FieldPaths(schema, table);
  const where = body.filter !== undefined && body.filter !== null ? parseXataFilter(body.filter, paths) : undefined;
  const { hits, total } = await reader.nearest({ table, joins: paths.joins, ...(where ? { where } : {}), column, query, similarity, limit: size });
  if (hits.length === 0) return { records: [], totalCount: 0 };

  const projection = buildProjection(schema, table, ['*']);
  const rows = await reader.select({ ...projection.plan, where: { kind: 'idIn', tableAlias: 't0', values: hits.map((h) => h.id) } });
  const byId = new Map(rows.map((row) => [String(row[projection.root.system.id]), row]));
  // A record deleted between the two reads is left out.
  const records = hits.flatMap((hit) => {
    const row = byId.get(String(hit.id));
    if (!row) return [];
    const record = materialize(projection.root, row, format);
    (record.xata as Record<string, unknown>).score = hit.score;
    return [record];
  });
  // Every match counts, not only the page returned (Xata: 4 matches with size 2 → totalCount 4).
  return { records, totalCount: total };
}
