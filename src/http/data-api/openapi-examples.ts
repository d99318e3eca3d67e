import { refusalExamples } from './control-plane-refusals.js';

/**
 * Summaries, request examples and response examples for the OpenAPI document, keyed by
 * `METHOD route-url`. They only describe: validation comes from the route schemas, and
 * responses are serialised as they are, so these cannot change what a request does.
 */
const record = {
  id: 'rec_cq38hb2o6r4pdmcccscg',
  xata: { version: 0, createdAt: '2026-01-31T12:00:00.000Z', updatedAt: '2026-01-31T12:00:00.000Z' },
  name: 'Desk lamp', price: 39.5, stock: 12, team: { id: 'rec_cq38hb2o6r4pdmcccsd0' },
};
const recordBody = { type: 'object', additionalProperties: true, description: 'The record\'s columns (object columns nested or dotted; links as an id)', example: { name: 'Desk lamp', price: 39.5, stock: 12 } };
const patchBody = { ...recordBody, example: { stock: { $decrement: 1 }, name: 'Desk lamp (blue)' }, description: 'Columns to change; numeric columns also take $increment, $decrement, $multiply, $divide (applied atomically)' };
const error = (status: number, message: string) => ({ description: message, type: 'object', properties: { id: { type: 'string' }, message: { type: 'string' } }, example: { id: 'req_cq38hb2o6r4pdmcccse0', message } });
const ok = (description: string, example: unknown) => ({ description, type: 'object', additionalProperties: true, example });
const migration = ok('The migration that made the change', { migrationID: 'mig_cq38hb2o6r4pdmcccsf0', parentMigrationID: 'mig_cq38hb2o6r4pdmcccsc0', status: 'completed' });
const common = { 400: error(400, 'column [price]: invalid value, expected a number'), 401: error(401, 'invalid API key'), 403: error(403, 'this token lacks the content:read scope'), 404: error(404, 'record [lamp] not found') };
const columns = { columns: [{ name: 'name', type: 'string' }, { name: 'price', type: 'float' }, { name: 'team', type: 'link', link: { table: 'teams' } }] };

const bulkBody = {
  type: 'object', required: ['records'],
  properties: { records: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'object', additionalProperties: true } } },
  example: { records: [{ name: 'Desk lamp', price: 39.5 }, { id: 'lamp-2', name: 'Floor lamp', price: 89 }] },
};
const bulkError = { description: 'Records that failed, each with the status it would have on its own; nothing was written', type: 'object', example: { id: 'req_cq38hb2o6r4pdmcccse0', errors: [{ message: 'record 1: column [price]: invalid value, expected a number', status: 400 }] } };
const transactionBody = {
  type: 'object', required: ['operations'],
  properties: { operations: { type: 'array', maxItems: 1000, items: { type: 'object', description: 'One of {insert: {table, record, createOnly?, ifVersion?, columns?}}, {update: {table, id, fields, upsert?, ifVersion?, columns?}}, {delete: {table, id, failIfMissing?, columns?}}, {get: {table, id, columns?}}', additionalProperties: true } } },
  example: { operations: [
    { insert: { table: 'teams', record: { id: 'lighting', name: 'Lighting' }, createOnly: true } },
    { update: { table: 'products', id: 'lamp', fields: { team: 'lighting', stock: { $decrement: 1 } }, ifVersion: 0 } },
    { get: { table: 'products', id: 'lamp', columns: ['name', 'team.name'] } },
    { delete: { table: 'products', id: 'old-lamp' } },
  ] },
};
const transactionResults = { results: [
  { operation: 'insert', id: 'lighting', rows: 1 },
  { operation: 'update', id: 'lamp', rows: 1, columns: {} },
  { operation: 'get', columns: { name: 'Desk lamp', team: { name: 'Lighting' } } },
  { operation: 'delete', rows: 0 },
] };
const transactionFailure = { description: 'Every operation that failed, by index; nothing was written', type: 'object', example: { id: 'req_cq38hb2o6r4pdmcccse0', errors: [{ index: 0, message: 'record with ID [lighting] already exists' }, { index: 1, message: 'record [lamp]: version mismatch, expected 0 but the record is at 2' }] } };

