import type { ApiDocs } from '../openapi.js';
import { literal } from '../openapi.js';
import { contentExamples } from './content-openapi.js';
import { META_PREFIX } from './params.js';
import { accessExamples } from './access-docs.js';
import { builderExamples } from './builder-docs.js';

/**
 * The Metadata API's OpenAPI document (Swagger UI at /api:meta, JSON at
 * /apispec:meta?type=json): summaries and examples keyed by `METHOD route-url`. They only
 * describe; validation comes from the route schemas.
 */
const PREFIX = literal(META_PREFIX);
const WS = `${PREFIX}/workspace/:workspace_id`;
const TBL = `${WS}/table/:table_id`;

const error = (status: number, code: string, message: string, param?: string) => ({
  description: message, type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, payload: { type: 'object', nullable: true } },
  example: { code, message, payload: param === undefined ? null : { param } },
});
const common = {
  400: error(400, 'ERROR_CODE_INPUT_ERROR', 'Missing param: name', 'name'),
  401: error(401, 'ERROR_CODE_UNAUTHORIZED', 'invalid API key'),
  403: error(403, 'ERROR_CODE_ACCESS_DENIED', 'this token lacks the database:read scope'),
  404: error(404, 'ERROR_CODE_NOT_FOUND', 'workspace [7] not found'),
  429: error(429, 'ERROR_CODE_TOO_MANY_REQUESTS', 'too many requests'),
  500: error(500, 'ERROR_FATAL', 'internal error'),
  503: error(503, 'ERROR_FATAL', 'storage is unavailable: the database refused the connection'),
};
const ok = (description: string, example: unknown) => ({ 200: { description, type: Array.isArray(example) ? 'array' : 'object', ...(example === null ? { nullable: true } : {}), example }, ...common });
const body = (example: unknown) => ({ body: { type: 'object', additionalProperties: true, example } });
/** A JSON body or a XanoScript definition (`Content-Type: text/x-xanoscript`). */
const jsonOrScript = (example: unknown, script: string) => ({
  body: { content: { 'application/json': { schema: { type: 'object', additionalProperties: true, example } }, 'text/x-xanoscript': { schema: { type: 'string', example: script } } } },
});
const tableScript = 'table products {\n  auth = false\n\n  schema {\n    int id\n    timestamp created_at?=now\n    text name filters=trim\n    enum status?="draft" {\n      values = ["draft", "live"]\n    }\n  }\n\n  index = [\n    {type: "primary", field: [{name: "id"}]}\n    {type: "btree", field: [{name: "created_at", op: "desc"}]}\n  ]\n}\n';
const SCRIPT_NOTE = '`include_xanoscript=true` adds the table\'s XanoScript definition: `xanoscript: {status: "ok", value}`.';

const workspace = { id: 1, name: 'shop', description: 'The shop\'s data', branch: 'v1', swagger: true, documentation: { require_token: false } };
const table = {
  id: 3, created_at: '2026-01-31 12:00:00+0000', updated_at: '2026-01-31 12:05:00+0000', name: 'products', description: 'What we sell',
  docs: '', guid: 'YE1fwVhQ-enRlc6Sb42Gqru58-0', auth: false, tag: ['catalog'], autocomplete: [{ name: 'name' }],
};
const withScript = { ...table, xanoscript: { status: 'ok', value: tableScript } };
const columns = [
  { name: 'id', type: 'int', description: '', nullable: false, default: '', required: true, access: 'public', sensitive: false, style: 'single' },
  { name: 'created_at', type: 'timestamp', description: '', nullable: true, default: 'now', required: false, access: 'public', sensitive: false, style: 'single' },
  { name: 'status', type: 'enum', description: '', nullable: true, default: 'draft', required: false, access: 'public', sensitive: false, style: 'single', values: ['draft', 'live'] },
];

