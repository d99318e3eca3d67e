import { Type } from 'typebox';
import { PageNumber } from '../page-number.js';
import { MAX_BATCH_SIZE } from '../../core/records/batch-runner.js';
import { TableParams } from './params.js';

/** Route schemas of the content endpoints and the record paging shape. */
export const ContentParams = TableParams;
export const RecordParams = Type.Object({ ...ContentParams.properties, content_id: Type.String({ minLength: 1, description: 'The record id' }) });

export const MAX_PER_PAGE = 10_000;
const Page = Type.Optional(PageNumber);
const PerPage = Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 50 }));
export const BrowseQuery = Type.Object({ page: Page, per_page: PerPage });
export const SearchBody = Type.Object({
  page: Page, per_page: PerPage,
  sort: Type.Optional(Type.Unknown({ description: '`{"name": "asc"}` or `[{"rating": "desc"}, {"name": "asc"}]`' })),
  search: Type.Optional(Type.Unknown({ description: 'Format A (`[{"price|>": 30}, {"price|<|or": 10}]`) or format B (statements and groups)' })),
});
export const RecordBody = Type.Object({}, { additionalProperties: true, description: 'The record: column → value (timestamps in epoch milliseconds)' });

const RowId = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })]);
export const BulkBody = Type.Object({
  items: Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_SIZE, description: 'The records to create' }),
  allow_id_field: Type.Optional(Type.Boolean({ default: false, description: 'Use the items\' `id`s instead of assigning new ones' })),
});
export const BulkPatchBody = Type.Object({
  items: Type.Array(Type.Object({ row_id: RowId, updates: Type.Optional(RecordBody) }), { maxItems: MAX_BATCH_SIZE }),
});
export const BulkDeleteBody = Type.Object({ row_ids: Type.Array(RowId, { maxItems: MAX_BATCH_SIZE }) });
export const SearchPatchBody = Type.Object({ search: Type.Optional(Type.Unknown()), updates: RecordBody });
export const SearchDeleteBody = Type.Object({ search: Type.Optional(Type.Unknown({ description: 'Which records to delete; absent or `[]` deletes every record' })) });
export const TruncateBody = Type.Object({ reset: Type.Boolean({ description: 'Restart the ids at 1' }) });

/** Xano's record paging: `{items, itemsReceived, curPage, nextPage, prevPage, offset, perPage, itemsTotal, pageTotal}`. */
export function recordPage<T>(page: number, perPage: number, items: T[], total: number) {
  const pageTotal = Math.ceil(total / perPage);
  return {
    items, itemsReceived: items.length, curPage: page,
    nextPage: page < pageTotal ? page + 1 : null, prevPage: page > 1 ? page - 1 : null,
    offset: (page - 1) * perPage, perPage, itemsTotal: total, pageTotal,
  };
}