const REC = '/db/:dbBranch/tables/:table/data';
const TBL = '/db/:dbBranch/tables/:table';

export const dataApiExamples: Record<string, Record<string, unknown>> = {
  [`POST ${REC}`]: { summary: 'Insert a record', body: recordBody, response: { 201: ok('The new record (id generated unless the body has one)', record), ...common, 422: error(422, 'record with ID [lamp] already exists') } },
  [`GET ${REC}/:id`]: { summary: 'Read a record', response: { 200: ok('The record, with the requested columns', record), ...common } },
  [`PUT ${REC}/:id`]: { summary: 'Create or replace a record', body: recordBody, response: { 201: ok('Created', record), 200: ok('Replaced (columns not given become null)', { ...record, xata: { ...record.xata, version: 1 } }), ...common, 422: error(422, 'record [lamp]: version mismatch, expected 0 but the record is at 1') } },
  [`PATCH ${REC}/:id`]: { summary: 'Update a record', body: patchBody, response: { 200: ok('The updated record', { ...record, stock: 11, xata: { ...record.xata, version: 1 } }), ...common, 422: error(422, 'record [lamp]: version mismatch, expected 0 but the record is at 1') } },
  [`POST ${REC}/:id`]: { summary: 'Update a record, or create it (upsert)', body: patchBody, response: { 201: ok('Created', record), 200: ok('Updated', record), ...common } },
  [`DELETE ${REC}/:id`]: { summary: 'Delete a record', response: { 200: ok('The record as it was', record), ...common } },
  [`POST ${TBL}/bulk`]: { summary: 'Insert many records (all or nothing)', tags: ['records'], body: bulkBody, response: { 200: ok('The new ids in order ({recordIDs}), or with `columns` the records ({records})', { recordIDs: [record.id, 'lamp-2'] }), 400: bulkError, 401: common[401], 403: error(403, 'this token lacks the content:create scope'), 404: error(404, 'table [products] not found') } },
  ['POST /db/:dbBranch/transaction']: { summary: 'Run insert, update, delete and get operations across tables in one transaction', tags: ['records'], body: transactionBody, response: { 200: ok('One result per operation, in order', transactionResults), 400: transactionFailure, 401: common[401], 403: error(403, 'this token lacks the content:delete scope'), 404: error(404, 'database [shop] not found') } },
  [`PUT ${TBL}`]: { summary: 'Create a table', body: { type: 'object', properties: { columns: { type: 'array' } }, example: columns }, response: { 201: ok('Created', { branchName: 'shop:main', tableName: 'products', status: 'completed' }), 422: error(422, 'table [products] already exists') } },
  [`PATCH ${TBL}`]: { summary: 'Rename a table (no data is rewritten)', response: { 200: migration } },
  [`DELETE ${TBL}`]: { summary: 'Delete a table and its records', response: { 200: migration, 422: error(422, 'table [teams] is linked from column [products.team]; remove that column first') } },
  [`GET ${TBL}/schema`]: { summary: 'A table\'s columns (objects nested)', response: { 200: ok('Columns', columns) } },
  [`PUT ${TBL}/schema`]: { summary: 'Replace a table\'s columns (adds and removes, in one migration)', response: { 200: migration, 204: { description: 'Nothing to change' } } },
  [`GET ${TBL}/columns`]: { summary: 'A table\'s columns (objects flattened to dotted names)', response: { 200: ok('Columns', columns) } },
  [`POST ${TBL}/columns`]: { summary: 'Add a column', body: { type: 'object', additionalProperties: true, example: { name: 'stock', type: 'int', notNull: true, defaultValue: '0' } }, response: { 200: migration } },
  [`GET ${TBL}/columns/:column`]: { summary: 'One column' },
  [`PATCH ${TBL}/columns/:column`]: { summary: 'Rename a column (no data is rewritten)', response: { 200: migration } },
  [`DELETE ${TBL}/columns/:column`]: { summary: 'Remove a column', response: { 200: migration } },
  [`POST ${TBL}/query`]: { summary: 'Query records: filter, sort, columns (links expanded, reverse links), pages by offset or cursor', body: { type: 'object', example: { filter: { $all: [{ price: { $lt: 50 } }, { name: { $iContains: 'lamp' } }] }, sort: [{ price: 'desc' }], page: { size: 20 }, columns: ['name', 'price', 'team.name'] } }, response: { 200: ok('A page of records; `meta.page.cursor` continues the query (send it alone as page.after)', { records: [record], meta: { page: { cursor: 'eyJiIjoxLCJ0IjoicHJvZHVjdHMi…', more: false, size: 20 } } }), ...common, 404: error(404, 'table [products] not found') } },
  [`POST ${TBL}/summarize`]: { summary: 'Group records and summarize each group (count, min, max, sum, average); filter groups by their summaries', body: { type: 'object', example: { columns: ['team.name'], summaries: { sales: { count: '*' }, revenue: { sum: 'price' } }, filter: { price: { $gt: 0 } }, summariesFilter: { sales: { $ge: 2 } }, sort: [{ revenue: 'desc' }], page: { size: 20 } } }, response: { 200: ok('One object per group: the group columns (links nested) and the summaries', { summaries: [{ team: { name: 'Lighting' }, sales: 12, revenue: 474 }] }), ...common, 404: error(404, 'table [products] not found') } },
  [`POST ${TBL}/aggregate`]: { summary: 'Aggregations: count, sum, min, max, average, percentiles, uniqueCount and buckets (dateHistogram, topValues, numericHistogram) with sub-aggregations', body: { type: 'object', example: { filter: { stock: { $gt: 0 } }, aggs: { total: { count: '*' }, byMonth: { dateHistogram: { column: 'xata.createdAt', calendarInterval: 'month', timezone: '+01:00', aggs: { revenue: { sum: { column: 'price' } } } } } } } }, response: { 200: ok('Each aggregation under its name: a number (or null), or {values: [{$key, $count, …sub-aggregations}]}', { aggs: { total: 42, byMonth: { values: [{ $key: '2026-01-01T00:00:00.000+01:00', $count: 42, revenue: 1659 }] } } }), ...common, 404: error(404, 'table [products] not found') } },
  [`POST ${TBL}/vectorSearch`]: { summary: 'Nearest records by a vector column (exact search); xata.score: cosine similarity + 1, or 1 / (1 + L1 or L2 distance)', body: { type: 'object', example: { column: 'embedding', queryVector: [0.1, 0.2, 0.3], similarityFunction: 'cosineSimilarity', size: 5, filter: { stock: { $gt: 0 } } } }, response: { 200: ok('The nearest records, best first; `totalCount` counts every record matching the filter', { records: [{ ...record, xata: { ...record.xata, score: 1.97 } }], totalCount: 12 }), ...common, 404: error(404, 'table [products] not found') } },
  [`POST ${TBL}/search`]: { summary: 'Full-text search in a table: typo-tolerant, weighted, filtered, boosted, highlighted', body: { type: 'object', example: { query: 'desk lamp', fuzziness: 1, prefix: 'phrase', target: ['name', { column: 'description', weight: 3 }], filter: { price: { $lt: 100 } }, boosters: [{ numericBooster: { column: 'stock', factor: 0.1, modifier: 'log1p' } }], highlight: { enabled: true }, page: { size: 10 } } }, response: { 200: ok('Matching records, best first; `totalCount` counts every match', { records: [{ ...record, xata: { ...record.xata, table: 'products', score: 2.31, highlight: { name: ['<em>Desk</em> <em>lamp</em>'] } } }], totalCount: 1 }), ...common, 404: error(404, 'table [products] not found') } },
  ['POST /db/:dbBranch/search']: { summary: 'Full-text search across tables (all by default); each record names its table', body: { type: 'object', example: { query: 'lamp', tables: ['products', { table: 'teams', target: ['name'], filter: { city: 'Oslo' } }], page: { size: 10 } } }, response: { 200: ok('Matching records of every table, best first', { records: [{ ...record, xata: { ...record.xata, score: 1.7, highlight: { name: ['Desk <em>lamp</em>'] }, table: 'products' } }], totalCount: 1 }), ...common, 404: error(404, 'table [teams] not found') } },
  ['GET /dbs/:db']: { summary: 'List a database\'s branches', response: { 200: ok('Branches', { databaseName: 'shop', branches: [{ name: 'main', createdAt: '2026-01-31T12:00:00.000Z' }] }) } },
  ['GET /dbs/:db/settings']: { summary: 'Database settings' },
  ['PATCH /dbs/:db/settings']: { summary: 'Update database settings' },
  ['GET /db/:dbBranch']: { summary: 'Branch details with its schema (the Xata SDK reads schema.tables)' },
  ['PUT /db/:dbBranch']: { summary: 'Create a branch from another (schema; records too with copyData, a Strata extension)', response: { 201: ok('Created', { databaseName: 'shop', branchName: 'dev', status: 'completed' }) } },
  ['DELETE /db/:dbBranch']: { summary: 'Delete a branch and its data', response: { 200: ok('Deleted', { status: 'completed' }), 409: error(409, 'the main branch cannot be deleted; delete the database instead') } },
  ['GET /db/:dbBranch/migrations']: { summary: 'The branch\'s schema migrations, oldest first' },
  ['POST /db/:dbBranch/schema/compare']: { summary: 'The edits that would turn the branch\'s schema into the given one', body: { type: 'object', example: { schema: { tables: [{ name: 'products', columns: columns.columns }] } } } },
  ['POST /db/:dbBranch/schema/apply']: { summary: 'Apply schema edits atomically', body: { type: 'object', example: { edits: { operations: [{ addTable: { table: 'teams' } }, { addColumn: { table: 'teams', column: { name: 'name', type: 'string' } } }] } } }, response: { 200: migration } },
  ['GET /workspaces/:ws/dbs']: { summary: 'List databases', response: { 200: ok('Databases', { databases: [{ name: 'shop', region: 'local', createdAt: '2026-01-31T12:00:00.000Z', numberOfBranches: 1 }] }) } },
  ['PUT /workspaces/:ws/dbs/:db']: { summary: 'Create a database (with its main branch)', response: { 201: ok('Created', { databaseName: 'shop', branchName: 'main', status: 'completed' }), 422: error(422, 'database [shop] already exists') } },
  ['GET /workspaces/:ws/dbs/:db']: { summary: 'A database' },
  ['DELETE /workspaces/:ws/dbs/:db']: { summary: 'Delete a database, its branches and data', response: { 200: ok('Deleted', { status: 'completed' }) } },
  ['GET /workspaces/:ws/settings']: { summary: 'Workspace settings (stored as given)' },
  ['PUT /workspaces/:ws/settings']: { summary: 'Update workspace settings (merged)' },
  ['PATCH /workspaces/:ws/settings']: { summary: 'Update workspace settings (merged, as PUT)' },
  ['GET /workspaces']: { summary: 'The workspaces the token can use: this instance, the one workspace', tags: ['databases'], response: { 200: ok('Workspaces', { workspaces: [{ id: 'local', unique_id: 'local', name: 'local', slug: 'local', role: 'owner', plan: 'free', memberCount: 1 }] }) } },
  ['GET /workspaces/:ws']: { summary: 'The workspace (this instance)' },
  ['GET /workspaces/:ws/regions']: { summary: 'Regions a database can be created in (labels only: every database answers on any host)', response: { 200: ok('Regions', { regions: [{ id: 'local', name: 'local' }] }) } },
  ['POST /workspaces/:ws/dbs/:db/rename']: { summary: 'Rename a database', body: { type: 'object', example: { newName: 'shop2' } }, response: { 200: ok('The renamed database', { name: 'shop2', region: 'local', createdAt: '2026-01-31T12:00:00.000Z' }) } },
  ['POST /db/:dbBranch/schema/history']: { summary: 'The branch\'s schema history, newest first, paged (what xata pull and push read)', body: { type: 'object', example: { page: { size: 200 } } }, response: { 200: ok('Commits, newest first', { meta: { cursor: 'mig_cq38hb2o6r4pdmcccsf0', more: false }, logs: [{ id: 'mig_cq38hb2o6r4pdmcccsf0', parentID: 'mig_cq38hb2o6r4pdmcccsc0', checksum: '1:3f…', createdAt: '2026-01-31T12:00:00.000Z', operations: [{ addTable: { table: 'teams' } }] }] }) } },
  ['POST /db/:dbBranch/schema/push']: { summary: 'Apply migrations from elsewhere keeping their ids (xata push); those the branch has are skipped, the rest must continue its newest migration', body: { type: 'object', example: { migrations: [{ id: 'mig_cq38hb2o6r4pdmcccsf0', parentID: 'mig_cq38hb2o6r4pdmcccsc0', checksum: '1:3f…', operations: [{ addTable: { table: 'teams' } }] }] } }, response: { 200: migration, 409: error(409, 'migration [mig_b] follows [mig_a], but the branch\'s newest migration is [mig_c]: pull the branch\'s migrations first (xata pull)') } },
  ['POST /db/:dbBranch/schema/compare/:branchName']: { summary: 'The edits that would turn this branch\'s schema into another branch\'s', body: { type: 'object', example: {} } },
  ['POST /db/:dbBranch/schema/preview']: { summary: 'The schema before and after edits, without applying them', body: { type: 'object', example: { edits: { operations: [{ addTable: { table: 'teams' } }] } } } },
  ['POST /db/:dbBranch/schema/update']: { summary: 'Apply schema edits on top of a given migration (409 if the branch moved on)', body: { type: 'object', example: { parentID: 'mig_cq38hb2o6r4pdmcccsc0', operations: [{ addTable: { table: 'teams' } }] } }, response: { 200: migration } },
  ...refusalExamples,
  ['GET /health']: { summary: 'Liveness', tags: ['health'] },
  ['GET /ready']: { summary: 'Readiness: storage reachable', tags: ['health'] },
  // Files: raw bytes in and out (the body is the file; Content-Type is its media type).
  ...Object.fromEntries(['/db/:dbBranch/tables/:table/data/:id/column/:column/file', '/db/:dbBranch/tables/:table/data/:id/column/:column/file/:fileId'].flatMap((path) => [
    [`GET ${path}`, { summary: 'Download a file (streamed; Range, ETag)' }],
    [`PUT ${path}`, {
      summary: 'Upload a file: the raw body, streamed (Content-Type = media type)',
      description: 'Strata extension: a `Content-Disposition: attachment; filename="…"` request header (or RFC 5987 `filename*=UTF-8\'\'…`, which wins) names the file in the same write; the name is sanitised like any file name; a malformed header is a 400. Without it the file keeps its name. On a `file[]` column, `…/file` without a file id (what `xata.files.upload` sends without a `fileId`) appends a new file (201).',
    }],
    [`DELETE ${path}`, { summary: 'Delete a file (answers its metadata)' }],
  ])),
  'GET /file/:accessId': { summary: 'A file by access id: public files, or any file with a valid signed URL (no token)' },
  'PUT /file/:accessId': { summary: "Upload a file's bytes to an upload URL (`columns: ['<col>.uploadUrl']`; no token, valid `uploadUrlTimeout` seconds)" },
};