const primary = { id: 'primary', type: 'primary', fields: [{ name: 'id', op: 'asc' }] };
const btree = { id: 'baa524c4', type: 'btree', fields: [{ name: 'created_at', op: 'desc' }] };
const search = { id: '1f0c9e2a', type: 'search', name: 'search_label', lang: 'english', fields: [{ name: 'name', priority: 2 }, { name: 'description', priority: 1 }] };
const created = (summary: string, description: string, example: unknown) => ({ summary, description, ...body(example), response: ok('The new index\'s id', { id: 'baa524c4' }) });
const indexExamples = {
  [`GET ${TBL}/index`]: { summary: 'A table\'s indexes (the primary key first)', response: ok('Indexes', [primary, btree, search]) },
  [`PUT ${TBL}/index`]: {
    summary: 'Replace all of a table\'s indexes (one transaction)',
    description: 'Listed indexes that exist already are kept as they are (not rebuilt), new ones are built, the others dropped, all in one transaction with the catalog: an index that cannot be built (duplicates under a unique index, a kind the engine lacks) leaves every index as it was. `primary` may be listed; it is the table\'s id and always stays.',
    ...body({ index: [primary, { type: 'btree', fields: [{ name: 'created_at', op: 'desc' }] }] }), response: ok('The indexes now', [primary, btree]),
  },
  [`POST ${TBL}/index`]: created('Create an index of any type', 'The body is one item of PUT\'s list (`type` and the fields that type takes): btree, unique, search, spatial, vector or gin (PostgreSQL: a GIN index over a json column, `jsonb_ops` or `jsonb_path_ops`, or a text list, `array_ops`; SQLite has none).', { type: 'gin', fields: [{ name: 'tags', op: 'array_ops' }] }),
  [`POST ${TBL}/index/btree`]: created('Create a btree index', 'A real SQL index on both engines, composite and with a direction per field. PostgreSQL keeps missing values last in a descending field, as Strata sorts.', { fields: [{ name: 'name', op: 'desc' }] }),
  [`POST ${TBL}/index/unique`]: created('Create a unique index', 'A unique SQL index: refused (400) while records share values there; afterwards writes through either API that would break it fail.', { fields: [{ name: 'email', op: 'asc' }] }),
  [`POST ${TBL}/index/search`]: created('Create a full-text search index', 'Built on the engine\'s full-text search. PostgreSQL: one GIN index in the text search configuration named by `lang` (any of Xano\'s 22), fields weighted by priority. SQLite: an FTS5 index, `simple` (unicode61) or `english` (porter stemmer); other languages are refused (FTS5 has no stemmer for them).', { name: 'search_label', lang: 'english', fields: [{ name: 'name', priority: 1 }] }),
  [`POST ${TBL}/index/spatial`]: created('Create a spatial index', 'Needs PostGIS (PostgreSQL; installed on first use when the server offers it). Elsewhere a 400 names the engine and what it lacks.', { fields: [{ name: 'location', op: 'gist_geometry_ops_2d' }] }),
  [`POST ${TBL}/index/vector`]: created('Create a vector index', 'Needs pgvector (PostgreSQL; installed on first use when the server offers it). Elsewhere a 400 names the engine and what it lacks; vector search stays exact.', { fields: [{ name: 'embedding', op: 'vector_cosine_ops' }] }),
  [`DELETE ${TBL}/index/:index_id`]: { summary: 'Delete an index', response: ok('Deleted', {}) },
};

