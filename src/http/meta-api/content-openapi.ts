import {
  BulkBody, BulkDeleteBody, BulkPatchBody, RecordBody, SearchBody, SearchDeleteBody, SearchPatchBody, TruncateBody,
} from './content-params.js';

/**
 * Summaries and examples of the content endpoints for the Metadata API's document
 * (openapi-doc.ts passes its response helper and the table path). Bodies keep their route
 * schema and gain an example.
 */
type Ok = (description: string, example: unknown) => Record<string, unknown>;

const record = { id: 1, created_at: 1706702400000, name: 'Lamp', price: 30, status: 'live', category: 2 };
const page = { items: [record], itemsReceived: 1, curPage: 1, nextPage: 2, prevPage: null, offset: 0, perPage: 1, itemsTotal: 12, pageTotal: 12 };
const withExample = (schema: object, example: unknown) => ({ body: { ...schema, example } });
const SOURCE = 'The `x-data-source` header picks the data source (default `live`, branch main).';

export function contentExamples(ok: Ok, table: string): Record<string, Record<string, unknown>> {
  const base = `${table}/content`;
  return {
    [`GET ${base}`]: { summary: 'Browse a table\'s records (paged by id)', description: SOURCE, response: ok('A page of records', page) },
    [`POST ${base}`]: {
      summary: 'Create a record', description: `Values follow the columns' types and rules (defaults, required, enum, min/max, passwords are hashed); timestamps are epoch milliseconds; an \`id\` is ignored. ${SOURCE}`,
      ...withExample(RecordBody, { name: 'Lamp', price: 30, category: 2 }), response: ok('The new record (passwords are never returned)', record),
    },
    [`GET ${base}/:content_id`]: { summary: 'A record', description: SOURCE, response: ok('The record', record) },
    [`PUT ${base}/:content_id`]: { summary: 'Update a record (partial: only the columns sent change)', description: SOURCE, ...withExample(RecordBody, { price: 35 }), response: ok('The whole updated record', { ...record, price: 35 }) },
    [`DELETE ${base}/:content_id`]: { summary: 'Delete a record (links to it become null)', description: SOURCE, response: ok('null', null) },
    [`POST ${base}/search`]: {
      summary: 'Search records: filter, sort, page',
      description: 'Two search formats. A: conditions `{"column|op": value}` in an array, ANDed; `|or` joins a condition to the previous one with OR (AND binds tighter). '
        + 'B: `{type: "statement", or?, left: {tag: "col", operand}, op, right: {tag, operand}}` and `{type: "group", or?, group: {expression: [...]}}`. '
        + 'Operators: `=` `==` `!=` `<` `<=` `>` `>=` `in` `not in` `like` `not like` (case-sensitive, `%` and `_`) `ilike` `not ilike`; `= null` / `!= null` test for no value. '
        + `Timestamps compare as epoch ms (RFC 3339 and YYYY-MM-DD accepted). Sort: \`{"col": "asc"}\` or an array in priority order; the id breaks ties. ${SOURCE}`,
      ...withExample(SearchBody, { page: 1, per_page: 50, sort: [{ price: 'desc' }], search: [{ 'price|>': 20 }, { 'status|in': ['live'] }, { 'name|like|or': 'Lamp%' }] }),
      response: ok('A page of matching records', page),
    },
    [`POST ${base}/search/patch`]: {
      summary: 'Update every record a search matches (one transaction)', description: SOURCE,
      ...withExample(SearchPatchBody, { search: [{ 'status|=': 'draft' }], updates: { status: 'live' } }), response: ok('The ids updated', { success: [3, 7], success_total: 2 }),
    },
    [`POST ${base}/search/delete`]: {
      summary: 'Delete every record a search matches (one transaction)', description: `An absent or empty search deletes every record. ${SOURCE}`,
      ...withExample(SearchDeleteBody, { search: [{ 'price|<': 5 }] }), response: ok('The ids deleted', { success: [4], success_total: 1 }),
    },
    [`POST ${base}/bulk`]: {
      summary: 'Create records in bulk (all or nothing)', description: `Up to 1000 items. With \`allow_id_field\` the items' ids are used. A failure writes nothing; failed items are listed in \`payload.errors\` by index. ${SOURCE}`,
      ...withExample(BulkBody, { items: [{ name: 'Lamp' }, { name: 'Desk' }], allow_id_field: false }), response: ok('The new ids', [1, 2]),
    },
    [`POST ${base}/bulk/patch`]: {
      summary: 'Update records in bulk (all or nothing)', description: `A missing record or a bad value fails the request and writes nothing. ${SOURCE}`,
      ...withExample(BulkPatchBody, { items: [{ row_id: 1, updates: { price: 35 } }] }), response: ok('The ids updated', { success: [1], success_total: 1 }),
    },
    [`POST ${base}/bulk/delete`]: {
      summary: 'Delete records in bulk (one transaction)', description: `Ids that match no record are listed in \`error\`. ${SOURCE}`,
      ...withExample(BulkDeleteBody, { row_ids: [1, 2, 99] }), response: ok('The ids deleted and those not found', { success: [1, 2], success_total: 2, error: [99] }),
    },
    [`DELETE ${table}/truncate`]: {
      summary: 'Delete every record of a table, optionally restarting ids at 1', description: SOURCE,
      ...withExample(TruncateBody, { reset: true }), response: ok('null', null),
    },
  };
}
