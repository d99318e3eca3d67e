import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { parseScopes } from '../../src/core/auth/scopes.js';

/**
 * What a SQL statement may reach: only the tables of its own branch. Every construct outside
 * the subset, and every attempt at another branch, another database, Strata's own tables, the
 * catalogue, files or settings (also through search_path, schema-qualified and quoted names,
 * comments, unicode escapes and nested statements) is a 400 that says why — never a 500,
 * never an answer. On PostgreSQL the engine enforces it too: the branch's role holds SELECT
 * on the branch's tables and nothing else.
 */
const REFUSED: Array<[string, RegExp]> = [
  // other branches, other databases, Strata's own tables, the catalogue
  ['SELECT * FROM secrets', /table \[secrets\] not found in this branch/],
  ['SELECT * FROM private', /table \[private\] not found in this branch/],
  ['SELECT * FROM accounts', /table \[accounts\] not found/],
  ['SELECT * FROM tokens', /table \[tokens\] not found/],
  ['SELECT * FROM _strata_tables', /table \[_strata_tables\] not found/],
  ['SELECT * FROM _strata_migrations', /table \[_strata_migrations\] not found/],
  ['SELECT * FROM sqlite_master', /table \[sqlite_master\] not found/],
  ['SELECT * FROM pg_tables', /table \[pg_tables\] not found/],
  ['SELECT * FROM pg_roles', /table \[pg_roles\] not found/],
  ['SELECT * FROM strata.tokens', /schema-qualified names are not supported: \[strata\.tokens\]/],
  ['SELECT * FROM "strata"."accounts"', /schema-qualified names are not supported/],
  ['SELECT * FROM "strata_branch_1"."people"', /schema-qualified names are not supported/],
  ['SELECT * FROM main.people', /schema-qualified names are not supported/],
  ['SELECT * FROM pg_catalog.pg_class', /schema-qualified names are not supported/],
  ['SELECT * FROM information_schema.tables', /schema-qualified names are not supported/],
  ['SELECT strata.people.id FROM people', /schema-qualified names are not supported/],
  ['SELECT id FROM people WHERE id IN (SELECT id FROM tokens)', /table \[tokens\] not found/],
  ['WITH t AS (SELECT * FROM accounts) SELECT * FROM t', /table \[accounts\] not found/],
  // quoting, unicode escapes and comments are the parser's: the real name is checked
  ['SELECT * FROM U&"\\0074okens"', /table \[tokens\] not found/],
  ['SELECT * FROM U&"_strata\\005ftables"', /table \[_strata_tables\] not found/],
  ['SELECT * FROM /* people */ tokens', /table \[tokens\] not found/],
  ['SELECT 1; DROP TABLE people', /one statement per request \(this text holds 2\)/],
  ['SELECT 1 /* ; */ ; -- x\n DELETE FROM people', /one statement per request/],
  // hidden columns
  ['SELECT ctid FROM people', /column \[ctid\] is not a column/],
  ['SELECT tableoid FROM people', /column \[tableoid\] is not a column/],
  ['SELECT rowid FROM people', /column \[rowid\] is not a column/],
  ['SELECT p.xata_tsv_0123 FROM people p', /column \[xata_tsv_0123\] is not a column/],
  // settings and the search path
  ['SET search_path TO strata', /SET is not allowed/],
  ['SET ROLE postgres', /SET is not allowed/],
  ['RESET ROLE', /SET is not allowed/],
  ['SHOW search_path', /SHOW is not allowed/],
  ["SELECT set_config('search_path', 'strata', false)", /function \[set_config\] is not supported/],
  ["SELECT current_setting('search_path')", /function \[current_setting\] is not supported/],
  ['SELECT current_user', /CURRENT_USER, CURRENT_TIMESTAMP and similar/],
  // schema changes
  ['CREATE TABLE x (a int)', /CREATE TABLE is not allowed: schema changes go through the schema API/],
  ['ALTER TABLE people ADD COLUMN x int', /ALTER TABLE is not allowed/],
  ['DROP TABLE people', /DROP is not allowed/],
  ['TRUNCATE people', /TRUNCATE is not allowed/],
  ['CREATE INDEX i ON people (name)', /CREATE INDEX is not allowed/],
  ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql', /CREATE FUNCTION is not allowed/],
  ['SELECT * INTO copy FROM people', /SELECT INTO is not supported/],
  // files, the server, other statements
  ["COPY people TO '/tmp/people.csv'", /COPY is not allowed/],
  ["COPY (SELECT 1) TO PROGRAM 'id'", /COPY is not allowed/],
  ["ATTACH DATABASE '/tmp/x.db' AS x", /invalid SQL: syntax error/],
  ['PRAGMA table_info(people)', /invalid SQL: syntax error/],
  ["SELECT pg_read_file('/etc/passwd')", /function \[pg_read_file\] is not supported/],
  ["SELECT pg_ls_dir('.')", /function \[pg_ls_dir\] is not supported/],
  ["SELECT lo_import('/etc/passwd')", /function \[lo_import\] is not supported/],
  ["SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(a int)", /functions in FROM are not supported/],
  ["SELECT dblink_exec('dbname=postgres', 'DROP TABLE x')", /function \[dblink_exec\] is not supported/],
  ['SELECT pg_sleep(100)', /function \[pg_sleep\] is not supported/],
  ["SELECT load_extension('/tmp/evil')", /function \[load_extension\] is not supported/],
  ["SELECT pg_catalog.pg_sleep(1)", /schema-qualified names are not supported: function \[pg_catalog\.pg_sleep\]/],
  ["SELECT 'strata.tokens'::regclass", /cast to \[regclass\] is not supported/],
  ["SELECT 'x'::pg_catalog.oid", /cast to \[pg_catalog\.oid\] is not supported/],
  ['SELECT 1 OPERATOR(pg_catalog.+) 1', /schema-qualified names are not supported: operator/],
  ["SELECT * FROM people WHERE name ~ 'a'", /operator \[~\] is not supported/],
  ['BEGIN', /transaction control/],
  ['COMMIT', /transaction control/],
  ['ROLLBACK', /transaction control/],
  ['SAVEPOINT a', /transaction control/],
  ['LISTEN strata_invalidate', /LISTEN is not allowed/],
  ["NOTIFY strata_invalidate, 'all'", /NOTIFY is not allowed/],
  ["SELECT pg_notify('strata_invalidate', 'all')", /function \[pg_notify\] is not supported/],
  ['EXPLAIN ANALYZE DELETE FROM people', /EXPLAIN is not allowed/],
  ['DO $$ BEGIN DELETE FROM people; END $$', /DO is not allowed/],
  ['PREPARE p AS DELETE FROM people', /PREPARE is not allowed/],
  ['LOCK TABLE people', /LOCK is not allowed/],
  ['VACUUM people', /VACUUM\/ANALYZE is not allowed/],
  // nested statements
  ['WITH gone AS (DELETE FROM people RETURNING *) SELECT * FROM gone', /a WITH query must be a SELECT/],
  ['WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r', /WITH RECURSIVE is not supported/],
  ['SELECT * FROM people FOR UPDATE', /FOR UPDATE\/SHARE is not supported/],
  ['SELECT 1 UNION SELECT * INTO x FROM people', /syntax error|SELECT INTO/],
  ['INSERT INTO people (name) SELECT name FROM people', /INSERT … SELECT/],
  ["INSERT INTO people (name) VALUES ('x') ON CONFLICT DO NOTHING", /ON CONFLICT is not supported/],
  ['UPDATE people SET name = n.name FROM people n', /UPDATE … FROM is not supported/],
  // what writes may not touch
  ['UPDATE people SET xata_version = 7', /column \[xata_version\] is the server's to set/],
  ["INSERT INTO people (xata_createdat) VALUES ('2020-01-01T00:00:00Z')", /column \[xata_createdat\] is the server's to set/],
  ["UPDATE people SET id = 'other'", /the id of a record cannot be changed/],
  ["UPDATE docs SET doc = '{\"name\":\"x.txt\"}'", /column \[doc\] holds files/],
  ["INSERT INTO people (name) VALUES (upper('x'))", /must be a constant or a parameter/],
  // parameters
  ['SELECT $1', /uses \$1 but 0 parameters were given/],
  [';', /the statement is empty/],
];

describeEachEngine('SQL over HTTP: isolation and refusals', (engine) => {
  let s: RunningStrata;
  const sql = (statement: string, params: unknown[] = [], token?: string) =>
    s.request('POST', '/db/iso:main/sql', { statement, params }, token ? { authorization: `Bearer ${token}` } : {});

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/iso', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/iso:main/tables/people', { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    expect((await s.request('PUT', '/db/iso:main/tables/docs', { columns: [{ name: 'doc', type: 'file' }] })).status).toBe(201);
    expect((await s.request('PUT', '/db/iso:main/tables/people/data/p1', { name: 'Pat' })).status).toBe(201);
    expect((await s.request('PUT', '/db/iso:dev', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/iso:dev/tables/secrets', { columns: [{ name: 'value', type: 'string' }] })).status).toBe(201);
    expect((await s.request('PUT', '/workspaces/local/dbs/other', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/other:main/tables/private', { columns: [{ name: 'value', type: 'string' }] })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  it.each(REFUSED)('refuses %s', async (statement, message) => {
    const res = await sql(statement);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(res.body.id).toEqual(expect.any(String));
  });

  it('names unused parameters as Xata does', async () => {
    const res = await sql('SELECT 1', ['x']);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('invalid SQL: unused parameters: used 0 of 1 parameters');
  });

  it("reports the engine's own complaint about a statement as a 400", async () => {
    const res = await sql('SELECT nope FROM people');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/nope/);
  });

  it('reads nothing of the refused attempts, and a comment is just a comment', async () => {
    const res = await sql('SELECT name FROM people -- ; DROP TABLE people');
    expect(res.status).toBe(200);
    expect(res.body.records).toEqual([{ name: 'Pat' }]);
    expect((await s.request('GET', '/db/iso:main/tables/people/data/p1')).status).toBe(200);
  });

  it('decides the scope from the statement: reads need content:read, writes their content action', async () => {
    const readOnly = await s.createToken(parseScopes('content:r'));
    expect((await sql('SELECT name FROM people', [], readOnly)).status).toBe(200);
    for (const [statement, scope] of [["INSERT INTO people (name) VALUES ('x')", 'create'], ["UPDATE people SET name = 'x'", 'update'], ['DELETE FROM people', 'delete']]) {
      const res = await sql(statement!, [], readOnly);
      expect(res.status).toBe(403);
      expect(res.body.message).toContain(`needs the content:${scope} scope`);
    }
    const createOnly = await s.createToken(parseScopes('content:c'));
    expect((await sql('SELECT name FROM people', [], createOnly)).status).toBe(403);
    expect((await s.request('GET', '/db/iso:main/tables/people/data/p1')).body.name).toBe('Pat');
  });

  // PostgreSQL only (SQLite has no roles): declared only there, so no skipped test is counted.
  if (engine.name === 'postgres') it('on PostgreSQL, the branch role can read its branch tables and nothing else', async () => {
    expect((await sql('SELECT count(*) FROM people')).status).toBe(200);
    const client = new pg.Client({ connectionString: s.config.databaseUrl });
    await client.connect();
    try {
      const hash = createHash('sha256').update((await client.query('SELECT current_database() AS name')).rows[0].name).digest('hex').slice(0, 10);
      const roles = await client.query<{ rolname: string; rolcanlogin: boolean; rolsuper: boolean }>(
        'SELECT rolname, rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [`strata_sql_${hash}_1`]);
      expect(roles.rows).toHaveLength(1);
      const role = roles.rows[0]!;
      expect(role).toMatchObject({ rolcanlogin: false, rolsuper: false });
      const may = async (object: string, kind: 'table' | 'schema', privilege: string) => (await client.query(
        kind === 'table' ? 'SELECT has_table_privilege($1, $2, $3) AS ok' : 'SELECT has_schema_privilege($1, $2, $3) AS ok', [role.rolname, object, privilege])).rows[0].ok;
      expect(await may('strata_branch_1.people', 'table', 'SELECT')).toBe(true);
      for (const privilege of ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) expect(await may('strata_branch_1.people', 'table', privilege)).toBe(false);
      expect(await may('strata_branch_1._strata_tables', 'table', 'SELECT')).toBe(false);
      expect(await may('strata', 'schema', 'USAGE')).toBe(false);
      expect(await may('strata_branch_2', 'schema', 'USAGE')).toBe(false);
      expect(await may('strata_branch_1', 'schema', 'CREATE')).toBe(false);
      // Even with the analyser out of the way, the role itself is refused Strata's tables.
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE "${role.rolname}"`);
      await expect(client.query('SELECT * FROM strata.tokens')).rejects.toThrow(/permission denied/);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });
});