const xanoBranch = { created_at: '2026-01-31 12:00:00+0000', label: 'dev', live: false, backup: false, description: 'Work in progress', color: '#ebc346' };
const branchExamples = {
  [`GET ${WS}/branch`]: { summary: 'The workspace\'s branches (v1 first)', description: '`v1` is the default branch: branch main with its data sources. Another branch is a Strata branch of its own (`xano~<label>`), made as a copy of its source\'s schema without records; `?branch=<label>` on table, schema, index and content calls works on it (empty: the live branch). Data sources belong to v1.', response: ok('Branches', [{ ...xanoBranch, label: 'v1', live: true, description: '' }, xanoBranch]) },
  [`POST ${WS}/branch`]: { summary: 'Create a branch (a copy of `source_branch`\'s schema, default v1)', ...body({ label: 'dev', source_branch: 'v1', description: 'Work in progress', color: '#ebc346' }), response: ok('The branch', xanoBranch) },
  [`GET ${WS}/branch/:branch_label`]: { summary: 'A branch', response: ok('The branch', xanoBranch) },
  [`PUT ${WS}/branch/:branch_label`]: { summary: 'Relabel or describe a branch (not v1)', description: 'Partial. A new label keeps the Strata branch behind it.', ...body({ label: 'development', description: 'Renamed' }), response: ok('The branch', { ...xanoBranch, label: 'development', description: 'Renamed' }) },
  [`DELETE ${WS}/branch/:branch_label`]: { summary: 'Delete a branch (its Strata branch and records)', description: 'Neither v1 (the default branch) nor the live branch can be deleted.', response: ok('Deleted', {}) },
  [`POST ${WS}/branch/:branch_label/live`]: { summary: 'Set a branch live', description: 'Calls without `?branch=` then work on it, and the workspace reports it as its `branch`.', response: ok('The branch', { ...xanoBranch, live: true }) },
};

const examples: Record<string, Record<string, unknown>> = {
  [`GET ${PREFIX}/auth/me`]: { summary: 'The account behind the token', response: ok('The account', { id: 'acc_cq38hb2o6r4pdmcccsc0', name: 'Owner', email: 'owner@example.com', extras: { token: { id: 'tok_…', name: 'deploy' }, owner: true } }) },
  [`GET ${PREFIX}/workspace`]: { summary: 'List workspaces (one per database)', response: ok('Workspaces', [workspace]) },
  [`POST ${PREFIX}/workspace`]: { summary: 'Create a workspace (Strata extension)', description: 'Strata extension: creates the database of that name with its live data source (branch main).', ...body({ name: 'shop', description: 'The shop\'s data' }), response: ok('The new workspace', workspace) },
  [`GET ${WS}`]: { summary: 'A workspace', response: ok('The workspace', workspace) },
  [`PUT ${WS}`]: { summary: 'Rename or describe a workspace (Strata extension)', description: 'Strata extension: partial; a new name renames the database too (the data API then finds it under the new name).', ...body({ description: 'Shop data, v2' }), response: ok('The workspace', workspace) },
  [`DELETE ${WS}`]: { summary: 'Delete a workspace (Strata extension)', description: 'Strata extension: deletes the database, every data source and all of their records.', response: ok('Deleted', {}) },
  ...branchExamples,
  [`GET ${WS}/datasource`]: { summary: 'List data sources (`live` is branch main)', response: ok('Data sources', [{ label: 'live', color: '#008000' }, { label: 'test', color: '#ebc346' }]) },
  [`POST ${WS}/datasource`]: { summary: 'Create a data source', description: 'Creates the branch of the same name, with live\'s tables and no records.', ...body({ label: 'test', color: '#ebc346' }), response: ok('The data source', { label: 'test', color: '#ebc346' }) },
  [`PUT ${WS}/datasource/:label`]: { summary: 'Change a data source\'s colour', ...body({ color: '#ff0000' }), response: ok('The data source', { label: 'test', color: '#ff0000' }) },
  [`DELETE ${WS}/datasource/:label`]: { summary: 'Delete a data source (its branch and records; not live)', response: ok('Deleted', {}) },
  [`GET ${WS}/table`]: { summary: 'List tables (paged, searchable, sorted)', description: SCRIPT_NOTE, response: ok('A page of tables', { curPage: 1, nextPage: null, prevPage: null, items: [table] }) },
  [`POST ${WS}/table`]: { summary: 'Create a table', description: 'Integer auto-increment ids; without `schema` the table gets `created_at` (a timestamp defaulting to now). The data API sees it under the same name. `index` (as `PUT …/index` takes it) is built in the same transaction: a bad index creates no table. The body may instead be a XanoScript table definition (`Content-Type: text/x-xanoscript`): its schema and indexes are taken exactly as the JSON ones. ' + SCRIPT_NOTE, ...jsonOrScript({ name: 'products', description: 'What we sell', schema: [{ name: 'id', type: 'int' }, { name: 'created_at', type: 'timestamp', default: 'now' }, { name: 'name', type: 'text', required: true }] }, tableScript), response: ok('The new table', table) },
  [`GET ${TBL}`]: { summary: 'A table', description: SCRIPT_NOTE, response: ok('The table', withScript) },
  [`PUT ${TBL}`]: {
    summary: 'Update a whole table (XanoScript or JSON)',
    description: 'A XanoScript definition (`Content-Type: text/x-xanoscript`) or JSON `{name, description, docs, auth, schema, index, tag, autocomplete}`. All in ONE transaction: the schema replaced as `PUT …/schema` does (columns altered in place, the given order kept), the indexes as `PUT …/index` does, the name, description, docs, tags, auth flag and autocomplete; anything refused leaves the table as it was. Fields left out stay; the guid never changes; PUT of what GET answers writes nothing. ' + SCRIPT_NOTE,
    ...jsonOrScript({ description: 'What we sell, by season' }, tableScript), response: ok('The table', withScript),
  },
  [`PUT ${TBL}/meta`]: { summary: 'Update a table\'s name, description, docs, tags or auth flag (partial)', ...body({ description: 'What we sell, by season' }), response: ok('The table', table) },
  [`PUT ${TBL}/autocomplete`]: { summary: 'Set a table\'s autocomplete columns', ...body({ autocomplete: [{ name: 'name' }] }), response: ok('Updated', { id: 3, autocomplete: [{ name: 'name' }] }) },
  [`DELETE ${TBL}`]: { summary: 'Delete a table and all of its content', response: ok('Deleted', {}) },
  [`GET ${TBL}/schema`]: { summary: 'A table\'s columns (`id` first)', response: ok('Columns', columns) },
  [`PUT ${TBL}/schema`]: { summary: 'Replace a table\'s whole schema (one transaction)', description: 'New columns are added, missing ones removed, changed options updated in place, all in one migration: any bad column leaves the table unchanged. Changing a kept column\'s type is refused.', ...body({ schema: columns }), response: ok('The new columns', columns) },
  [`GET ${TBL}/schema/:schema_name`]: { summary: 'One column', response: ok('The column', columns[2]) },
  [`DELETE ${TBL}/schema/:schema_name`]: { summary: 'Remove a column and its data', response: ok('Removed', {}) },
  ...indexExamples,
  [`POST ${TBL}/schema/rename`]: { summary: 'Rename a column (no data is rewritten)', ...body({ old_name: 'title', new_name: 'name' }), response: ok('Renamed', {}) },
};

