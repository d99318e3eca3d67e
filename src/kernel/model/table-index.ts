/**
 * A table's indexes as the Metadata API defines them (Xano's `table / index`), kept in the
 * branch catalog with the table's metadata, so they change in the same transaction as the
 * SQL that builds them and travel with branch copies. Fields name leaf column paths (or `id`);
 * renames rewrite them, and removing a column drops the indexes that use it (index-follow.ts).
 */
export const SEARCH_LANGUAGES = [
  'simple', 'arabic', 'danish', 'dutch', 'english', 'finnish', 'french', 'german', 'hungarian', 'indonesian', 'irish', 'italian',
  'lithuanian', 'nepali', 'norwegian', 'portuguese', 'romanian', 'russian', 'spanish', 'swedish', 'tamil', 'turkish',
] as const;
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];
export const VECTOR_OPS = ['vector_ip_ops', 'vector_cosine_ops', 'vector_l1_ops', 'vector_l2_ops'] as const;
export type VectorOp = (typeof VECTOR_OPS)[number];
export const SPATIAL_OP = 'gist_geometry_ops_2d';
/** GIN operator classes: jsonb_ops / jsonb_path_ops over a json column (json, lists of non-text types), array_ops over a text list. */
export const GIN_OPS = ['jsonb_ops', 'jsonb_path_ops', 'array_ops'] as const;
export type GinOp = (typeof GIN_OPS)[number];

export type OrderedField = { name: string; op: 'asc' | 'desc' };
export type TableIndex =
  | { id: string; type: 'btree' | 'unique'; fields: OrderedField[] }
  | { id: string; type: 'search'; name: string; lang: SearchLanguage; fields: Array<{ name: string; priority: number }> }
  | { id: string; type: 'spatial'; fields: Array<{ name: string; op: typeof SPATIAL_OP }> }
  | { id: string; type: 'vector'; fields: Array<{ name: string; op: VectorOp }> }
  | { id: string; type: 'gin'; fields: Array<{ name: string; op: GinOp }> };
export type IndexType = TableIndex['type'];
export const INDEX_TYPES: readonly IndexType[] = ['btree', 'unique', 'search', 'spatial', 'vector', 'gin'];

/** The table's own primary key, listed first as Xano lists it; it is the `id` column and cannot change. */
export const PRIMARY_INDEX = { id: 'primary', type: 'primary', fields: [{ name: 'id', op: 'asc' }] } as const;

/** Whether two indexes are the same definition (ids aside): PUT keeps such an index instead of rebuilding it. */
export function sameIndex(a: TableIndex, b: TableIndex): boolean {
  const { id: _a, ...restA } = a;
  const { id: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/** Whether the index uses the column at `path` (or, for an object path, any column under it). */
export const usesColumn = (index: TableIndex, path: string): boolean =>
  index.fields.some((f) => f.name === path || f.name.startsWith(`${path}.`));