const libraryFile = { id: 12, created_at: '2026-01-31 12:00:00+0000', name: 'logo.png', size: 10432, type: 'image', mime: 'image/png', access: 'public', path: '/vault/3TA6XKsmLe-2BigG/logo.png', url: 'https://strata.example.com/file/0123456789abcdefghijklmnopqrstuv' };
const fileExamples = {
  [`GET ${WS}/file`]: {
    summary: 'A workspace\'s file library',
    description: 'Paged (`page`, `per_page`), newest first unless `sort` (`created_at`, `name`, `size`, `mime`) and `order` say otherwise; `search` matches a part of the name (case-insensitive), `access` keeps public or private files. Each file\'s `url` downloads it: a stable URL for public files, a signed one valid for an hour for private files.',
    response: ok('Files', { curPage: 1, nextPage: null, prevPage: null, items: [libraryFile] }),
  },
  [`POST ${WS}/file`]: {
    summary: 'Upload a file to the library (multipart/form-data)',
    description: '`content`: the file (required; its part\'s file name and content type become `name` and `mime`; without a type, or `application/octet-stream`, the type is read from the bytes where recognisable). `type`: `image`, `video`, `audio` or `attachment` (default); the first three need a matching media type. `access`: `private` (default: served only through signed URLs; Xano\'s default is public) or `public`. The parts may come in any order, one `content` only; no other part is accepted. The file is streamed into storage as it arrives (never held in memory); past FILE_MAX_BYTES the upload is refused as soon as it gets there, and nothing is kept.',
    consumes: ['multipart/form-data'],
    body: {
      type: 'object', required: ['content'],
      properties: {
        content: { type: 'string', format: 'binary' },
        type: { type: 'string', enum: ['image', 'video', 'audio', 'attachment'] },
        access: { type: 'string', enum: ['public', 'private'], default: 'private' },
      },
    },
    response: ok('The file', libraryFile),
  },
  [`DELETE ${WS}/file/:file_id`]: { summary: 'Delete a file from the library (and its content)', description: 'A file that records reference (image, video, audio, attachment columns) is refused with an input error naming them.', response: ok('Deleted', null) },
  [`DELETE ${WS}/file/bulk_delete`]: { summary: 'Delete files from the library by id', description: 'Ids of no file of this workspace are ignored. If any of the files is referenced by records, none is deleted (an input error naming them).', ...body({ ids: [12, 13] }), response: ok('Deleted', null) },
};

const archiveForm = (fields: Record<string, unknown>, required: string[]) => ({
  consumes: ['multipart/form-data'],
  body: { type: 'object', required, properties: { file: { type: 'string', format: 'binary' }, ...fields, password: { type: 'string', description: 'Must be empty: encrypted archives are not supported' } } },
});
const exportFields = {
  type: 'object',
  properties: {
    branch: { type: 'string', description: 'A Xano branch label; empty or absent: the live branch' },
    password: { type: 'string', description: 'Must be empty: encrypted archives are not supported' },
  },
  example: { branch: '', password: '' },
};
/** Xano's two documented bodies (JSON, multipart/form-data), a urlencoded form too; none at all is the defaults. */
const exportBody = { body: { content: { 'application/json': { schema: exportFields }, 'multipart/form-data': { schema: exportFields }, 'application/x-www-form-urlencoded': { schema: exportFields } } } };
const archiveFile = { 200: { description: 'The archive, as a download (`Content-Disposition: attachment; filename="<workspace>-<branch>[-schema]-<time>.strata.gz"`)', content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } }, ...common };
const archiveExamples = {
  [`POST ${WS}/export`]: {
    summary: 'Export a branch of the workspace and its content (a Strata archive)',
    description: 'A gzip\'d NDJSON Strata archive (docs/archive-format.md, the format of `strata backup --database`), streamed from one consistent snapshot: the branch\'s schema (columns, Xano metadata, indexes), migrations, records with their ids, versions and timestamps, next generated ids, record files and the file library with their bytes, and the Xano branch\'s label, description and colour. `branch`: a Xano branch label; empty or absent: the live branch (v1 is main with its data sources). The body is JSON, multipart/form-data or a urlencoded form, or none. `password` (encryption) is not supported. Sets `strata_last_backup_timestamp_seconds`.',
    ...exportBody, response: archiveFile,
  },
  [`POST ${WS}/export-schema`]: {
    summary: 'Export a branch\'s schema (a Strata archive without records or files)',
    description: 'As export, without records, record files or the file library.',
    ...exportBody, response: archiveFile,
  },
  [`POST ${WS}/import`]: {
    summary: 'Import a workspace archive into this (empty) workspace',
    description: 'multipart/form-data: `file`, an archive of export or `strata backup --database`. The archive is checked whole (checksum, completeness) before anything is written. The workspace must be empty (no table in any branch, no library file): otherwise an input error. Branches are matched by name or created, with the archive\'s Xano branch labels, descriptions, colours and live branch; files get new keys. An instance backup is refused (use `strata restore`). Change streams of the workspace start again from 0.',
    ...archiveForm({}, ['file']),
    response: ok('The workspace, its live branch as an object', { ...workspace, branch: { id: 4, created_at: '2026-01-31 12:00:00+0000', updated_at: '2026-01-31 12:00:00+0000', description: '', label: 'v1', backup: false, color: '#ebc346', workspace: { id: 1 } } }),
  },
  [`POST ${WS}/import-schema`]: {
    summary: 'Import an archive\'s schema into a new branch, optionally set live',
    description: 'multipart/form-data: `file` (an archive), `newbranch` (the new branch\'s label), `setlive` (true/false). A new Xano branch labelled `newbranch` holds the schema of the archive\'s live Xano branch (its first branch when the archive does not say), without records; `setlive=true` makes it the live branch.',
    ...archiveForm({ newbranch: { type: 'string' }, setlive: { type: 'boolean' } }, ['file', 'newbranch']), response: ok('Imported', {}),
  },
};

export const metaApiDocs = (version: string): ApiDocs => ({
  docsPath: META_PREFIX,
  specPath: '/apispec:meta',
  decorator: 'metaSwagger',
  info: {
    title: 'Strata Metadata API (Xano-style)',
    version,
    description: 'Workspaces, data sources, tables and their schema, in the dialect of Xano\'s Metadata API. A workspace is the data API\'s database of the same name; data source `live` is branch `main`. '
      + 'Authenticate with a personal access token: `Authorization: Bearer xau_…`. Errors are `{code, message, payload}`; an input error\'s `payload.param` names the bad input.',
  },
  servers: [{ url: META_PREFIX, description: 'This instance' }],
  tags: [
    { name: 'authentication', description: 'Who the token belongs to; console login' },
    { name: 'instance', description: 'The Master Metadata API: the instances this account can use' },
    { name: 'access', description: 'Personal access tokens, accounts and workspace members' },
    { name: 'workspace', description: 'Workspaces (databases), branches and data sources' },
    { name: 'function builder', description: 'API groups and endpoints, functions, tasks, table triggers, multidocs: Strata has no function builder, so lists are empty pages and creating one is refused' },
    { name: 'table', description: 'Tables of a workspace\'s data source (the `x-data-source` header, default `live`)' },
    { name: 'table / schema', description: 'A table\'s columns, in Xano\'s 25 types' },
    { name: 'table / index', description: 'A table\'s indexes: btree and unique (real SQL indexes), search (the engine\'s full-text search), spatial and vector (where the engine has them)' },
    { name: 'file', description: 'The workspace\'s file library: files that belong to the workspace, not to a record' },
    { name: 'table / content', description: 'A table\'s records, in the data source `x-data-source` names: browse, search, single and bulk writes' },
  ],
  includes: (url) => url.startsWith(`${PREFIX}/`),
  pathOf: (url) => url.slice(PREFIX.length),
  tagFor: (url) => (/\/(export|import)(-schema)?$/.test(url) ? 'workspace' : /\/(apigroup|function|task|multidoc)\b|\/table\/trigger\b/.test(url) ? 'function builder' : url.includes('/content') || url.endsWith('/truncate') ? 'table / content' : url.includes('/index') ? 'table / index' : url.includes('/schema') ? 'table / schema' : url.includes('/table') ? 'table' : url.includes('/auth/') ? 'authentication'
    : url.includes('/instance') ? 'instance' : /\/(token|account|member)\b/.test(url) ? 'access' : /\/file\b/.test(url) ? 'file' : 'workspace'),
  examples: {
    ...examples,
    ...contentExamples(ok, TBL),
    ...fileExamples,
    ...archiveExamples,
    ...builderExamples(PREFIX, ok),
    ...accessExamples(PREFIX, ok, body),
    ...Object.fromEntries(['text', 'int', 'decimal', 'bool', 'timestamp', 'date', 'email', 'password', 'enum', 'json', 'object', 'uuid', 'vector', 'image', 'video', 'audio', 'attachment', 'tableref', 'tablerefuuid', 'geo_point', 'geo_multipoint', 'geo_linestring', 'geo_multilinestring', 'geo_polygon', 'geo_multipolygon']
      .map((type) => [`POST ${TBL}/schema/type/${type}`, { summary: `Add a ${type} column`, response: ok('The new column\'s name', { name: 'status' }) }])),
  },
  anyTokenNote: '**Required scope:** none (any valid token).',
});
